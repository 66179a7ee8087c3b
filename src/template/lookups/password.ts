/**
 * The `password` lookup: a random password kept in a file on the
 * controller (created 0600 in a 0700 directory on first use, read back
 * afterwards), as ansible-core does. `/dev/null` gives a fresh one each time.
 */
import { createHash, randomInt } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseKv } from './kv.js';
import { LookupFailure, str, termList, type Lookup, type LookupCtx } from './types.js';

const OPTIONS = ['length', 'encrypt', 'chars', 'ident', 'seed'];

/** Python's `string` module constants that `chars` may name. */
const CHAR_SETS: Record<string, string> = {
  ascii_letters: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
  ascii_lowercase: 'abcdefghijklmnopqrstuvwxyz',
  ascii_uppercase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  digits: '0123456789',
  hexdigits: '0123456789abcdefABCDEF',
  octdigits: '01234567',
  punctuation: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
  whitespace: ' \t\n\r\x0b\x0c',
};
CHAR_SETS.printable = CHAR_SETS.digits + CHAR_SETS.ascii_letters + CHAR_SETS.punctuation + CHAR_SETS.whitespace;

export const password: Lookup = {
  options: OPTIONS,
  run: (terms, kwargs, ctx) => termList(terms).map((t) => one(str(t), kwargs, ctx)),
};

function one(term: string, kwargs: Record<string, unknown>, ctx: LookupCtx): string {
  const { relpath, params } = parseTerm(term, kwargs);
  if (params.encrypt) throw new LookupFailure(`the password lookup's 'encrypt' is not supported by playwatch (use the password_hash filter on the plain password)`);
  const file = dwim(ctx, relpath);
  const existing = file === '/dev/null' || !fs.existsSync(file) ? undefined : fs.readFileSync(file, 'utf8').trimEnd();
  if (existing !== undefined) {
    const salt = existing.lastIndexOf(' salt=');
    return salt >= 0 ? existing.slice(0, salt) : existing;
  }
  const pw = generate(Number(params.length), candidateChars(params.chars), params.seed);
  if (file !== '/dev/null') {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, `${pw}\n`, { mode: 0o600 });
  }
  return pw;
}

/** `path length=8 chars=digits`: the path (which may hold spaces) and its options. */
function parseTerm(term: string, kwargs: Record<string, unknown>): { relpath: string; params: Record<string, unknown> } {
  const space = term.indexOf(' ');
  let relpath = term;
  let inline: Record<string, string> = {};
  if (space >= 0) {
    relpath = term.slice(0, space);
    inline = parseKv(term.slice(space + 1));
    if (inline._raw_params !== undefined) {
      relpath = `${relpath} ${inline._raw_params}`;
      delete inline._raw_params;
      if (!term.startsWith(relpath)) throw new LookupFailure('Unrecognized value after key=value parameters given to password lookup');
    }
  }
  const bad = Object.keys(inline).filter((k) => !OPTIONS.includes(k));
  if (bad.length) throw new LookupFailure(`Unrecognized parameter(s) given to password lookup: ${bad.join(', ')}`);
  const params: Record<string, unknown> = { length: 20, chars: ['ascii_letters', 'digits', '.,:-_'], ...kwargs, ...inline };
  if (typeof params.chars === 'string') {
    const s = params.chars;
    params.chars = [...(s.includes(',,') ? [','] : []), ...s.replaceAll(',,', ',').split(',').filter(Boolean)];
  }
  if (!Number.isInteger(Number(params.length))) throw new LookupFailure(`invalid literal for int() with base 10: '${params.length}'`);
  return { relpath, params };
}

/** The loader's path_dwim: `~` expanded, relative to the playbook's directory. */
function dwim(ctx: LookupCtx, p: string): string {
  if (p.startsWith('~')) return path.join(os.homedir(), p.slice(1));
  return path.resolve(ctx.basedir, p);
}

function candidateChars(spec: unknown): string {
  const list = Array.isArray(spec) ? spec : [spec];
  return list.map((s) => CHAR_SETS[String(s)] ?? String(s)).join('').replace(/["']/g, '');
}

/** Random characters; with a seed the same password each time (not Python's sequence: a SHA-256 stream). */
function generate(length: number, chars: string, seed: unknown): string {
  if (!chars) throw new LookupFailure('Cannot choose from an empty sequence');
  let out = '';
  for (let i = 0; i < length; i++) {
    const n = seed === undefined || seed === null ? randomInt(chars.length) : createHash('sha256').update(`${seed}:${i}`).digest().readUInt32BE(0) % chars.length;
    out += chars[n];
  }
  return out;
}
