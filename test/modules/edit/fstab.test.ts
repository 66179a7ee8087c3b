import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeField, linuxMounts, setMount, unsetMount } from '../../../src/modules/edit/fstab.js';
import { isMount, mountArgs, mountModule } from '../../../src/modules/mount.js';

const entry = { name: '/srv/a', src: '/dev/sda1', fstype: 'ext4', opts: 'defaults', dump: '0', passno: '0' };

test('set_mount: an entry added, brought in line, or left as it is, as ansible.posix writes it', () => {
  const rows: Array<[string, string, Partial<typeof entry>, string, boolean]> = [
    ['a new entry at the end', '# c\n', {}, '# c\n/dev/sda1 /srv/a ext4 defaults 0 0\n', true],
    ['the same entry, spaced otherwise, is left alone', '/dev/sda1  /srv/a\text4 defaults 0 0\n', {}, '/dev/sda1  /srv/a\text4 defaults 0 0\n', false],
    ['four fields count, dump and passno taken as 0', '/dev/sda1 /srv/a ext4 defaults\n', {}, '/dev/sda1 /srv/a ext4 defaults\n', false],
    ['a different field rewrites the line', '/dev/sdb1 /srv/a ext4 defaults 0 2 # note\n', {}, '/dev/sda1 /srv/a ext4 defaults 0 0\n', true],
    ['a last line without newline gets one', '/x /y ext4 defaults 0 0', {}, '/x /y ext4 defaults 0 0\n/dev/sda1 /srv/a ext4 defaults 0 0\n', true],
    ['spaces and & escaped', '', { name: '/srv/a b&c' }, '/dev/sda1 /srv/a\\040b\\046c ext4 defaults 0 0\n', true],
  ];
  for (const [what, before, o, after, changed] of rows) assert.deepEqual(setMount(before, { ...entry, ...o }), { text: after, changed }, what);
});

test('unset_mount drops every six-field entry of the point, and only those', () => {
  assert.deepEqual(unsetMount('# c\n/d /srv/a ext4 defaults 0 0\n/e /srv/b ext4 defaults 0 0\n/f /srv/a ext4 defaults\n', '/srv/a'),
    { text: '# c\n/e /srv/b ext4 defaults 0 0\n/f /srv/a ext4 defaults\n', changed: true });
  assert.deepEqual(unsetMount('/swap1 none swap sw 0 0\n/swap2 none swap sw 0 0\n', 'none', '/swap2'), { text: '/swap1 none swap sw 0 0\n', changed: true });
  assert.equal(escapeField('a\\b'), 'a\\134b');
});

test('mounts read from mountinfo, a bind mount\'s source worked out from its parent', () => {
  const m = linuxMounts('40 1 0:31 / / rw - ext4 /dev/sda1 rw\n42 40 0:35 / /tmp rw - tmpfs tmpfs rw\n78 42 0:35 /aaa /tmp/bbb rw - tmpfs tmpfs rw\n');
  assert.deepEqual(m.get('/tmp/bbb'), { dst: '/tmp/bbb', src: '/tmp/aaa', opts: 'rw', fs: 'tmpfs' });
  assert.equal(m.get('/')?.src, '/dev/sda1');
  assert.equal(isMount('65024 260072\n40 1\n'), true);
  assert.equal(isMount('40 7\n40 1\n'), false);
  assert.equal(isMount('40 2\n40 2\n'), true);
});

test('mount args as ansible.posix completes them, and its load-time rules', () => {
  const a = mountArgs({ path: '/m', src: 's', fstype: 't', state: 'present', boot: false });
  assert.deepEqual([a.opts, a.fstab, a.fstabGiven, a.dump, a.passno], ['defaults,noauto', '/etc/fstab', false, '0', '0']);
  const pos = { file: 'site.yml', line: 1, col: 1 };
  assert.throws(() => mountModule.validate!({ path: '/m', state: 'mounted', src: 's' }, pos), /state is mounted but all of the following are missing: fstype/);
  assert.throws(() => mountModule.validate!({ path: '/m' }, pos), /missing required arguments: state/);
  assert.throws(() => mountModule.validate!({ path: '/m', state: 'ephemeral' }, pos), /must be one of/);
});
