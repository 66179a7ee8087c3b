/**
 * `copy` with a directory as `src`: `src: conf/` puts the directory's
 * contents into `dest`, `src: conf` the directory itself. One command reads
 * every destination file's state; one more writes all the files that differ
 * (each atomically: temp file 0600, content, mode, `mv`), their contents
 * sent on stdin one base64 line each.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ModuleResult } from '../model/index.js';
import { planAttrs } from './attrs.js';
import { readLocalFile } from './vaulted.js';
import { resolveMode, formatMode } from './mode.js';
import { chmodCommand, chownCommand, readStates, remoteFailure, sameContent } from './remote-file.js';
import { shPath } from './sh.js';
import type { ModuleContext } from './types.js';

export interface DirRequest {
  mode?: string | number;
  directoryMode?: string | number;
  owner?: string;
  group?: string;
  force: boolean;
  /** Open vault-encrypted files (copy's `decrypt`, default yes). */
  decrypt?: boolean;
}

interface LocalEntry {
  rel: string;
  dir: boolean;
  mode: number;
  file: string;
}

/** Every file and directory under `root`, parents before children. */
function walk(root: string, rel = ''): LocalEntry[] {
  const out: LocalEntry[] = [];
  for (const name of fs.readdirSync(path.join(root, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    const file = path.join(root, r);
    const st = fs.statSync(file);
    out.push({ rel: r, dir: st.isDirectory(), mode: st.mode & 0o7777, file });
    if (st.isDirectory()) out.push(...walk(root, r));
  }
  return out;
}

export async function copyDirectory(ctx: ModuleContext, localDir: string, srcGiven: string, dest: string, req: DirRequest): Promise<ModuleResult> {
  const into = srcGiven.endsWith('/') ? dest.replace(/\/+$/, '') || '/' : `${dest.replace(/\/+$/, '')}/${path.basename(localDir)}`;
  const entries = walk(localDir);
  const target = (e: { rel: string }) => `${into}/${e.rel}`;
  const destDir = dest.replace(/\/+$/, '') || '/';
  const read = await readStates(ctx, [{ path: destDir }, { path: into }, ...entries.map((e) => ({ path: target(e), checksum: !e.dir }))]);
  if (!read.ok) return read.result;
  const [base, top, ...states] = read.value;
  const dirs: string[] = [];
  const writes: Array<{ path: string; content: Buffer; mode: number; own: boolean }> = [];
  if (!base.exists) dirs.push(destDir);
  if (!top.exists && into !== destDir) dirs.push(into);
  try {
    entries.forEach((e, i) => {
      const s = states[i];
      if (e.dir) {
        if (!s.exists) dirs.push(target(e));
        return;
      }
      const content = readLocalFile(ctx.vault, e.file, req.decrypt !== false).content;
      if (s.exists && !req.force) return;
      const mode = req.mode === 'preserve' ? e.mode : req.mode;
      const plan = planAttrs(target(e), s, { mode, owner: req.owner, group: req.group }, { created: s.mode ?? 0o666 & ~s.umask });
      if (!sameContent(s, content) || plan.changed) writes.push({ path: target(e), content, mode: plan.mode ?? 0o666 & ~s.umask, own: req.owner !== undefined || req.group !== undefined });
    });
  } catch (err) {
    return { failed: true, changed: false, msg: (err as Error).message };
  }
  const result = { dest: `${destDir}/`.replace(/^\/\/$/, '/'), src: srcGiven.endsWith('/') ? `${localDir}/` : localDir };
  if (!dirs.length && !writes.length) return { changed: false, ...result };
  if (ctx.check) return { changed: true, ...result };
  const dirMode = req.directoryMode !== undefined ? resolveMode(req.directoryMode, { current: 0o777 & ~top.umask, isDir: true, umask: top.umask }) : undefined;
  const lines = dirs.map((d) => `mkdir -p -- ${shPath(d)} || exit 91${dirMode !== undefined ? `\nchmod -- ${formatMode(dirMode)} ${shPath(d)} || exit 95` : ''}`);
  for (const w of writes) {
    lines.push(
      `d=${shPath(w.path)}`,
      't=$(mktemp -- "$(dirname -- "$d")/.playwatch.XXXXXX") || exit 91',
      'trap \'rm -f -- "$t"\' EXIT',
      'IFS= read -r l || exit 94',
      'printf \'%s\' "$l" | base64 -d > "$t" || exit 94',
      `${chmodCommand('"$t"', w.mode)} || exit 95`,
      ...(w.own ? [`${chownCommand('"$t"', { owner: req.owner, group: req.group })} || exit 96`] : []),
      'mv -f -- "$t" "$d" || exit 97',
    );
  }
  const res = await ctx.exec(lines.join('\n'), { stdin: writes.map((w) => `${w.content.toString('base64')}\n`).join('') });
  if (res.rc !== 0) return remoteFailure(`could not copy ${localDir} to ${into}`, res);
  return { changed: true, ...result };
}
