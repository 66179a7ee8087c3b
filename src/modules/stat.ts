import type { ModuleResult } from '../model/index.js';
import { formatMode } from './mode.js';
import { readState, type FileState } from './remote-file.js';
import { readArgs, specValidator, type ArgSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';

/** ansible-core 2.14's `stat` options (`ansible-doc -j stat`). */
const SPEC: ArgSpec = {
  options: {
    path: { type: 'path', required: true, aliases: ['dest', 'name'] },
    follow: { type: 'bool', default: false },
    get_checksum: { type: 'bool', default: true },
    checksum_algorithm: { type: 'str', default: 'sha1', aliases: ['checksum', 'checksum_algo'], choices: ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] },
    // Read by libmagic and lsattr in ansible-core; playwatch reads neither (the keys are left out).
    get_mime: { type: 'bool', default: true, aliases: ['mime', 'mime_type', 'mime-type'], ignored: true },
    get_attributes: { type: 'bool', default: true, aliases: ['attr', 'attributes'], ignored: true },
  },
};

/**
 * `stat`: one `stat -c` command (with `sha1sum`, or the algorithm asked)
 * and the keys of ansible-core's `stat` result that deploy playbooks read.
 * Times are whole seconds (ansible-core's are floats).
 */
export const statModule: Module = {
  name: 'stat',
  supportsCheck: true,
  validate: specValidator('stat', SPEC),
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const args = readArgs('stat', SPEC, ctx.args);
    const algorithm = args.checksum_algorithm as 'sha1';
    const read = await readState(ctx, args.path as string, { follow: args.follow as boolean, checksum: args.get_checksum ? algorithm : false });
    if (!read.ok) return read.result;
    return { changed: false, stat: statKeys(read.value, args.path as string) };
  },
};

/** ansible-core's `stat` mapping for a path as read. */
export function statKeys(s: FileState, path: string): Record<string, unknown> {
  if (!s.exists) return { exists: false };
  const mode = s.mode ?? 0;
  const out: Record<string, unknown> = {
    exists: true,
    path,
    mode: formatMode(mode),
    isdir: s.type === 'directory',
    ischr: s.type === 'char',
    isblk: s.type === 'block',
    isreg: s.type === 'file',
    isfifo: s.type === 'fifo',
    islnk: s.type === 'link',
    issock: s.type === 'socket',
    uid: s.uid,
    gid: s.gid,
    size: s.size,
    inode: s.inode,
    dev: s.dev,
    nlink: s.nlink,
    atime: s.atime,
    mtime: s.mtime,
    ctime: s.ctime,
    wusr: Boolean(mode & 0o200),
    rusr: Boolean(mode & 0o400),
    xusr: Boolean(mode & 0o100),
    wgrp: Boolean(mode & 0o020),
    rgrp: Boolean(mode & 0o040),
    xgrp: Boolean(mode & 0o010),
    woth: Boolean(mode & 0o002),
    roth: Boolean(mode & 0o004),
    xoth: Boolean(mode & 0o001),
    isuid: Boolean(mode & 0o4000),
    isgid: Boolean(mode & 0o2000),
    blocks: s.blocks,
    block_size: s.blockSize,
    readable: s.readable,
    writeable: s.writeable,
    executable: s.executable,
    pw_name: s.owner,
    gr_name: s.group,
  };
  if (s.type === 'link') {
    out.lnk_source = s.linkSource;
    out.lnk_target = s.linkTarget;
  }
  if (s.checksum !== undefined && s.checksumAlgorithm !== 'cksum') out.checksum = s.checksum;
  return out;
}
