import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseValue, planSysctl, sameValue, sysctlModule, sysctlWriteScript } from '../../src/modules/sysctl.js';

const args = (o: Record<string, unknown> = {}) => ({
  name: 'vm.a', value: '1', state: 'present' as const, reload: true, sysctl_set: false, ignoreerrors: false, sysctl_file: '/etc/sysctl.conf', ...o,
});

test('what ansible.posix sysctl decides and writes, for the file and the running value', () => {
  const rows: Array<[string, Record<string, unknown>, string, string | undefined, { changed: boolean; writeFile: boolean; setProc: boolean; text: string }]> = [
    ['a new key is appended', {}, '# c\n', '1', { changed: true, writeFile: true, setProc: false, text: '# c\nvm.a=1\n' }],
    ['the same key and value, running value right', {}, 'vm.a = 1\n', '1\n', { changed: false, writeFile: false, setProc: false, text: 'vm.a=1\n' }],
    ['the file right but the kernel not, with reload', {}, 'vm.a=1\n', '0\n', { changed: true, writeFile: false, setProc: false, text: 'vm.a=1\n' }],
    ['the file right, the kernel not, without reload', { reload: false }, 'vm.a=1\n', '0\n', { changed: false, writeFile: false, setProc: false, text: 'vm.a=1\n' }],
    ['sysctl_set sets a running value that differs', { reload: false, sysctl_set: true }, 'vm.a=1\n', '0\n', { changed: true, writeFile: false, setProc: true, text: 'vm.a=1\n' }],
    ['absent drops the key and the second line of a key given twice', { state: 'absent' }, 'vm.a=1\nvm.b = 2\nvm.b=3\n', '1', { changed: true, writeFile: true, setProc: false, text: 'vm.b=2\n' }],
    ['a changed value is replaced where it is', { value: '5' }, 'x=1\nvm.a=1\ny=2\n', '1', { changed: true, writeFile: true, setProc: false, text: 'x=1\nvm.a=5\ny=2\n' }],
  ];
  for (const [what, o, file, proc, want] of rows) assert.deepEqual(planSysctl(args(o), file, proc), want, what);
});

test('values: yes/no words are 1/0, and are compared word by word', () => {
  assert.deepEqual([true, 'yes', 'On', false, 'no', ' 4096  8 ', 3].map(parseValue), ['1', '1', '1', '0', '0', '4096  8', '3']);
  assert.equal(sameValue('4096\t87380  6291456\n', '4096 87380 6291456'), true);
  assert.equal(sameValue(undefined, '1'), false);
});

test('the change command sets, writes and reloads in that order, -e with ignoreerrors, values quoted', () => {
  const s = sysctlWriteScript(args({ value: '1; reboot', ignoreerrors: true }), { writeFile: true, setProc: true, changed: true });
  assert.ok(s.indexOf("sysctl -e -w 'vm.a=1; reboot'") < s.indexOf('mv -f') && s.indexOf('mv -f') < s.indexOf("sysctl -e -p '/etc/sysctl.conf'"));
  assert.doesNotMatch(sysctlWriteScript(args({ reload: false }), { writeFile: true, setProc: false, changed: true }), /sysctl -p|-w/);
});

test('sysctl checks its arguments at load', () => {
  const pos = { file: 'site.yml', line: 1, col: 1 };
  assert.throws(() => sysctlModule.validate!({ name: 'a', state: 'present' }, pos), /state is present but all of the following are missing: value/);
  assert.doesNotThrow(() => sysctlModule.validate!({ key: 'a', state: 'absent' }, pos));
});
