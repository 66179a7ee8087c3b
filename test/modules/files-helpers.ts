/** Shared parts of the file module tests: host roots set up from a table, and snapshots of them. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { TestRun } from '../helpers/run.js';

/** What a path in a host's root is: text content, a directory, a symlink, with an optional mode. */
export type Entry = string | { content?: string; dir?: true; link?: string; mode?: number; ageSeconds?: number };

/** Creates `entries` (path → entry) under `root`, parents first. */
export function setUp(root: string, entries: Record<string, Entry> = {}): void {
  fs.mkdirSync(root, { recursive: true });
  for (const [rel, e] of Object.entries(entries)) {
    const p = path.join(root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    const entry = typeof e === 'string' ? { content: e } : e;
    if (entry.link !== undefined) fs.symlinkSync(entry.link, p);
    else if (entry.dir) fs.mkdirSync(p, { recursive: true });
    else fs.writeFileSync(p, entry.content ?? '');
    if (entry.mode !== undefined) fs.chmodSync(p, entry.mode);
    if (entry.ageSeconds !== undefined) {
      const t = Date.now() / 1000 - entry.ageSeconds;
      fs.lutimesSync(p, t, t);
    }
  }
}

/** Every path under `root` with its kind, mode and content or link target: what a check run must leave alone. */
export function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const name of fs.readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      const rel = path.relative(root, p);
      const st = fs.lstatSync(p);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isSymbolicLink()) out[rel] = `link -> ${fs.readlinkSync(p)}`;
      else if (st.isDirectory()) {
        out[rel] = `dir ${mode}`;
        walk(p);
      } else out[rel] = `file ${mode} ${JSON.stringify(fs.readFileSync(p, 'utf8'))}`;
    }
  };
  if (fs.existsSync(root)) walk(root);
  return out;
}

/** A path's kind, mode and content as the expectations in the tables state them. */
export function describe(root: string, rel: string): Entry | 'absent' {
  const p = path.join(root, rel);
  if (!fs.existsSync(p) && !isLink(p)) return 'absent';
  const st = fs.lstatSync(p);
  const mode = st.mode & 0o7777;
  if (st.isSymbolicLink()) return { link: fs.readlinkSync(p) };
  if (st.isDirectory()) return { dir: true, mode };
  return { content: fs.readFileSync(p, 'utf8'), mode };
}

function isLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The process umask, which a local host's new files start from. */
export function umask(): number {
  const m = process.umask(0);
  process.umask(m);
  return m;
}

/** The status and registered result of the task named `case` on `host`. */
export function outcome(run: TestRun, host: string): { status: string; result: Record<string, unknown> } {
  const e = [...run.of('host.ok'), ...run.of('host.failed')].find((x) => x.task.name === 'case' && x.host === host);
  return { status: run.results('case')[host], result: (e?.result ?? {}) as Record<string, unknown> };
}

/** `actual` holds every key of `want` (nested mappings compared the same way; RegExps match strings). */
export function assertHas(actual: unknown, want: unknown, where: string): void {
  if (want instanceof RegExp) return assert.match(String(actual), want, where);
  if (want && typeof want === 'object' && !Array.isArray(want)) {
    for (const [k, v] of Object.entries(want)) assertHas((actual as Record<string, unknown> | undefined)?.[k], v, `${where}.${k}`);
    return;
  }
  assert.deepEqual(actual, want, where);
}
