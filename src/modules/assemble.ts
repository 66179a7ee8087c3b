import fs from 'node:fs';
import path from 'node:path';
import type { ModuleResult } from '../model/index.js';
import { FILE_WRITE_OPTIONS, checkValidate } from './copy.js';
import { findLocal, notFound } from './local-file.js';
import { destReadOptions, putContent, writeOptions } from './put-file.js';
import { parseState, readScript, remoteFailure, type FileState } from './remote-file.js';
import { shPath } from './sh.js';
import { READ_MAX } from './slurp.js';
import { checkSpec, readArgs, type ArgSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';

/** ansible-core 2.14's `assemble` options (`ansible-doc -j assemble`). */
const { force: _force, ...WRITE_OPTIONS } = FILE_WRITE_OPTIONS;

const SPEC: ArgSpec = {
  options: {
    ...WRITE_OPTIONS,
    src: { type: 'path', required: true },
    remote_src: { type: 'bool', default: true },
    delimiter: { type: 'str' },
    regexp: { type: 'str' },
    ignore_hidden: { type: 'bool', default: false },
    decrypt: { type: 'bool', default: true, ignored: true },
  },
};

/** A fragment: its file name and content. */
export interface Fragment {
  name: string;
  content: Buffer;
}

/**
 * `assemble`: the regular files of a directory (on the target, or with
 * `remote_src: false` on the controller, found like copy's `src`),
 * sorted by name, filtered by `regexp` (searched in the name) and
 * `ignore_hidden`, joined with `delimiter` between them and a newline
 * after any fragment that lacks one, then written with copy's semantics
 * (mode, owner, backup, validate, check, diff). On the target the
 * fragments and the destination are read in one command, so an unchanged
 * result costs one round trip and a changed one two.
 */
export const assembleModule: Module = {
  name: 'assemble',
  supportsCheck: true,
  validate(args, pos) {
    checkSpec('assemble', SPEC, args, pos);
    checkValidate('assemble', args, pos);
  },
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const a = readArgs('assemble', SPEC, ctx.args);
    checkValidate('assemble', a);
    let regexp: RegExp | undefined;
    try {
      regexp = a.regexp === undefined ? undefined : new RegExp((a.regexp as string).replace(/\(\?P</g, '(?<'));
    } catch (err) {
      return { failed: true, changed: false, msg: `invalid regexp: ${(err as Error).message}` };
    }
    const src = a.src as string;
    const dest = a.dest as string;
    const common = { ...writeOptions(a), force: true };
    if (!a.remote_src) {
      const found = findLocal(ctx, 'files', src);
      if (!found.path) return { failed: true, changed: false, msg: notFound(src, found) };
      if (!fs.statSync(found.path).isDirectory()) return { failed: true, changed: false, msg: `Source (${found.path}) is not a directory` };
      const content = assemble(localFragments(found.path), a.delimiter as string | undefined, regexp, a.ignore_hidden as boolean, true);
      return putContent(ctx, { dest, content, ...common });
    }
    const read = await readRemote(ctx, src, dest);
    if ('failed' in read) return read.failed;
    const content = assemble(read.fragments, a.delimiter as string | undefined, regexp, a.ignore_hidden as boolean, false);
    const result = await putContent(ctx, { dest, content, ...common }, read.dest);
    return result.failed ? result : { ...result, src, msg: 'OK' };
  },
};

function localFragments(dir: string): Fragment[] {
  return fs.readdirSync(dir)
    .filter((name) => isFile(path.join(dir, name)))
    .map((name) => ({ name, content: fs.readFileSync(path.join(dir, name)) }));
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The fragments on the target (names and contents base64) and the destination's state, in one command. */
async function readRemote(ctx: ModuleContext, src: string, dest: string): Promise<{ fragments: Fragment[]; dest: FileState } | { failed: ModuleResult }> {
  const script = [
    '(',
    `s=${shPath(src)}`,
    'if [ ! -e "$s" ]; then echo missing; exit 0; fi',
    'if [ ! -d "$s" ]; then echo notdir; exit 0; fi',
    // One process per fragment: the name raw between NULs, the content as base64 (its line breaks ignored).
    'for f in "$s"/* "$s"/.[!.]* "$s"/..?*; do',
    '  [ -f "$f" ] || continue',
    '  printf \'\\0frag\\0%s\\0\' "${f##*/}"',
    '  base64 < "$f" || exit 1',
    'done',
    'printf \'\\0\\n\'',
    ') || exit $?',
    'echo @@dest',
    readScript(dest, destReadOptions(ctx)),
  ].join('\n');
  const res = await ctx.exec(script, { quiet: true, maxBytes: READ_MAX });
  if (res.rc !== 0 || res.truncated) return { failed: remoteFailure(`could not read ${src}`, res) };
  const [head, tail = ''] = res.stdout.split(/^@@dest\n/m);
  const why = /^(missing|notdir)$/m.exec(head)?.[1];
  if (why) return { failed: { failed: true, changed: false, msg: `Source (${src}) ${why === 'missing' ? 'does not exist' : 'is not a directory'}` } };
  const fields = head.split('\0');
  const fragments: Fragment[] = [];
  for (let i = fields.indexOf('frag'); i >= 0 && i + 2 < fields.length; i = fields.indexOf('frag', i + 3)) {
    fragments.push({ name: fields[i + 1], content: Buffer.from(fields[i + 2], 'base64') });
  }
  return { fragments, dest: parseState(dest, tail) };
}

/**
 * ansible-core's `assemble_from_fragments`, on the controller. `local` is
 * the action plugin's copy of it (`remote_src: false`), which under Python 3
 * always writes a newline after the delimiter (it compares a byte with a
 * bytes object); kept, so both engines write the same file.
 */
export function assemble(fragments: Fragment[], delimiter: string | undefined, regexp: RegExp | undefined, ignoreHidden: boolean, local: boolean): Buffer {
  const parts: Buffer[] = [];
  const delim = delimiter ? escapeDecode(delimiter) : undefined;
  let first = true;
  let addNewline = false;
  const sorted = [...fragments].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  for (const f of sorted) {
    if (regexp && !regexp.test(f.name)) continue;
    if (ignoreHidden && f.name.startsWith('.')) continue;
    if (addNewline) parts.push(Buffer.from('\n'));
    if (!first && delim) {
      parts.push(delim);
      if (local || delim[delim.length - 1] !== 10) parts.push(Buffer.from('\n'));
    }
    parts.push(f.content);
    first = false;
    addNewline = !(f.content.length > 0 && f.content[f.content.length - 1] === 10);
  }
  return Buffer.concat(parts);
}

/** Python's `codecs.escape_decode`: `\n`, `\t`, `\\`, `\xNN`, octal `\NNN` and friends. */
export function escapeDecode(s: string): Buffer {
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, '\\': 92, "'": 39, '"': 34 };
  const bytes: number[] = [];
  const raw = Buffer.from(s, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c !== 92 || i + 1 >= raw.length) {
      bytes.push(c);
      continue;
    }
    const n = String.fromCharCode(raw[i + 1]);
    if (simple[n] !== undefined) {
      bytes.push(simple[n]);
      i++;
    } else if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(raw.subarray(i + 2, i + 4).toString())) {
      bytes.push(parseInt(raw.subarray(i + 2, i + 4).toString(), 16));
      i += 3;
    } else if (/[0-7]/.test(n)) {
      const m = /^[0-7]{1,3}/.exec(raw.subarray(i + 1, i + 4).toString())![0];
      bytes.push(parseInt(m, 8) & 0xff);
      i += m.length;
    } else if (n === '\n') {
      i++;
    } else bytes.push(c);
  }
  return Buffer.from(bytes);
}
