/**
 * Where a run's control socket lives, and how a command finds the run it
 * names. Sockets go in a short private directory (DESIGN §12):
 * `$XDG_RUNTIME_DIR/playwatch`, else `/tmp/playwatch-<uid>`, mode 0700 and
 * owned by the user, as `<run-id>.sock`; a run directory names its socket
 * in `control.json` while the run lives.
 */
import fs from 'node:fs';
import path from 'node:path';

/** A Unix socket path holds at most 107 bytes (108 with its NUL, Linux's `sun_path`). */
export const SOCKET_PATH_MAX = 107;
/** The file in a run directory that names its control socket (gone once the run ends). */
export const CONTROL_FILE = 'control.json';

const RUN_ID = /^\d{8}-\d{6}-[0-9a-f]{4}$/;
/** A run id's length, for checking a directory is short enough before any run has one. */
const RUN_ID_LENGTH = '20261203-092620-abcd'.length;

/**
 * The socket directory for this user: XDG's when set, there and short
 * enough (a `sudo -u` shell may carry another user's), else one in /tmp.
 */
export function controlDir(env: NodeJS.ProcessEnv = process.env, uid = process.getuid?.() ?? 0, isDir = isDirectory): string {
  const xdg = env.XDG_RUNTIME_DIR;
  if (xdg && path.isAbsolute(xdg) && isDir(xdg)) {
    const dir = path.join(xdg, 'playwatch');
    if (Buffer.byteLength(socketPath(dir, 'x'.repeat(RUN_ID_LENGTH))) <= SOCKET_PATH_MAX) return dir;
  }
  return `/tmp/playwatch-${uid}`;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function socketPath(dir: string, runId: string): string {
  return path.join(dir, `${runId}.sock`);
}

/**
 * Makes the socket directory, or checks the one there: a real directory
 * (not a link), owned by this user, closed to everyone else. A directory
 * someone else planted in /tmp is refused, never used.
 */
export function ensureControlDir(dir: string, uid = process.getuid?.() ?? 0): { ok: true } | { ok: false; message: string } {
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return { ok: false, message: `cannot make ${dir}: ${(err as Error).message}` };
  }
  const st = fs.lstatSync(dir);
  if (!st.isDirectory()) return { ok: false, message: `${dir} is not a directory` };
  if (st.uid !== uid) return { ok: false, message: `${dir} belongs to uid ${st.uid}, not to this user (uid ${uid})` };
  // Ours, but opened up (a umask, a hand-made directory): close it again.
  if ((st.mode & 0o077) !== 0) fs.chmodSync(dir, 0o700);
  return { ok: true };
}

/** What `control.json` says. */
export interface ControlRecord {
  socket: string;
  pid: number;
  runId: string;
}

/** A run named on the command line, found: its socket, and its directory when known. */
export type FoundRun = { ok: true; runId: string; socket: string; runDir?: string } | { ok: false; message: string };

/**
 * The run that `<run|@last>` names: a run directory, a run id (in the runs
 * directory or among this user's live sockets) or `@last`, the newest run
 * in the runs directory (never a run of another project: `abort @last` must
 * not stop a deploy started elsewhere).
 */
export function findRun(arg: string, where: { runsDir: string; socketDir: string }): FoundRun {
  if (arg === '@last') {
    const last = runIdsIn(where.runsDir).sort().at(-1);
    if (!last) return { ok: false, message: `no run in ${where.runsDir}${liveHint(where.socketDir)}` };
    return inRunDir(path.join(where.runsDir, last), last);
  }
  if (arg.includes('/') || (fs.existsSync(arg) && fs.statSync(arg).isDirectory())) return inRunDir(path.resolve(arg), path.basename(path.resolve(arg)));
  if (!RUN_ID.test(arg)) return { ok: false, message: `'${arg}' is not a run id (like 20261203-092620-ab12), a run directory or @last` };
  const dir = path.join(where.runsDir, arg);
  if (fs.existsSync(dir)) return inRunDir(dir, arg);
  const sock = socketPath(where.socketDir, arg);
  if (fs.existsSync(sock)) return { ok: true, runId: arg, socket: sock };
  return { ok: false, message: `no run ${arg} in ${where.runsDir} and no live run ${arg} in ${where.socketDir}${liveHint(where.socketDir)}` };
}

/** The live runs of this user, for a message that could not find the one asked for. */
function liveHint(socketDir: string): string {
  const live = liveIdsIn(socketDir);
  return live.length ? ` (live runs of yours: ${live.sort().join(', ')})` : '';
}

/** A run directory's socket, or why it has none: ended, or not (yet, or any more) serving one. */
function inRunDir(dir: string, runId: string): FoundRun {
  const file = path.join(dir, CONTROL_FILE);
  if (!fs.existsSync(dir)) return { ok: false, message: `no run directory ${dir}` };
  if (!fs.existsSync(file)) {
    const ended = fs.existsSync(path.join(dir, 'summary.json'));
    return { ok: false, message: `run ${runId} is not live: ${ended ? 'it has ended' : 'it serves no control socket (starting, or stopped without an end)'}; its record is in ${dir}` };
  }
  try {
    const rec = JSON.parse(fs.readFileSync(file, 'utf8')) as ControlRecord;
    if (typeof rec.socket !== 'string') throw new Error('no socket named');
    return { ok: true, runId: rec.runId ?? runId, socket: rec.socket, runDir: dir };
  } catch (err) {
    return { ok: false, message: `${file}: ${(err as Error).message}` };
  }
}

function runIdsIn(dir: string): string[] {
  try {
    return fs.readdirSync(dir).filter((n) => RUN_ID.test(n));
  } catch {
    return [];
  }
}

function liveIdsIn(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir)
      .filter((n) => n.endsWith('.sock'))
      .map((n) => n.slice(0, -'.sock'.length))
      .filter((n) => RUN_ID.test(n));
  } catch {
    return [];
  }
}
