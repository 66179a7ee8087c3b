import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fqdnOf, hostnameModule, hostnameWriteScript, strategyFor } from '../../src/modules/hostname.js';

test('the way a host keeps its name is chosen as ansible-core chooses it', () => {
  const rows: Array<[string | undefined, boolean, string, ReturnType<typeof strategyFor>]> = [
    [undefined, true, 'rhel', { kind: 'systemd' }],
    [undefined, false, 'debian', { kind: 'file', file: '/etc/hostname', apply: false }],
    [undefined, false, 'ubuntu', { kind: 'file', file: '/etc/hostname', apply: false }],
    ['alpine', false, 'alpine', { kind: 'file', file: '/etc/hostname', apply: true }],
    ['sles', false, 'sles', { kind: 'file', file: '/etc/HOSTNAME', apply: false }],
    ['debian', false, 'debian', { kind: 'systemd' }],
  ];
  for (const [use, systemd, distro, want] of rows) assert.deepEqual(strategyFor(use, systemd, distro), want, `${use} ${distro}`);
  assert.match(String(strategyFor(undefined, false, 'rhel')), /^hostname module cannot be used on platform Linux \(rhel\) without systemd/);
  assert.match(String(strategyFor('freebsd', false, 'debian')), /ansible-playbook for use: freebsd$/);
});

test('the name is set permanent first, every value quoted', () => {
  const systemd = hostnameWriteScript({ kind: 'systemd' }, "web'1", true, true);
  assert.ok(systemd.indexOf("hostnamectl --pretty --static set-hostname 'web'\\''1'") < systemd.indexOf("hostnamectl --transient set-hostname 'web'\\''1'"));
  assert.doesNotMatch(hostnameWriteScript({ kind: 'systemd' }, 'w', false, true), /--static/);
  assert.match(hostnameWriteScript({ kind: 'file', file: '/etc/hostname', apply: true }, 'w', true, false), /printf '%s\\n' 'w' >'\/etc\/hostname' && hostname -F '\/etc\/hostname'/);
});

test('the FQDN is the first dotted name of the address, as socket.getfqdn()', () => {
  assert.equal(fqdnOf('127.0.1.1 web1.example.com web1', 'web1'), 'web1.example.com');
  assert.equal(fqdnOf('127.0.1.1 web1 web1.example.com', 'web1'), 'web1.example.com');
  assert.equal(fqdnOf('127.0.0.1 localhost', 'vm'), 'localhost');
  assert.equal(fqdnOf('', 'vm'), 'vm');
});

test('hostname checks its arguments at load', () => {
  const pos = { file: 'site.yml', line: 1, col: 1 };
  assert.throws(() => hostnameModule.validate!({}, pos), /missing required arguments: name/);
  assert.throws(() => hostnameModule.validate!({ name: 'a', use: 'windows' }, pos), /must be one of: alpine/);
});
