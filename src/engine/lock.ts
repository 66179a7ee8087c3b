import { shellQuote } from '../transport/command.js';
import type { Transport } from '../transport/types.js';

/**
 * The deploy lock on a target (DESIGN §11): `~/.playwatch/lock`, taken with
 * an atomic `mkdir` by the first command of a run on each host, so a second
 * laptop, checkout or CI job deploying to the same host is refused.
 */

/** Who holds a lock. */
export interface LockHolder {
  user: string;
  controller: string;
  pid: number;
  run: string;
  playbook: string;
  /** Epoch seconds. */
  started: number;
}

export interface LockSettings {
  holder: LockHolder;
  /** Take over a stale lock (`--break-lock`). */
  breakStale: boolean;
  /** A lock older than this is stale, whoever holds it. */
  staleAfterSec: number;
  /** Whether a pid on this controller is still alive. */
  alive?: (pid: number) => boolean;
}

/** What taking the lock came to: taken (over a stale one, with a warning), or refused. */
export type LockOutcome =
  | { taken: true; warning?: string }
  | { taken: false; message: string; holder?: LockHolder; stale: boolean };

const DIR = '"$HOME"/.playwatch';
const LOCK = `${DIR}/lock`;

function takeCommand(h: LockHolder, force: boolean): string {
  const info = Object.entries(h).map(([k, v]) => `${k}=${String(v).replace(/\n/g, ' ')}`);
  return [
    `mkdir -p ${DIR} && chmod 700 ${DIR} || exit 3`,
    force ? `rm -rf ${LOCK}` : ':',
    `if mkdir ${LOCK} 2>/dev/null; then printf '%s\\n' ${info.map(shellQuote).join(' ')} > ${LOCK}/info; echo TAKEN; exit 0; fi`,
    'echo HELD',
    // A lock taken a moment ago may not have its info file yet: wait a little before calling it unknown.
    `for i in 1 2 3 4 5; do [ -f ${LOCK}/info ] && break; sleep 0.2; done`,
    `cat ${LOCK}/info 2>/dev/null`,
  ].join('\n');
}

/** Removes the lock only if this run holds it. */
export function releaseCommand(run: string): string {
  return `grep -qx ${shellQuote(`run=${run}`)} ${LOCK}/info 2>/dev/null && rm -rf ${LOCK}; true`;
}

function parseHolder(text: string): LockHolder | undefined {
  const kv = new Map(text.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  if (!kv.has('run')) return undefined;
  return {
    user: kv.get('user') ?? '?',
    controller: kv.get('controller') ?? '?',
    pid: Number(kv.get('pid') ?? 0),
    run: kv.get('run')!,
    playbook: kv.get('playbook') ?? '?',
    started: Number(kv.get('started') ?? 0),
  };
}

/** A lock whose holder is gone: same controller and a dead pid, or too old. */
export function isStale(h: LockHolder, s: LockSettings, nowSec = Date.now() / 1000): boolean {
  const alive = s.alive ?? pidAlive;
  if (h.controller === s.holder.controller && h.pid > 0 && !alive(h.pid)) return true;
  return nowSec - h.started > s.staleAfterSec;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the lock on one host. A stale lock is taken over only with
 * `breakStale` (and said so in `warning`); a host held by someone else is
 * refused, with who holds it.
 */
export async function takeLock(t: Transport, s: LockSettings): Promise<LockOutcome> {
  const first = await t.exec(takeCommand(s.holder, false), { timeoutMs: 30_000 });
  if (first.stdout.startsWith('TAKEN')) return { taken: true };
  if (!first.stdout.startsWith('HELD')) {
    return { taken: false, stale: false, message: `could not take the deploy lock ~/.playwatch/lock: ${first.stderr.trim() || `rc ${first.rc}`}` };
  }
  const holder = parseHolder(first.stdout);
  // The same machine under two inventory names (localhost and 127.0.0.1): already ours.
  if (holder?.run === s.holder.run) return { taken: true };
  const who = holder ? describe(holder) : 'an unknown holder (no info file)';
  const stale = holder ? isStale(holder, s) : true;
  if (!stale) return { taken: false, stale, holder, message: `locked by ${who}` };
  if (!s.breakStale) {
    return { taken: false, stale, holder, message: `locked by ${who}, which looks stale; run again with --break-lock to take it over` };
  }
  const again = await t.exec(takeCommand(s.holder, true), { timeoutMs: 30_000 });
  if (!again.stdout.startsWith('TAKEN')) return { taken: false, stale, holder, message: `locked by ${who}; the stale lock could not be taken over` };
  return { taken: true, warning: `took over a stale deploy lock held by ${who}` };
}

export function describe(h: LockHolder): string {
  const since = h.started ? new Date(h.started * 1000).toISOString().replace('.000Z', 'Z') : '?';
  return `${h.user}@${h.controller} (pid ${h.pid}, run ${h.run}, ${h.playbook}, since ${since})`;
}
