import { posix } from 'node:path';
import { shellQuote } from '../transport/command.js';
import type { ExecResult, Transport } from '../transport/types.js';

/**
 * The deploy lock on a target (DESIGN §12): one per host, whoever logs in.
 * It is the directory `/run/lock/playwatch` (tmpfs, world-writable with the
 * sticky bit: any deploy user can take it, only its owner or root can remove
 * it), or `~/.playwatch/lock` with a warning where `/run/lock` is missing;
 * the host var `playwatch_lock_path` puts it elsewhere. Each step is one
 * atomic operation on the target: taking is `mkdir`, releasing and breaking
 * are one `mv` of the lock to a unique name, after claiming that very lock
 * instance with a `mkdir` inside it (so of two breakers only one moves it).
 * The holder's `info` file (user, controller, pid, run, playbook, started,
 * and the login user on the target) is readable by the next operator.
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
  /** The login user on the target (filled in there; several users may deploy to one host). */
  login?: string;
}

export interface LockSettings {
  holder: LockHolder;
  /** Take over a stale lock (`--break-lock`). */
  breakStale: boolean;
  /** A lock older than this is stale, whoever holds it. */
  staleAfterSec: number;
  /** Whether a pid on this controller is still alive. */
  alive?: (pid: number) => boolean;
  /** `--lock-wait`: how long to wait for a lock held by a live run before giving up, ms (0: refuse at once). */
  waitMs?: number;
  /** While waiting, who holds the lock is said this often, ms (default 15 s). */
  waitReportMs?: number;
  /** While waiting, the lock is tried again this often, ms (default 1 s). */
  waitPollMs?: number;
}

/** What taking the lock came to: taken (over a stale one, with a warning), or refused. */
export type LockOutcome =
  | { taken: true; warning?: string }
  | { taken: false; message: string; holder?: LockHolder; stale: boolean };

/**
 * The lock place a host var gives (`~/` is the login user's home), or the
 * default. Its parent is worked out here, not by `dirname` on the target:
 * each program a lock command starts is one more fork and exec there.
 */
function placeScript(place: string | undefined): string {
  if (place !== undefined && place !== '') {
    const home = place.startsWith('~/');
    // A trailing slash would make the release's `mv "$L" "$L.released…"` a move into itself.
    const rest = (home ? place.slice(2) : place).replace(/(.)\/+$/, '$1');
    const at = (p: string) => (!home ? shellQuote(p) : p === '.' ? '"$HOME"' : `"$HOME"/${shellQuote(p)}`);
    return `L=${at(rest)}; D=${at(posix.dirname(rest))}; [ -d "$D" ] || mkdir -p "$D" || exit 3`;
  }
  return [
    'if [ -d /run/lock ]; then L=/run/lock/playwatch',
    'else L="$HOME"/.playwatch/lock; mkdir -p "$HOME"/.playwatch && chmod 700 "$HOME"/.playwatch || exit 3; echo FALLBACK; fi',
  ].join('\n');
}

/** Shell functions shared by the commands: `held` reports the holder, `take` is the one `mkdir`. */
function functions(h: LockHolder): string {
  const info = Object.entries(h).map(([k, v]) => `${k}=${String(v).replace(/\n/g, ' ')}`);
  return [
    'umask 022',
    'echo "PLACE=$L"',
    // Whether file $2 has the line $1 (grep -qxF without starting grep).
    'has_line() { [ -r "$2" ] || return 1; while IFS= read -r l || [ -n "$l" ]; do [ "$l" = "$1" ] && return 0; done <"$2"; return 1; }',
    // A lock taken a moment ago may not have its info file yet: wait a little before calling it unknown.
    // A lock released while we look (gone from $L) is not held: held returns 1 and take tries again.
    'held() { for i in 1 2 3 4 5; do [ -f "$L/info" ] && break; [ -d "$L" ] || return 1; sleep 0.2; done; echo HELD; cat "$L/info" 2>/dev/null; exit 0; }',
    // The info file appears whole (written aside, then renamed), readable by every user.
    // cd pins the new lock, so its info lands in it even if a breaker of an older lock moves it aside a moment.
    `take() { for n in 1 2 3; do if mkdir -m 755 "$L" 2>/dev/null; then cd "$L" && printf '%s\\n' ${info.map(shellQuote).join(' ')} "login=$(id -un)" > .info && mv .info info && echo TAKEN; exit 0; fi; held; done; echo HELD; exit 0; }`,
    // Claims the lock instance at $L (cd pins it), moves it to a unique name and drops it. $1: the run the
    // lock must belong to ('' for a lock without info), $2: what to call the moved one. Prints what stopped it.
    'claim_and_move() {',
    '  cd "$L" 2>/dev/null || return 0',
    '  if [ -n "$1" ]; then has_line "run=$1" info || { cd /; echo CHANGED; return 1; }',
    '  else [ -f info ] && { cd /; echo CHANGED; return 1; }; fi',
    '  if ! mkdir breaking 2>/dev/null; then r=BUSY; [ -d breaking ] || r=DENIED; cd /; echo $r; return 1; fi',
    // A lock another breaker has moved away (and is removing) may still be our cwd: claimed, but no longer the lock.
    '  [ "$L" -ef . ] || { rmdir breaking 2>/dev/null; cd /; echo CHANGED; return 1; }',
    `  echo ${shellQuote(h.run)} > breaking/by`,
    '  cd /',
    `  X="$L.$2.${shellQuote(h.run)}.$$"`,
    '  mv "$L" "$X" 2>/dev/null || { rm -rf "$L/breaking" 2>/dev/null; echo DENIED; return 1; }',
    // Whatever sat at $L was the instance we claimed unless its holder released it in between: put that one back.
    `  if ! has_line ${shellQuote(h.run)} "$X/breaking/by"; then [ -e "$L" ] || mv "$X" "$L"; echo CHANGED; return 1; fi`,
    // The claim stands once the move is ours; a late claimer's dir inside can make the first rm fail.
    '  rm -rf "$X" 2>/dev/null || { sleep 0.1; rm -rf "$X" 2>/dev/null; }',
    '  return 0',
    '}',
  ].join('\n');
}

function takeCommand(h: LockHolder, place: string | undefined): string {
  return [placeScript(place), functions(h), 'take'].join('\n');
}

/** Breaks the lock held by `staleRun` ('' when it had no info) in one `mv`, then takes it. */
function breakCommand(h: LockHolder, place: string | undefined, staleRun: string): string {
  return [placeScript(place), functions(h), `claim_and_move ${shellQuote(staleRun)} broken || held`, 'take'].join('\n');
}

/** Gives the lock back only if this run holds it: one `mv`, then the moved copy is removed. */
export function releaseCommand(h: LockHolder, place: string | undefined): string {
  return [placeScript(place), functions(h), `claim_and_move ${shellQuote(h.run)} released >/dev/null; true`].join('\n');
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
    ...(kv.has('login') ? { login: kv.get('login') } : {}),
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

/** What a lock command printed: where the lock is, whether it fell back, and the outcome. */
function parseOutput(stdout: string): { place: string; fallback: boolean; taken: boolean; held: boolean; note?: string; holder?: LockHolder } {
  const lines = stdout.split('\n');
  const place = lines.find((l) => l.startsWith('PLACE='))?.slice(6) ?? '?';
  const note = lines.find((l) => l === 'BUSY' || l === 'DENIED' || l === 'CHANGED');
  const held = lines.includes('HELD');
  return {
    place,
    fallback: lines.includes('FALLBACK'),
    taken: lines.includes('TAKEN'),
    held,
    ...(note ? { note } : {}),
    ...(held ? { holder: parseHolder(stdout.slice(stdout.indexOf('HELD'))) } : {}),
  };
}

/**
 * Takes the lock on one host (`place`: the host's `playwatch_lock_path`). A
 * stale lock is broken only with `breakStale` (and said so in `warning`); a
 * host held by someone else is refused, with who holds it.
 */
export async function takeLock(t: Transport, s: LockSettings, place?: string): Promise<LockOutcome> {
  const res = await t.exec(takeCommand(s.holder, place), { timeoutMs: 30_000 });
  const first = parseOutput(res.stdout);
  const fallback = first.fallback ? `/run/lock is missing: the deploy lock is ${first.place}, which only excludes runs by the same login user` : undefined;
  const warned = (w?: string) => [fallback, w].filter(Boolean).join('; ') || undefined;
  if (first.taken) return withWarning({ taken: true }, warned());
  if (!first.held) return { taken: false, stale: false, message: `could not take the deploy lock ${first.place === '?' ? (place ?? '') : first.place}: ${failure(res)}`.replace('lock :', 'lock:') };
  // The same machine under two inventory names (localhost and 127.0.0.1): already ours.
  if (first.holder?.run === s.holder.run) return withWarning({ taken: true }, warned());
  const holder = first.holder;
  const who = holder ? describe(holder) : 'an unknown holder (no info file)';
  const stale = holder ? isStale(holder, s) : true;
  if (!stale) return { taken: false, stale, holder, message: `locked by ${who}` };
  if (!s.breakStale) {
    return { taken: false, stale, holder, message: `locked by ${who}, which looks stale; run again with --break-lock to take it over` };
  }
  const again = parseOutput((await t.exec(breakCommand(s.holder, place, holder?.run ?? ''), { timeoutMs: 30_000 })).stdout);
  if (again.taken) return withWarning({ taken: true }, warned(`took over a stale deploy lock held by ${who}`));
  if (again.holder?.run === s.holder.run) return withWarning({ taken: true }, warned());
  const why =
    again.note === 'DENIED' ? `it belongs to another user: only they or root can remove ${first.place}`
    : again.note === 'BUSY' ? 'another run is taking it over right now'
    : again.holder ? `it is now held by ${describe(again.holder)}`
    : 'it changed hands meanwhile';
  return { taken: false, stale, holder: again.holder ?? holder, message: `locked by ${who}, which looks stale, but the lock could not be taken over: ${why}` };
}

/**
 * `takeLock`, waiting up to `waitMs` (`--lock-wait`) while a live run
 * holds the lock (a stale one is not waited for: it is never released),
 * saying who holds it and since when at once and every `waitReportMs`.
 * Stops waiting when the run is stopped (`signal`).
 */
export async function takeLockWaiting(
  t: Transport,
  s: LockSettings,
  place: string | undefined,
  w: { say: (message: string) => void; signal: AbortSignal; stopping: () => boolean },
): Promise<LockOutcome> {
  const until = Date.now() + (s.waitMs ?? 0);
  const every = s.waitReportMs ?? 15_000;
  let said = -Infinity;
  let waited = false;
  for (;;) {
    const got = await takeLock(t, s, place);
    if (got.taken || got.stale || !got.holder || Date.now() >= until || w.stopping()) {
      if (got.taken || !waited) return got;
      return { ...got, message: `${got.message}; waited ${Math.round((s.waitMs ?? 0) / 1000)}s (--lock-wait)` };
    }
    waited = true;
    if (Date.now() - said >= every) {
      said = Date.now();
      w.say(`waiting for the deploy lock (--lock-wait, ${Math.ceil((until - Date.now()) / 1000)}s left): held by ${describe(got.holder)}`);
    }
    await new Promise<void>((resolve) => {
      const done = () => (clearTimeout(timer), w.signal.removeEventListener('abort', done), resolve());
      const timer = setTimeout(done, Math.min(s.waitPollMs ?? 1000, Math.max(0, until - Date.now())));
      w.signal.addEventListener('abort', done, { once: true });
    });
  }
}

/** Why a lock command said neither TAKEN nor HELD, for the refusal message. */
function failure(r: ExecResult): string {
  if (r.timedOut) return 'the lock command timed out';
  const err = r.stderr.trim().split('\n').slice(-2).join(' ').slice(0, 200);
  return `the lock command ${r.signal ? `was killed by ${r.signal}` : `exited ${r.rc}`}${err ? ` (${err})` : ''}`;
}

function withWarning(o: { taken: true }, warning?: string): LockOutcome {
  return warning ? { ...o, warning } : o;
}

export function describe(h: LockHolder): string {
  const since = h.started ? new Date(h.started * 1000).toISOString().replace('.000Z', 'Z') : '?';
  return `${h.user}@${h.controller} (pid ${h.pid}, run ${h.run}, ${h.playbook}, since ${since}${h.login ? `, logged in as ${h.login}` : ''})`;
}
