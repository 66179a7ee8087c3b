import { createHash, createHmac } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * OpenSSH `known_hosts` files: plain names, `[host]:port`, patterns with
 * `*`, `?` and `!`, hashed `|1|salt|hash` names, and the `@revoked` and
 * `@cert-authority` markers (certificate authorities are not used by
 * playwatch, so those lines are ignored).
 */

/** One key line of a known_hosts file. */
export interface KnownHostEntry {
  marker?: 'revoked' | 'cert-authority';
  /** The host field as written: a pattern list or one hashed name. */
  hosts: string;
  keyType: string;
  /** The key blob, base64 as in the file. */
  key: string;
  /** 1-based line number, for messages. */
  line: number;
}

/** What the file says about a presented key. */
export type HostKeyVerdict =
  | { kind: 'known' }
  | { kind: 'unknown' }
  | { kind: 'revoked'; line: number }
  /** The file knows other keys for this name; `expected` are their fingerprints. */
  | { kind: 'changed'; expected: string[]; lines: number[] };

/** Parses known_hosts text; malformed lines are skipped as OpenSSH does. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const fields = raw.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0].startsWith('@')) {
      const m = fields.shift()!;
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else continue;
    }
    if (fields.length < 3) continue;
    const [hosts, keyType, key] = fields;
    entries.push({ ...(marker ? { marker } : {}), hosts, keyType, key, line: i + 1 });
  }
  return entries;
}

/** The name OpenSSH looks up: `host` on port 22, else `[host]:port`. */
export function knownHostsName(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

/** `SHA256:<base64 without padding>` of a key blob, as `ssh-keygen -l` prints it. */
export function fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside an SSH public key blob (its first string). */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return '';
  const len = keyBlob.readUInt32BE(0);
  return keyBlob.subarray(4, 4 + len).toString('latin1');
}

/** True when the entry's host field names `name` (hashed or a pattern list). */
export function hostFieldMatches(hosts: string, name: string): boolean {
  if (hosts.startsWith('|1|')) return hashedMatches(hosts, name);
  let matched = false;
  for (const pattern of hosts.split(',')) {
    if (pattern === '') continue;
    const negated = pattern.startsWith('!');
    if (!globMatches(negated ? pattern.slice(1) : pattern, name)) continue;
    if (negated) return false; // a negated match wins over every positive one
    matched = true;
  }
  return matched;
}

function hashedMatches(field: string, name: string): boolean {
  const parts = field.split('|'); // ['', '1', salt, hash]
  if (parts.length !== 4) return false;
  const salt = Buffer.from(parts[2], 'base64');
  const mac = createHmac('sha1', salt).update(name).digest('base64');
  return mac === parts[3];
}

function globMatches(pattern: string, name: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern.toLowerCase() === name.toLowerCase();
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(name);
}

/**
 * The unmarked entries for `name`, remembered per parsed file: a connection
 * asks twice (algorithms, then the key), and with hashed names each entry
 * costs an HMAC (~1000 entries: milliseconds).
 */
const byName = new WeakMap<KnownHostEntry[], Map<string, KnownHostEntry[]>>();

function entriesFor(entries: KnownHostEntry[], name: string): KnownHostEntry[] {
  let names = byName.get(entries);
  if (!names) byName.set(entries, (names = new Map()));
  let found = names.get(name);
  if (!found) names.set(name, (found = entries.filter((e) => e.marker === undefined && hostFieldMatches(e.hosts, name))));
  return found;
}

/** Key types that describe the same key material (RSA keys sign with several algorithms). */
function sameKeyFamily(a: string, b: string): boolean {
  return a === b || (a.startsWith('ssh-rsa') && b.startsWith('ssh-rsa'));
}

/**
 * Judges a presented key for `name`: revoked wins, then an exact match,
 * then another key recorded for the name (changed), else unknown.
 */
export function checkHostKey(entries: KnownHostEntry[], name: string, keyBlob: Buffer): HostKeyVerdict {
  const b64 = keyBlob.toString('base64');
  const revoked = entries.find((e) => e.marker === 'revoked' && e.key === b64);
  if (revoked) return { kind: 'revoked', line: revoked.line };
  const forName = entriesFor(entries, name);
  if (forName.some((e) => e.key === b64)) return { kind: 'known' };
  if (forName.length === 0) return { kind: 'unknown' };
  // A name recorded with another key of any type is a changed key: the server
  // was asked for the recorded types first, so it no longer has that key.
  const type = keyTypeOf(keyBlob);
  const sameType = forName.filter((e) => sameKeyFamily(e.keyType, type));
  const shown = sameType.length > 0 ? sameType : forName;
  return {
    kind: 'changed',
    expected: shown.map((e) => fingerprint(Buffer.from(e.key, 'base64'))),
    lines: shown.map((e) => e.line),
  };
}

/** Host key algorithms to ask for first, so the server shows the key we already know. */
export function preferredAlgorithms(entries: KnownHostEntry[], name: string): string[] {
  const out: string[] = [];
  for (const e of entriesFor(entries, name)) {
    const algs = e.keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [e.keyType];
    for (const a of algs) if (!out.includes(a)) out.push(a);
  }
  return out;
}

/** The last file parsed, by its name and text: each connection reads it twice, every host the same file. */
let lastRead: { file: string; text: string; entries: KnownHostEntry[] } | undefined;

/** Reads a known_hosts file; a missing file is empty. Read every time, parsed again only when its text changed. */
export function readKnownHosts(file: string): KnownHostEntry[] {
  try {
    const text = fs.readFileSync(file, 'utf8');
    if (lastRead?.file !== file || lastRead.text !== text) lastRead = { file, text, entries: parseKnownHosts(text) };
    return lastRead.entries;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/**
 * Records a key for `name` unless the file already has it. Synchronous on
 * purpose: read, check and append happen in one turn of the event loop, so
 * concurrent connections in this process never write the same line twice.
 */
export function appendKnownHost(file: string, name: string, keyBlob: Buffer): void {
  const entries = readKnownHosts(file);
  if (checkHostKey(entries, name, keyBlob).kind === 'known') return;
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  let prefix = '';
  try {
    const text = fs.readFileSync(file, 'utf8');
    if (text.length > 0 && !text.endsWith('\n')) prefix = '\n';
  } catch {
    // a new file
  }
  fs.appendFileSync(file, `${prefix}${name} ${keyTypeOf(keyBlob)} ${keyBlob.toString('base64')}\n`, { mode: 0o600 });
}
