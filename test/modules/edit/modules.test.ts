/**
 * lineinfile, blockinfile and replace as modules on the local transport:
 * every case of oracle.json run on a real file gives the file, mode and
 * result ansible-core gave, in check mode first (which predicts the run and
 * leaves the file alone), then for real, then once more (unchanged, except
 * where ansible-core's own edit is not idempotent); an unchanged edit costs
 * one command and a change two.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadModule } from '../../../src/modules/index.js';
import { formatDiff } from '../../../src/model/diff.js';
import { fakeContext, tempDir } from '../context.js';
import { ORACLE_FILE, type OracleRow } from './oracle-table.js';
import { loadError, seen, setUpRow } from './outcome.js';

const rows: OracleRow[] = JSON.parse(fs.readFileSync(ORACLE_FILE, 'utf8'));

async function call(module: string, args: Record<string, unknown>, o: { check?: boolean; diff?: boolean } = {}) {
  const ctx = fakeContext(module, args, o);
  const result = await (await loadModule(module))!.run(ctx);
  return { result, commands: ctx.commands.length };
}

function setUp(row: Pick<OracleRow, 'before'>): string {
  return setUpRow(row, tempDir());
}

for (const row of rows) {
  test(`${row.module} ${row.name}: as ansible-core, check mode first`, async () => {
    const file = setUp(row);
    const args = { ...row.args, path: file };
    const refused = loadError(row.module, args);
    if (refused !== undefined) {
      // Arguments ansible-core refuses on the target are refused here at load, with its words.
      assert.equal(row.run.failed, true, refused);
      assert.ok(refused.endsWith(row.run.msg), `${refused} ends with ${row.run.msg}`);
      return;
    }
    const check = await call(row.module, args, { check: true });
    assert.deepEqual(seen(check.result, file), row.check, 'check mode');

    const run = await call(row.module, args);
    assert.deepEqual(seen(run.result, file), row.run, 'run');
    if (!row.run.failed) assert.equal(run.commands, row.run.changed ? 2 : 1, 'round trips');
    const again = await call(row.module, args);
    assert.deepEqual(seen(again.result, file), row.again, 'a second run');
    if (!row.again.changed && !row.again.failed) assert.equal(again.commands, 1, 'an unchanged file costs one command');
  });
}

test('lineinfile --diff shows the line added, and check mode shows it too', async () => {
  for (const check of [true, false]) {
    const file = setUp({ before: 'a=1\nb=2\n' } as OracleRow);
    const { result } = await call('lineinfile', { path: file, line: 'c=3', mode: '0600' }, { check, diff: true });
    const text = formatDiff(result.diff);
    assert.match(text, new RegExp(`^--- before: ${file} \\(content\\)\n\\+\\+\\+ after: ${file} \\(content\\)\n@@ -1,2 \\+1,3 @@\n a=1\n b=2\n\\+c=3\n`));
    assert.match(text, /-\s+"mode": "0644"\n\+\s+"mode": "0600"/);
  }
});

test('blockinfile and replace --diff show the change; without --diff no content leaves the target', async () => {
  const file = setUp({ before: 'a\nsecret=1\n' } as OracleRow);
  const block = await call('blockinfile', { path: file, block: 'x' }, { diff: true });
  assert.match(formatDiff(block.result.diff), /\+# BEGIN ANSIBLE MANAGED BLOCK\n\+x\n\+# END ANSIBLE MANAGED BLOCK\n/);
  const rep = await call('replace', { path: file, regexp: '^x$', replace: 'y' }, { diff: true });
  assert.match(formatDiff(rep.result.diff), /-x\n\+y\n/);
  const quiet = await call('lineinfile', { path: file, line: 'z', mode: '0600' });
  assert.equal(quiet.result.msg, 'line added and ownership, perms or SE linux context changed');
  assert.equal(formatDiff(quiet.result.diff), '');
  assert.doesNotMatch(JSON.stringify(quiet.result), /secret/);
});

test('a link is followed: the file it points at is edited and the link stays', async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'real'), 'a\n');
  fs.symlinkSync('real', path.join(dir, 'link'));
  const { result } = await call('lineinfile', { path: path.join(dir, 'link'), line: 'b' });
  assert.equal(result.changed, true);
  assert.equal(fs.readFileSync(path.join(dir, 'real'), 'utf8'), 'a\nb\n');
  assert.equal(fs.lstatSync(path.join(dir, 'link')).isSymbolicLink(), true);
});

test('a directory fails as ansible-core says, and create makes missing parent directories', async () => {
  const dir = tempDir();
  const args: Record<string, Record<string, unknown>> = { lineinfile: { line: 'x' }, blockinfile: { block: 'x' }, replace: { regexp: 'x' } };
  for (const [module, extra] of Object.entries(args)) {
    const { result } = await call(module, { path: dir, ...extra });
    assert.deepEqual([result.failed, result.rc, result.msg], [true, 256, `Path ${dir} is a directory !`], module);
  }
  const deep = path.join(dir, 'a', 'b', 'conf');
  const { result } = await call('lineinfile', { path: deep, line: 'x', create: true });
  assert.equal(result.changed, true);
  assert.equal(fs.readFileSync(deep, 'utf8'), 'x\n');
});

test('non-ASCII text and bytes that are not UTF-8 survive an edit', async () => {
  const file = setUp({ before: 'naïve=1\n' } as OracleRow);
  fs.appendFileSync(file, Buffer.from([0xff, 0xfe, 0x0a]));
  await call('lineinfile', { path: file, regexp: '^naïve=', line: 'naïve=2' });
  assert.deepEqual(fs.readFileSync(file), Buffer.concat([Buffer.from('naïve=2\n'), Buffer.from([0xff, 0xfe, 0x0a])]));
});

test('validate runs on the new content before it replaces the file', async () => {
  const file = setUp({ before: 'a\n' } as OracleRow);
  const bad = await call('lineinfile', { path: file, line: 'b', validate: 'grep -q nothing %s' });
  assert.equal(bad.result.failed, true);
  assert.match(String(bad.result.msg), /^failed to validate: rc:1/);
  assert.equal(fs.readFileSync(file, 'utf8'), 'a\n');
  const noPercent = await call('lineinfile', { path: file, line: 'b', validate: 'true' });
  assert.equal(noPercent.result.msg, 'validate must contain %s: true');
  const good = await call('lineinfile', { path: file, line: 'b', validate: 'grep -q b %s' });
  assert.equal(good.result.changed, true);
  assert.equal(fs.readFileSync(file, 'utf8'), 'a\nb\n');
});

test('the backup keeps the old content beside the file', async () => {
  const file = setUp({ before: 'a\n' } as OracleRow);
  const { result } = await call('replace', { path: file, regexp: 'a', replace: 'b', backup: true });
  const backup = String(result.backup_file);
  assert.match(backup, new RegExp(`^${file}\\.\\d+\\.\\d{4}-\\d\\d-\\d\\d@\\d\\d:\\d\\d:\\d\\d~$`));
  assert.equal(fs.readFileSync(backup, 'utf8'), 'a\n');
  assert.equal(fs.readFileSync(file, 'utf8'), 'b\n');
});

test('paths and lines with shell syntax are data, never commands', async () => {
  const dir = tempDir();
  const names = ['a;touch pwned1', '$(touch pwned2)', '`touch pwned3`', '-n', "it's\nnew"];
  for (const name of names) {
    const file = path.join(dir, name);
    const line = `x=$(touch ${path.join(dir, 'pwned4')}); '\`"`;
    const { result } = await call('lineinfile', { path: file, line, create: true });
    assert.equal(result.changed, true, name);
    assert.equal(fs.readFileSync(file, 'utf8'), `${line}\n`, name);
    const again = await call('replace', { path: file, regexp: '^x=', replace: 'y=' });
    assert.equal(again.result.msg, '1 replacements made', name);
  }
  assert.deepEqual(fs.readdirSync(dir).sort(), [...names].sort());
});
