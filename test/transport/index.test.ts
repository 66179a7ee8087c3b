import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { connectionSpecFromVars, createTransport, LocalTransport, UnreachableError } from '../../src/transport/index.js';
import { UserError } from '../../src/model/index.js';

test('localhost defaults to the local connection and other hosts to ssh', () => {
  assert.equal(connectionSpecFromVars('localhost', {}, '/x').connection, 'local');
  assert.equal(connectionSpecFromVars('127.0.0.1', {}, '/x').connection, 'local');
  assert.equal(connectionSpecFromVars('web1', {}, '/x').connection, 'ssh');
});

test('connection vars are read into the spec', () => {
  const spec = connectionSpecFromVars('web1', { ansible_connection: 'ssh', ansible_host: '10.0.0.5', ansible_port: '2222', ansible_user: 'deploy' }, '/x');
  assert.deepEqual(spec, { host: 'web1', connection: 'ssh', address: '10.0.0.5', port: 2222, user: 'deploy' });
});

test('playwatch_local_root is resolved against the base directory for local hosts', () => {
  const spec = connectionSpecFromVars('web1', { ansible_connection: 'local', playwatch_local_root: 'scratch/web1' }, '/srv/demo');
  assert.equal(spec.root, path.resolve('/srv/demo/scratch/web1'));
});

test('a bad port or an unknown connection type is a user error', () => {
  assert.throws(() => connectionSpecFromVars('h', { ansible_port: 'abc' }, '/'), UserError);
  assert.throws(() => connectionSpecFromVars('h', { ansible_connection: 'winrm' }, '/'), /unsupported ansible_connection 'winrm'/);
});

test('createTransport gives a local transport for local hosts', () => {
  assert.ok(createTransport({ host: 'localhost', connection: 'local' }) instanceof LocalTransport);
});
