import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { UserError, type ModuleResult, type Pos, type Vars } from '../model/index.js';
import { argWord } from './command.js';
import { ageMatches, grepPattern, nameFilter, parseAge, parseSize, sizeMatches, type NameFilter } from './find-match.js';
import { formatMode } from './mode.js';
import { remoteFailure } from './remote-file.js';
import { q } from './sh.js';
import { READ_MAX } from './slurp.js';
import { checkSpec, readArgs, type ArgSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';

/** ansible-core 2.14's `find` options (`ansible-doc -j find`). */
const SPEC: ArgSpec = {
  options: {
    paths: { type: 'list', elements: 'str', required: true, aliases: ['name', 'path'] },
    patterns: { type: 'list', elements: 'str', default: [], aliases: ['pattern'] },
    excludes: { type: 'list', elements: 'str', default: [], aliases: ['exclude'] },
    contains: { type: 'str' },
    read_whole_file: { type: 'bool', default: false },
    file_type: { type: 'str', default: 'file', choices: ['any', 'directory', 'file', 'link'] },
    age: { type: 'str' },
    age_stamp: { type: 'str', default: 'mtime', choices: ['atime', 'ctime', 'mtime'] },
    size: { type: 'str' },
    recurse: { type: 'bool', default: false },
    hidden: { type: 'bool', default: false },
    follow: { type: 'bool', default: false },
    get_checksum: { type: 'bool', default: false },
    use_regex: { type: 'bool', default: false },
    depth: { type: 'int' },
  },
};

function checkFind(args: Vars, pos?: Pos): void {
  const literal = (v: unknown) => v !== undefined && v !== null && !String(v).includes('{{');
  if (literal(args.age) && parseAge(String(args.age)) === undefined) throw new UserError(`module 'find': failed to process age: ${String(args.age)}`, pos);
  if (literal(args.size) && parseSize(String(args.size)) === undefined) throw new UserError(`module 'find': failed to process size: ${String(args.size)}`, pos);
}

/**
 * `find`: one command lists every entry under the paths with `find` and
 * `stat` (and, when asked, `grep -l` for `contains` and `sha1sum` for
 * `get_checksum`); the controller applies ansible-core's filters to the
 * listing. Results are sorted by path; times are whole seconds.
 */
export const findModule: Module = {
  name: 'find',
  supportsCheck: true,
  validate(args, pos) {
    checkSpec('find', SPEC, args, pos);
    checkFind(args, pos);
  },
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const a = readArgs('find', SPEC, ctx.args);
    const age = a.age === undefined ? undefined : parseAge(a.age as string);
    if (a.age !== undefined && age === undefined) return { failed: true, changed: false, age: a.age, msg: 'failed to process age' };
    const size = a.size === undefined ? undefined : parseSize(a.size as string);
    if (a.size !== undefined && size === undefined) return { failed: true, changed: false, size: a.size, msg: 'failed to process size' };
    const names = nameFilter(a.patterns as string[], a.excludes as string[], a.use_regex as boolean);
    if (names instanceof Error) return { failed: true, changed: false, msg: names.message };
    const nonce = randomBytes(6).toString('hex');
    const res = await ctx.exec(findScript(a, nonce), { quiet: true, maxBytes: READ_MAX });
    if (res.truncated || !res.stdout.includes(`@@${nonce} end`)) return remoteFailure('could not list the paths', res);
    const listing = parseListing(res.stdout, nonce);
    const files = listing.entries.filter((e) => keep(e, a, names, age, size, listing)).map((e) => fileEntry(e, a, listing));
    files.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
    const warnings = [
      ...Object.entries(listing.skipped).map(([p, why]) => `Skipped '${p}' path due to this access issue: ${why}\n`),
      ...res.stderr.split('\n').filter((l) => l.trim()).map((l) => `Skipped an entry due to this access issue: ${l}\n`),
    ];
    return {
      files,
      changed: false,
      msg: warnings.length ? 'Not all paths examined, check warnings for details' : 'All paths examined',
      matched: files.length,
      examined: listing.examined,
      skipped_paths: listing.skipped,
      ...(warnings.length ? { warnings } : {}),
    };
  },
};

/** One `find` per path: stat of every entry, then the `grep -l` and `sha1sum` lists when asked; sections marked with the nonce. */
function findScript(a: Vars, nonce: string): string {
  const mark = (what: string) => `printf '%s\\0' ${q(`@@${nonce} ${what}`)}`;
  const recurse = a.recurse as boolean;
  const depth = a.depth as number | undefined;
  // ansible-core counts as examined the entries one level below the deepest it reports.
  const max = !recurse ? ' -maxdepth 1' : depth ? ` -maxdepth ${depth + 1}` : '';
  const find = `find${a.follow ? ' -L' : ''} "$p" -mindepth 1${max}`;
  const lines = [`${mark('now')}; printf '%s\\0' "$(date +%s)"`];
  for (const p of a.paths as string[]) {
    lines.push(
      `p=${argWord(p.startsWith('-') ? `./${p}` : p, true)}`,
      `${mark('root')}; printf '%s\\0' "$p"`,
      `if [ -d "$p" ]; then`,
      `  ${find} -exec stat --printf='%f %u %g %s %i %d %h %X %Y %Z %U %G %n\\0' -- {} +`,
    );
    if (a.contains !== undefined) {
      const grep = `grep -l -Z${a.read_whole_file ? ' -z' : ''} -E -e ${q(grepPattern(a.contains as string, a.read_whole_file as boolean))}`;
      lines.push(`  ${mark('grep')}; ${find} -type f -exec ${grep} -- {} + 2>/dev/null`);
    }
    if (a.get_checksum) lines.push(`  ${mark('sum')}; ${find} -type f -exec sha1sum -z -- {} + 2>/dev/null`);
    lines.push(`else ${mark('notdir')}; fi`);
  }
  lines.push(`${mark('end')}; :`);
  return lines.join('\n');
}

interface Entry {
  path: string;
  /** The entry's own name (what patterns match). */
  name: string;
  /** Depth below its search path (1 for a direct child). */
  depth: number;
  raw: number;
  uid: number;
  gid: number;
  size: number;
  inode: number;
  dev: number;
  nlink: number;
  atime: number;
  mtime: number;
  ctime: number;
  owner: string;
  group: string;
}

interface Listing {
  now: number;
  entries: Entry[];
  examined: number;
  /** Regular files whose content matched `contains`, and their sha1s. */
  containing: Set<string>;
  sums: Map<string, string>;
  skipped: Record<string, string>;
}

function parseListing(stdout: string, nonce: string): Listing {
  const out: Listing = { now: 0, entries: [], examined: 0, containing: new Set(), sums: new Map(), skipped: {} };
  const prefix = `@@${nonce} `;
  let section = '';
  let root = '';
  for (const rec of stdout.split('\0')) {
    if (rec.startsWith(prefix)) {
      section = rec.slice(prefix.length);
      if (section === 'notdir') out.skipped[root] = `'${root}' is not a directory`;
      continue;
    }
    if (section === 'now') {
      out.now = Number(rec);
      section = '';
    } else if (section === 'root') {
      root = rec;
      section = 'stat';
    } else if (!rec) continue;
    else if (section === 'grep') out.containing.add(path.posix.normalize(rec));
    else if (section === 'sum') out.sums.set(path.posix.normalize(rec.slice(rec.indexOf('  ') + 2)), rec.slice(0, 40));
    else if (section === 'stat') {
      const entry = statEntry(rec, root);
      if (entry) out.entries.push(entry);
    }
  }
  out.examined = out.entries.length;
  return out;
}

function statEntry(rec: string, root: string): Entry | undefined {
  const f = rec.split(' ');
  if (f.length < 13) return undefined;
  const p = path.posix.normalize(f.slice(12).join(' '));
  const rel = path.posix.relative(path.posix.normalize(root), p);
  const num = (i: number) => Number(f[i]);
  return {
    path: p, name: path.posix.basename(p), depth: rel.split('/').length,
    raw: parseInt(f[0], 16), uid: num(1), gid: num(2), size: num(3), inode: num(4), dev: num(5), nlink: num(6),
    atime: num(7), mtime: num(8), ctime: num(9), owner: f[10], group: f[11],
  };
}

const S_IFMT = 0o170000;
const isReg = (e: Entry) => (e.raw & S_IFMT) === 0o100000;
const isDir = (e: Entry) => (e.raw & S_IFMT) === 0o040000;
const isLnk = (e: Entry) => (e.raw & S_IFMT) === 0o120000;

/** ansible-core's selection, entry by entry. */
function keep(e: Entry, a: Vars, names: NameFilter, age: number | undefined, size: number | undefined, l: Listing): boolean {
  const depth = a.depth as number | undefined;
  if (a.recurse && depth && e.depth > depth) return false;
  if (e.name.startsWith('.') && !a.hidden) return false;
  if (!names(e.name) || !ageMatches(l.now, e[a.age_stamp as 'mtime'], age)) return false;
  switch (a.file_type) {
    case 'any':
      return !isReg(e) || sizeMatches(e.size, size);
    case 'directory':
      return isDir(e);
    case 'link':
      return isLnk(e);
    default:
      return isReg(e) && sizeMatches(e.size, size) && (a.contains === undefined || l.containing.has(e.path));
  }
}

/** ansible-core's `statinfo` keys for one entry, with `path` (and `checksum` for regular files when asked). */
function fileEntry(e: Entry, a: Vars, l: Listing): Record<string, unknown> & { path: string } {
  const m = e.raw & 0o7777;
  const type = e.raw & S_IFMT;
  const out: Record<string, unknown> & { path: string } = {
    path: e.path,
    mode: formatMode(m),
    isdir: type === 0o040000, ischr: type === 0o020000, isblk: type === 0o060000, isreg: type === 0o100000,
    isfifo: type === 0o010000, islnk: type === 0o120000, issock: type === 0o140000,
    uid: e.uid, gid: e.gid, size: e.size, inode: e.inode, dev: e.dev, nlink: e.nlink,
    atime: e.atime, mtime: e.mtime, ctime: e.ctime,
    gr_name: e.group === 'UNKNOWN' ? '' : e.group, pw_name: e.owner === 'UNKNOWN' ? '' : e.owner,
    wusr: Boolean(m & 0o200), rusr: Boolean(m & 0o400), xusr: Boolean(m & 0o100),
    wgrp: Boolean(m & 0o020), rgrp: Boolean(m & 0o040), xgrp: Boolean(m & 0o010),
    woth: Boolean(m & 0o002), roth: Boolean(m & 0o004), xoth: Boolean(m & 0o001),
    isuid: Boolean(m & 0o4000), isgid: Boolean(m & 0o2000),
  };
  if (a.get_checksum && isReg(e) && l.sums.has(e.path)) out.checksum = l.sums.get(e.path);
  return out;
}
