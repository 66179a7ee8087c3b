import { test } from 'node:test';
import assert from 'node:assert/strict';
import { debugModule } from '../../src/modules/debug.js';
import { setFactModule } from '../../src/modules/set-fact.js';
import { failModule } from '../../src/modules/fail.js';
import { assertModule } from '../../src/modules/assert.js';
import { pingModule } from '../../src/modules/ping.js';
import { pauseModule } from '../../src/modules/pause.js';
import { UserError } from '../../src/model/index.js';
import { fakeContext } from './context.js';

const pos = { file: 'roles/app/tasks/main.yml', line: 12, col: 3 };

test('debug without args says Hello world!', async () => {
  assert.deepEqual(await debugModule.run(fakeContext('debug', {})), { changed: false, msg: 'Hello world!' });
});

test('debug shows msg as given, lists included', async () => {
  const r = await debugModule.run(fakeContext('debug', { msg: ['a', 'b'] }));
  assert.deepEqual(r.msg, ['a', 'b']);
  assert.equal(r.changed, false);
});

test('debug var evaluates the expression and keys the result by its text', async () => {
  const r = await debugModule.run(fakeContext('debug', { var: 'result.stdout' }, { vars: { result: { stdout: 'hi' } } }));
  assert.deepEqual(r, { changed: false, 'result.stdout': 'hi' });
});

test('debug var of an undefined name says so instead of failing', async () => {
  const r = await debugModule.run(fakeContext('debug', { var: 'nope' }));
  assert.equal(r.nope, 'VARIABLE IS NOT DEFINED!');
  assert.equal(r.failed, undefined);
});

test('debug skips when its verbosity is above the run verbosity', async () => {
  const quiet = await debugModule.run(fakeContext('debug', { msg: 'x', verbosity: 2 }));
  assert.equal(quiet.skipped, true);
  const loud = await debugModule.run(fakeContext('debug', { msg: 'x', verbosity: 2 }, { vars: { ansible_verbosity: 2 } }));
  assert.equal(loud.msg, 'x');
});

test('debug refuses msg together with var, and unknown args', () => {
  assert.throws(() => debugModule.validate!({ msg: 'a', var: 'b' }, pos), /mutually exclusive/);
  assert.throws(() => debugModule.validate!({ msgs: 'a' }, pos), /unsupported parameter 'msgs' for module 'debug' \(did you mean 'msg'\?\)/);
});

test('set_fact returns its args as facts, turning yes/no words into booleans', async () => {
  const r = await setFactModule.run(fakeContext('set_fact', { a: 1, b: 'yes', c: 'False', d: 'text', cacheable: true }));
  assert.deepEqual(r, { changed: false, ansible_facts: { a: 1, b: true, c: false, d: 'text' } });
});

test('set_fact rejects names that are not identifiers, with the position', () => {
  assert.throws(() => setFactModule.validate!({ 'my-var': 1 }, pos),
    (e: unknown) => e instanceof UserError && e.message.startsWith(`roles/app/tasks/main.yml:12:3: the variable name 'my-var' is not valid`));
  assert.throws(() => setFactModule.validate!({}, pos), /at least one/);
  assert.doesNotThrow(() => setFactModule.validate!({ '{{ name }}': 1, ok_name: 2 }, pos));
});

test('fail fails with its message or the default one', async () => {
  assert.deepEqual(await failModule.run(fakeContext('fail', { msg: 'stop here' })), { failed: true, changed: false, msg: 'stop here' });
  assert.equal((await failModule.run(fakeContext('fail', {}))).msg, 'Failed as requested from task');
});

test('assert passes when every condition holds', async () => {
  const r = await assertModule.run(fakeContext('assert', { that: ['x > 1', 'y === "a"'] }, { vars: { x: 2, y: 'a' } }));
  assert.deepEqual(r, { _ansible_verbose_always: true, changed: false, msg: 'All assertions passed' });
});

test('assert with quiet is not shown when it passes (no _ansible_verbose_always), as ansible-core', async () => {
  for (const quiet of [true, 'yes']) {
    assert.deepEqual(await assertModule.run(fakeContext('assert', { that: ['x > 1'], quiet }, { vars: { x: 2 } })), { changed: false, msg: 'All assertions passed' });
  }
});

test('assert names the first failing condition', async () => {
  const r = await assertModule.run(fakeContext('assert', { that: ['x > 1', 'x > 5', 'x > 9'], fail_msg: 'x too small' }, { vars: { x: 2 } }));
  assert.deepEqual(r, { _ansible_verbose_always: true, failed: true, changed: false, assertion: 'x > 5', evaluated_to: false, msg: 'x too small' });
});

test('assert takes a single string, msg as fail message, and success_msg', async () => {
  const bad = await assertModule.run(fakeContext('assert', { that: 'false', msg: 'nope' }));
  assert.equal(bad.msg, 'nope');
  const good = await assertModule.run(fakeContext('assert', { that: true, success_msg: 'fine' }));
  assert.equal(good.msg, 'fine');
  const dflt = await assertModule.run(fakeContext('assert', { that: false }));
  assert.equal(dflt.msg, 'Assertion failed');
});

test('assert needs that', () => {
  assert.throws(() => assertModule.validate!({ msg: 'x' }, pos), /needs 'that'/);
  assert.throws(() => assertModule.validate!({ that: [{ a: 1 }] }, pos), /condition string/);
});

test('ping answers pong through the transport', async () => {
  const ctx = fakeContext('ping', {});
  assert.deepEqual(await pingModule.run(ctx), { changed: false, ping: 'pong' });
  assert.deepEqual(ctx.commands, ['echo pong']);
  assert.deepEqual(await pingModule.run(fakeContext('ping', { data: 'hello' })), { changed: false, ping: 'hello' });
});

test('ping with data crash fails', async () => {
  const r = await pingModule.run(fakeContext('ping', { data: 'crash' }));
  assert.equal(r.failed, true);
});

test('pause waits the given seconds and reports ansible fields', async () => {
  const started = Date.now();
  const r = await pauseModule.run(fakeContext('pause', { seconds: 0.2 }));
  assert.ok(Date.now() - started >= 190);
  assert.equal(r.changed, false);
  assert.equal(r.delta, 0);
  assert.equal(r.user_input, '');
  assert.equal(r.echo, true);
  assert.match(String(r.stdout), /^Paused for 0\.2\d? seconds$/);
  assert.match(String(r.start), /^\d{4}-\d\d-\d\d /);
});

test('pause ends early and fails when the run is aborted', async () => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 50);
  const started = Date.now();
  const r = await pauseModule.run(fakeContext('pause', { minutes: 5 }, { signal: ac.signal }));
  assert.ok(Date.now() - started < 2000);
  assert.equal(r.failed, true);
});

test('pause refuses prompts and waiting for a key', () => {
  assert.throws(() => pauseModule.validate!({ prompt: 'Continue?' }, pos), /'prompt' is not supported/);
  assert.throws(() => pauseModule.validate!({}, pos), /needs 'seconds' or 'minutes'/);
  assert.throws(() => pauseModule.validate!({ seconds: 'ten' }, pos), /must be a number/);
  assert.doesNotThrow(() => pauseModule.validate!({ seconds: '{{ wait }}' }, pos));
});
