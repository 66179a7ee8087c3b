/**
 * A run named on the command line: a run id, `@last`/`@prev` (the newest
 * and the one before it in the runs directory), a run directory, its
 * `events.jsonl` or `summary.json`, or its archive (`<run-id>.tar.gz`, as a
 * CI job keeps a baseline from an earlier job). An archive is read in
 * memory; nothing is unpacked to disk.
 */
import fs from 'node:fs';
import path from 'node:path';
import { list } from 'tar';
import { UserError } from '../model/index.js';
import { EVENTS_FILE, SUMMARY_FILE, fromText, loadRun, type LoadedRun } from './load.js';
import { RUN_ID, runDirs } from './runs.js';

/** What a run named on the command line gave: its events, or only its summary.json. */
export type NamedRun = { kind: 'record'; run: LoadedRun; summary?: unknown } | { kind: 'summary'; id: string; source: string; summary: unknown };

/** The directory `arg` names (`@last`, `@prev`, a run id or a path), without reading it. */
export function runDirOf(arg: string, runsDir: string): string {
  const back = arg === '@last' ? 1 : arg === '@prev' ? 2 : 0;
  if (back) {
    const dirs = runDirs(runsDir);
    const dir = dirs.at(-back);
    if (!dir) throw new UserError(`${arg}: ${dirs.length === 0 ? `no run in ${runsDir}` : `only one run in ${runsDir}`}`);
    return dir;
  }
  if (RUN_ID.test(arg) && !fs.existsSync(arg)) return path.join(runsDir, arg);
  return path.resolve(arg);
}

/** Reads the run `arg` names. */
export async function openRun(arg: string, runsDir: string): Promise<NamedRun> {
  const p = runDirOf(arg, runsDir);
  if (/\.(tar\.gz|tgz)$/.test(p)) return openArchive(p);
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    throw new UserError(`${arg}: no such run (${p} does not exist)`);
  }
  if (st.isDirectory()) return withSummary(loadRun(p));
  const dir = path.dirname(p);
  if (path.basename(p) === EVENTS_FILE) return withSummary(loadRun(dir));
  if (fs.existsSync(path.join(dir, EVENTS_FILE))) return withSummary(loadRun(dir));
  // A summary.json kept on its own (a CI artifact): its task timings, without the events.
  return { kind: 'summary', id: path.basename(dir), source: p, summary: readJson(fs.readFileSync(p, 'utf8'), p) };
}

function withSummary(run: LoadedRun): NamedRun {
  const file = path.join(run.dir, SUMMARY_FILE);
  if (!fs.existsSync(file)) return { kind: 'record', run };
  try {
    return { kind: 'record', run, summary: JSON.parse(fs.readFileSync(file, 'utf8')) };
  } catch {
    return { kind: 'record', run };
  }
}

/** The run in an archive: its events.jsonl (and summary.json), read from the gzipped tar. */
async function openArchive(file: string): Promise<NamedRun> {
  if (!fs.existsSync(file)) throw new UserError(`${file}: no such archive`);
  const found = new Map<string, string>();
  try {
    await list({
      file,
      onReadEntry: (entry) => {
        const base = path.posix.basename(entry.path);
        if (entry.type !== 'File' || (base !== EVENTS_FILE && base !== SUMMARY_FILE) || entry.path.split('/').filter(Boolean).length > 2) {
          entry.resume();
          return;
        }
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => chunks.push(c));
        entry.on('end', () => found.set(base, Buffer.concat(chunks).toString('utf8')));
      },
    });
  } catch (err) {
    throw new UserError(`${file}: not a readable run archive (${(err as Error).message})`);
  }
  const events = found.get(EVENTS_FILE);
  const summaryText = found.get(SUMMARY_FILE);
  const summary = summaryText === undefined ? undefined : readJson(summaryText, `${file}:${SUMMARY_FILE}`);
  if (events !== undefined) {
    const run = fromText(events, file, `${file}:${EVENTS_FILE}`);
    return summary === undefined ? { kind: 'record', run } : { kind: 'record', run, summary };
  }
  if (summary !== undefined) return { kind: 'summary', id: path.basename(file).replace(/\.(tar\.gz|tgz)$/, ''), source: file, summary };
  throw new UserError(`${file}: the archive holds no ${EVENTS_FILE} or ${SUMMARY_FILE}`);
}

function readJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UserError(`${source}: not JSON (${(err as Error).message})`);
  }
}
