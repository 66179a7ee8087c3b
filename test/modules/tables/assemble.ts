/** The assemble cases: what a task does to a host root, as ansible-core 2.14 does it (run by ../assemble-cases.test.ts and the system oracle). */
import { createHash } from 'node:crypto';
import type { Case } from '../cases.js';
import { umask, type Entry } from '../files-helpers.js';

const NEW = 0o666 & ~umask();
const FRAGS: Record<string, Entry> = {
  'frags/10-a': 'a=1\n', 'frags/20-b': 'b=2', 'frags/.h': 'hidden\n', 'frags/sub/x': 'no\n', 'frags/30-c.conf': 'c=3\n',
};
export const PROJECT = { 'files/lfrags/10-a': 'a=1\n', 'files/lfrags/20-b': 'b=2' };
const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

export const CASES: Case[] = [
  { name: 'assemble fragments on the target, then unchanged in one command', departs: { check: 'ansible-core skips assemble in check mode; playwatch predicts' }, setup: FRAGS, task: 'assemble: {src: "@R/frags", dest: "@R/out"}', status: 'changed', execs: 2,
    result: { changed: true, dest: '@R/out', src: '@R/frags', msg: 'OK', checksum: sha1('hidden\na=1\nb=2\nc=3\n'), size: 19, state: 'file' },
    after: { out: { content: 'hidden\na=1\nb=2\nc=3\n', mode: NEW } } },
  { name: 'assemble with a delimiter, regexp and ignore_hidden', departs: { check: 'ansible-core skips assemble in check mode; playwatch predicts' }, setup: FRAGS, task: "assemble: {src: \"@R/frags\", dest: \"@R/out\", delimiter: '### x', ignore_hidden: true, regexp: '^[0-9]'}", status: 'changed',
    after: { out: { content: 'a=1\n### x\nb=2\n### x\nc=3\n', mode: NEW } } },
  { name: 'assemble from the controller with a mode', departs: { check: 'ansible-core skips assemble in check mode; playwatch predicts' }, task: "assemble: {src: lfrags, dest: \"@R/out\", remote_src: false, mode: '0600', delimiter: '--\\n'}", status: 'changed',
    result: { mode: '0600', checksum: sha1('a=1\n--\n\nb=2') }, after: { out: { content: 'a=1\n--\n\nb=2', mode: 0o600 } } },
  { name: 'assemble replaces a stale file with a backup', departs: { check: 'ansible-core skips assemble in check mode; playwatch predicts' }, setup: { ...FRAGS, out: 'old\n' }, task: 'assemble: {src: "@R/frags", dest: "@R/out", backup: true, regexp: "conf$"}', status: 'changed',
    result: { backup_file: /^@R\/out\.\d+\..*~$/ }, after: { out: { content: 'c=3\n', mode: NEW } } },
  { name: 'assemble from a missing directory fails', departs: { check: 'ansible-core skips assemble in check mode; playwatch predicts' }, task: 'assemble: {src: "@R/nope", dest: "@R/out"}', status: 'failed', again: 'failed',
    result: { msg: 'Source (@R/nope) does not exist' }, after: { out: 'absent' } },
  { name: 'assemble from a file fails', departs: { check: 'ansible-core skips assemble in check mode; playwatch predicts' }, setup: { f: 'x' }, task: 'assemble: {src: "@R/f", dest: "@R/out"}', status: 'failed', again: 'failed',
    result: { msg: 'Source (@R/f) is not a directory' } },
];

