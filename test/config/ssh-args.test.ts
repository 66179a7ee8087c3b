import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSshArgs, type SshArgs } from '../../src/config/index.js';

const ROWS: Array<[ssh_args: string, honoured: Omit<SshArgs, 'ignored'>, ignored: string[]]> = [
  ['-o ControlMaster=auto -o ControlPersist=60s', {}, []],
  ['-o ProxyJump=ops@bastion:2200', { proxyJump: 'ops@bastion:2200' }, []],
  ['-oUser=deploy -oPort=2222', { user: 'deploy', port: 2222 }, []],
  ["-o 'User deploy' -o \"Port 2201\"", { user: 'deploy', port: 2201 }, []],
  ['-J bastion -l deploy -p 2022 -i ~/.ssh/deploy', { proxyJump: 'bastion', user: 'deploy', port: 2022, identityFile: '~/.ssh/deploy' }, []],
  // OpenSSH keeps the first value of an option.
  ['-o User=first -o User=second', { user: 'first' }, []],
  ['-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null', { hostKeyChecking: false, knownHostsFile: '/dev/null' }, []],
  ['-o ConnectTimeout=5 -o ServerAliveInterval=30', { connectTimeout: 5 }, []],
  ['-C -o ForwardAgent=yes', {}, ['-C', '-o ForwardAgent=yes']],
];

for (const [text, honoured, ignored] of ROWS) {
  test(`ssh_args ${text}`, () => {
    assert.deepEqual(parseSshArgs(text), { ...honoured, ignored });
  });
}
