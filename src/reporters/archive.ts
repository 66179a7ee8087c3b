/**
 * The run archive, `<runs-dir>/<run-id>.tar.gz` beside the run directory
 * (DESIGN §11), and pruning of old runs by count and total size
 * (`runs_keep`, `runs_max_mb`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { create } from 'tar';

/** The archive's file name for a run id. */
export function archiveName(runId: string): string {
  return `${runId}.tar.gz`;
}

/**
 * Packs the run directory into `<runs-dir>/<run-id>.tar.gz` (0600), the
 * entries under `<run-id>/`. It is written under a temporary name and
 * renamed, so a half-written archive never carries the final name.
 * Symbolic links are stored as links, never followed.
 */
export async function archiveRun(runDir: string): Promise<string> {
  const dir = path.resolve(runDir);
  const runsDir = path.dirname(dir);
  const runId = path.basename(dir);
  const target = path.join(runsDir, archiveName(runId));
  const partial = path.join(runsDir, `.${archiveName(runId)}.partial`);
  // 'wx': created here or not at all. The runs directory may be shared: a link planted at this
  // predictable name must make the archive fail, never lead the write into another file.
  const out = fs.createWriteStream(partial, { mode: 0o600, flags: 'wx' });
  try {
    await new Promise<void>((resolve, reject) => {
      const pack = create({ gzip: true, cwd: runsDir, portable: true }, [runId]);
      pack.on('error', reject);
      out.on('error', reject);
      out.on('close', () => resolve());
      pack.pipe(out);
    });
    fs.chmodSync(partial, 0o600);
    fs.renameSync(partial, target);
  } catch (err) {
    out.destroy();
    // Only a partial file this call created is removed (not one planted there).
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') fs.rmSync(partial, { force: true });
    throw err;
  }
  return target;
}

export interface PruneOptions {
  /** Keep at most this many runs (the current one included). */
  keep?: number;
  /** Keep the newest runs whose directories and archives add up to at most this many MiB. */
  maxMb?: number;
  /** The run id (or run directory) that is never removed. */
  current?: string;
  /** Run ids never removed either (runs still going), though they count. */
  protect?: readonly string[];
}

/**
 * Removes the oldest runs beyond `keep` and beyond `maxMb`, each run being
 * its directory and its archive. Runs are told apart by name: directories
 * holding `events.jsonl` and `*.tar.gz` files; run ids sort by start time,
 * so the newest are kept. Links and anything else are left alone. Returns
 * the run ids removed.
 */
export function pruneRuns(runsDir: string, opts: PruneOptions): string[] {
  const current = opts.current === undefined ? undefined : path.basename(path.resolve(runsDir, opts.current));
  const runs = listRuns(runsDir).sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const limitBytes = opts.maxMb === undefined ? Infinity : opts.maxMb * 1024 * 1024;
  const keep = opts.keep ?? Infinity;
  const removed: string[] = [];
  let kept = 0;
  let bytes = 0;
  // Once one run does not fit, every older one goes too: never keep an older run over a newer one.
  let full = false;
  // The current run counts first: it is kept whatever it weighs.
  const ordered = [...runs.filter((r) => r.id === current), ...runs.filter((r) => r.id !== current)];
  for (const run of ordered) {
    full ||= !(kept < keep && bytes + run.bytes <= limitBytes);
    if (run.id === current || !full || opts.protect?.includes(run.id)) {
      kept++;
      bytes += run.bytes;
      continue;
    }
    for (const p of run.paths) fs.rmSync(p, { recursive: true, force: true });
    removed.push(run.id);
  }
  return removed;
}

interface StoredRun {
  id: string;
  paths: string[];
  bytes: number;
}

function listRuns(runsDir: string): StoredRun[] {
  const byId = new Map<string, StoredRun>();
  const add = (id: string, p: string, bytes: number) => {
    const run = byId.get(id) ?? { id, paths: [], bytes: 0 };
    run.paths.push(p);
    run.bytes += bytes;
    byId.set(id, run);
  };
  let names: string[];
  try {
    names = fs.readdirSync(runsDir);
  } catch {
    return [];
  }
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const p = path.join(runsDir, name);
    const st = fs.lstatSync(p);
    if (st.isDirectory() && fs.existsSync(path.join(p, 'events.jsonl'))) add(name, p, treeBytes(p));
    else if (st.isFile() && name.endsWith('.tar.gz')) add(name.slice(0, -'.tar.gz'.length), p, st.size);
  }
  return [...byId.values()];
}

function treeBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) total += treeBytes(p);
    else if (entry.isFile()) total += fs.lstatSync(p).size;
  }
  return total;
}
