import { randomInt } from 'node:crypto';
import { shellQuote } from './command.js';
import type { ExecResult, Transport } from './types.js';

/**
 * Async jobs on a target (`async:`/`poll:`/`async_status`): started
 * detached in their own session, with a watchdog that kills the job's
 * process group when its time is up. Everything about a job lives under
 * `~/.playwatch_async/<jid>/`: `start`, `end` (epoch seconds), `rc`,
 * `stdout`, `stderr`, `timedout`, `pid` (the job's pgid), `dog`
 * (the watchdog's pgid), `sup` (the supervisor that waits for the job),
 * `run` (the id of the run that started it).
 */

export const ASYNC_DIR = '.playwatch_async';

/** `j482193847261.4821`, as ansible-core shapes job ids. */
export function newJid(): string {
  return `j${randomInt(100_000, 999_999)}${randomInt(100_000, 999_999)}.${process.pid}`;
}

const JID = /^j\d+\.\d+$/;

export function validJid(jid: string): boolean {
  return JID.test(jid);
}

function dirOf(jid: string): string {
  if (!validJid(jid)) throw new Error(`not a playwatch job id: '${jid}'`);
  return `"$HOME"/${ASYNC_DIR}/${jid}`;
}

/** Where `results_file` points for a job (for `register` on poll: 0). */
export function resultsFile(jid: string): string {
  return `~/${ASYNC_DIR}/${jid}`;
}

/**
 * The command that starts `command` as a job limited to `limitSec`; with
 * `hasStdin`, the start command's own stdin becomes the job's.
 * `setsid` under a shell without job control runs the job as its own
 * process group leader, so its pid is its pgid.
 */
export function startJobCommand(jid: string, limitSec: number, command: string, hasStdin = false, run?: string): string {
  const supervisor = [
    'd=$1; limit=$2; cmd=$3; u=$4',
    'echo $$ > "$d/sup"',
    'date +%s.%N > "$d/start"',
    // The job's stdin (env values, then its input) waits in a 0600 file, removed once the job has it open.
    hasStdin ? 'exec 3< "$d/stdin"; rm -f "$d/stdin"' : 'exec 3< /dev/null',
    // The job gets the login's umask back (files it makes get the modes they would without async); our files keep 077.
    'setsid /bin/sh -c \'umask "$1"; exec /bin/sh -c "$2"\' job "$u" "$cmd" > "$d/stdout" 2> "$d/stderr" <&3 3<&- &',
    'exec 3<&-',
    'job=$!; echo "$job" > "$d/pid"',
    // The watchdog is its own group too, so stopping it also stops its sleep.
    `setsid /bin/sh -c 'sleep "$1"; [ -f "$2/rc" ] && exit 0; echo 1 > "$2/timedout"; kill -TERM -"$3" 2>/dev/null; sleep 2; kill -KILL -"$3" 2>/dev/null' dog "$limit" "$d" "$job" > /dev/null 2>&1 < /dev/null &`,
    'dog=$!; echo "$dog" > "$d/dog"',
    'wait "$job"; rc=$?',
    'kill -TERM -"$dog" 2>/dev/null',
    'date +%s.%N > "$d/end"',
    'echo "$rc" > "$d/rc.tmp" && mv "$d/rc.tmp" "$d/rc"',
  ].join('\n');
  // Few forks on purpose: this runs once per host per async task. setsid
  // already takes the supervisor out of the session, so no nohup.
  return [
    `d=${dirOf(jid)}`,
    'u=$(umask); umask 077; mkdir -p "$d" || exit 1',
    ...(run !== undefined ? [`echo ${shellQuote(oneWord(run))} > "$d/run"`] : []),
    ...(hasStdin ? ['cat > "$d/stdin" || exit 1'] : []),
    `setsid /bin/sh -c ${shellQuote(supervisor)} supervisor "$d" ${limitSec} ${shellQuote(command)} "$u" > /dev/null 2>&1 < /dev/null &`,
    'echo started',
  ].join('\n');
}

export interface JobStatus {
  /** The job's directory is gone (cleaned up, or never started here). */
  missing: boolean;
  finished: boolean;
  rc?: number;
  startEpoch?: number;
  endEpoch?: number;
  nowEpoch: number;
  timedOut: boolean;
  /** Last line of the job's stdout, for the live view. */
  lastLine?: string;
  /**
   * Set when a status file holds something else than what the job's supervisor writes
   * (`rc` not an exit code): what it held, shown inert. The job counts as finished with
   * its outcome unknown, so a poll never waits for an exit code that will not come.
   */
  junk?: string;
  /** The job's whole output, once it has finished. */
  stdout?: string;
  stderr?: string;
  truncated?: boolean;
}

/** Separates our status lines from the job's stderr on the status command's stderr. */
const MARK = '__playwatch_job_stderr__';

/**
 * One command per poll: status lines (and, once the job has finished, its
 * stderr after a marker) on stderr, the finished job's stdout on stdout.
 * With `cleanup`, a finished job's files are removed in the same breath.
 */
export function statusCommand(jid: string, opts: { cleanup?: boolean; lastLine?: boolean } = {}): string {
  return [
    `d=${dirOf(jid)}`,
    '[ -d "$d" ] || { echo missing=1 >&2; date +now=%s.%N >&2; exit 0; }',
    // Builtin reads, not $(cat): a poll should cost the target one fork or two.
    // rc is read once: the output and the cleanup below follow what this poll reports.
    'rc=; start=; end=; to=',
    '{ read -r rc < "$d/rc"; read -r start < "$d/start"; read -r end < "$d/end"; read -r to < "$d/timedout"; } 2>/dev/null',
    'printf "rc=%s\\nstart=%s\\nend=%s\\ntimedout=%s\\n" "$rc" "$start" "$end" "$to" >&2',
    'date +now=%s.%N >&2',
    opts.lastLine ? 'printf "last=%s\\n" "$(tail -n 1 "$d/stdout" 2>/dev/null | cut -c1-200)" >&2' : ':',
    '[ -n "$rc" ] || exit 0',
    `echo ${MARK} >&2`,
    'cat "$d/stdout" 2>/dev/null; cat "$d/stderr" >&2 2>/dev/null',
    opts.cleanup ? 'rm -rf "$d"' : 'true',
  ].join('\n');
}

export function parseStatus(res: ExecResult): JobStatus {
  const cut = res.stderr.indexOf(`${MARK}\n`);
  const head = cut < 0 ? res.stderr : res.stderr.slice(0, cut);
  const kv = new Map<string, string>();
  for (const line of head.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) kv.set(line.slice(0, i), line.slice(i + 1));
  }
  // A number, or nothing: a junk value in a status file is never a NaN that looks like a time.
  const num = (k: string) => {
    const n = kv.get(k) ? Number(kv.get(k)) : NaN;
    return Number.isFinite(n) ? n : undefined;
  };
  const rcText = kv.get('rc') ?? '';
  const junk = rcText !== '' && !/^-?\d+$/.test(rcText);
  const rc = junk ? undefined : num('rc');
  const finished = rc !== undefined || junk;
  const status: JobStatus = {
    missing: kv.get('missing') === '1',
    finished,
    rc,
    startEpoch: num('start'),
    endEpoch: num('end'),
    nowEpoch: num('now') ?? Date.now() / 1000,
    timedOut: kv.get('timedout') === '1',
    lastLine: kv.get('last') || undefined,
    ...(junk ? { junk: `rc holds ${JSON.stringify(rcText.slice(0, 40))}` } : {}),
  };
  if (finished && cut >= 0) {
    status.stdout = res.stdout;
    status.stderr = res.stderr.slice(cut + MARK.length + 1);
    status.truncated = res.truncated;
  }
  return status;
}

export function cleanupCommand(jid: string): string {
  return `rm -rf ${dirOf(jid)}`;
}

/**
 * Kills the supervisor first (else it writes `end` and `rc` while the files
 * are being removed, and the directory survives), then the job's and the
 * watchdog's process groups.
 */
const KILL_JOB = 'for f in sup pid dog; do p=$(cat "$d/$f" 2>/dev/null); [ -n "$p" ] && kill -KILL -"$p" 2>/dev/null; done';

/** Kills the job's process group and its watchdog, then removes its files. */
export function killCommand(jid: string): string {
  return [
    `d=${dirOf(jid)}`,
    '[ -d "$d" ] || exit 0',
    KILL_JOB,
    'rm -rf "$d"',
  ].join('\n');
}

/**
 * Stops every job of one run, its id ending in `.<pid>` (the controller
 * process) and its `run` file naming the run, and removes their files:
 * catches jobs whose start raced with a kill, before the engine knew their
 * ids. The run id matters where pids repeat (a container's controller is
 * often pid 1 or 7 run after run): an earlier run's jobs are not this one's.
 */
export function killRunJobsCommand(pid: number, run: string): string {
  return [
    `for d in "$HOME"/${ASYNC_DIR}/j*.${Math.trunc(pid)}; do`,
    '  [ -d "$d" ] || continue',
    `  r=; read -r r < "$d/run" 2>/dev/null; [ "$r" = ${shellQuote(oneWord(run))} ] || continue`,
    `  ${KILL_JOB}`,
    '  rm -rf "$d"',
    'done; true',
  ].join('\n');
}

/** A run id as one line of a file (ids are plain words; a stray newline must not split it). */
function oneWord(s: string): string {
  return s.replace(/\s+/g, '_');
}

/** Stops a running job on its host (abort uses this). */
export async function killAsync(transport: Transport, jid: string): Promise<void> {
  const res = await transport.exec(killCommand(jid), { timeoutMs: 10_000 });
  if (res.rc !== 0) throw new Error(`could not stop async job ${jid} on ${transport.host}: ${res.stderr.trim() || `rc ${res.rc}`}`);
}
