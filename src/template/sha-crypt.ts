/**
 * `password_hash`: SHA-crypt (`$5$` sha256, `$6$` sha512), the scheme
 * ansible-core's filter gives through passlib or crypt. Salts are at most
 * 16 characters; `rounds` is written into the hash when given.
 */
import crypto from 'node:crypto';
import { FilterError } from './engine.js';
import { bind, text } from './params.js';

const CHARS = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

const ORDER: Record<'sha256' | 'sha512', { id: string; groups: number[][]; last: [number[], number] }> = {
  sha512: {
    id: '6',
    groups: [
      [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48], [28, 49, 7], [50, 8, 29], [9, 30, 51], [31, 52, 10],
      [53, 11, 32], [12, 33, 54], [34, 55, 13], [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41],
    ],
    last: [[-1, -1, 63], 2],
  },
  sha256: {
    id: '5',
    groups: [[0, 10, 20], [21, 1, 11], [12, 22, 2], [3, 13, 23], [24, 4, 14], [15, 25, 5], [6, 16, 26], [27, 7, 17], [18, 28, 8], [9, 19, 29]],
    last: [[-1, 31, 30], 3],
  },
};

function digest(alg: string, ...parts: Buffer[]): Buffer {
  const h = crypto.createHash(alg);
  for (const p of parts) h.update(p);
  return h.digest();
}

function repeat(src: Buffer, len: number): Buffer {
  const out = Buffer.alloc(len);
  for (let i = 0; i < len; i++) out[i] = src[i % src.length];
  return out;
}

/** The SHA-crypt hash of `password` with `salt` (Ulrich Drepper's specification). */
export function shaCrypt(alg: 'sha256' | 'sha512', password: string, salt: string, rounds?: number): string {
  const P = Buffer.from(password, 'utf8');
  const S = Buffer.from(salt.slice(0, 16), 'utf8');
  const n = rounds ?? 5000;
  const B = digest(alg, P, S, P);
  const size = B.length;
  const aParts = [P, S, repeat(B, P.length)];
  for (let len = P.length; len > 0; len >>= 1) aParts.push(len & 1 ? B : P);
  let C = digest(alg, ...aParts);
  const Pp = repeat(digest(alg, ...Array(P.length).fill(P)), P.length);
  const Sp = repeat(digest(alg, ...Array(16 + C[0]).fill(S)), S.length);
  for (let i = 0; i < n; i++) {
    const parts = [i & 1 ? Pp : C];
    if (i % 3) parts.push(Sp);
    if (i % 7) parts.push(Pp);
    parts.push(i & 1 ? C : Pp);
    C = digest(alg, ...parts);
  }
  const o = ORDER[alg];
  let out = '';
  const emit = (idx: number[], count: number) => {
    let w = ((idx[0] < 0 ? 0 : C[idx[0]]) << 16) | ((idx[1] < 0 ? 0 : C[idx[1]]) << 8) | C[idx[2]];
    for (let k = 0; k < count; k++, w >>= 6) out += CHARS[w & 63];
  };
  for (const g of o.groups) emit(g, 4);
  emit(o.last[0], o.last[1]);
  void size;
  return `$${o.id}$${rounds !== undefined ? `rounds=${n}$` : ''}${S.toString('utf8')}$${out}`;
}

/** ansible-core's password_hash(hashtype='sha512', salt=None, salt_size=None, rounds=None). */
export function passwordHash(value: unknown, ...raw: unknown[]): string {
  const a = bind(raw, ['hashtype', 'salt', 'salt_size', 'rounds', 'ident']);
  const type = text(a.hashtype ?? 'sha512');
  const alg = type === 'sha512' || type === 'sha512_crypt' ? 'sha512' : type === 'sha256' || type === 'sha256_crypt' ? 'sha256' : undefined;
  if (!alg) throw new FilterError(`password_hash: '${type}' is not supported by playwatch (sha512 and sha256 are)`);
  const size = Number(a.salt_size ?? 16);
  const salt = a.salt === undefined || a.salt === null ? randomSalt(size) : text(a.salt);
  if (/[^./0-9A-Za-z]/.test(salt)) throw new FilterError(`invalid characters in ${alg}_crypt salt`);
  const rounds = a.rounds === undefined || a.rounds === null ? undefined : Number(a.rounds);
  return shaCrypt(alg, text(value), salt, rounds);
}

function randomSalt(size: number): string {
  const bytes = crypto.randomBytes(size);
  return [...bytes].map((b) => CHARS[b & 63]).join('');
}
