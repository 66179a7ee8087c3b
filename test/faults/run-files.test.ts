/**
 * The run's own files under faults: huge output, and links planted where
 * the run writes in a runs directory others can write to.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { cli, events, project, runDirs, until } from './cli.js';

const RSS_HOOK = path.join(path.dirname(new URL(import.meta.url).pathname), 'max-rss.ts');
const MB = 1_000_000;

test('50 MB of output and one 1 MB line: the run ends normally, every file stays bounded, memory keeps a tail', async () => {
  const dir = project({
    'inventory.ini': 'a ansible_connection=local\n',
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - {name: loud, shell: "yes 0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz | head -c ${50 * MB}; head -c ${MB} /dev/zero | tr '\\\\0' x; echo"}
    - {name: after, debug: {msg: still here}}
`,
  });
  const rss = path.join(dir, 'rss');
  const r = await cli(dir, ['run', 'site.yml', '-i', 'inventory.ini', '--ui', 'plain'], {
    node: ['--import', RSS_HOOK],
    env: { PLAYWATCH_TEST_RSS_FILE: rss },
    timeoutMs: 120_000,
  });
  assert.equal(r.code, 0, r.err.slice(-2000));
  assert.match(r.out, /TASK \[after\][\s\S]*still here/);
  const [runDir] = runDirs(dir);
  const size = (f: string) => fs.statSync(path.join(runDir!, f)).size;
  // output_record_max (8 MiB) of streamed output, the result's own capped copy (1 MiB), and the rest.
  assert.ok(size('events.jsonl') < 12 * MB, `events.jsonl ${size('events.jsonl')}`);
  assert.ok(size('run.log') < 4 * MB, `run.log ${size('run.log')}`);
  assert.ok(r.out.length < 4 * MB, `stdout ${r.out.length}`);
  const marker = events(dir).find((e) => e.type === 'host.output' && e.dropped !== undefined);
  assert.ok(marker, 'one marker says how much was not recorded');
  assert.equal(marker!.dropped, 51 * MB + 1 - 8 * 1024 * 1024);
  const peak = Number(fs.readFileSync(rss, 'utf8')) * 1024;
  // ~170 MiB measured (Node, tsx, the run); the output held whole as strings would add over 100 MiB.
  assert.ok(peak < 256 * 1024 * 1024, `peak RSS ${Math.round(peak / 1024 / 1024)} MiB`);
});

test('links planted in a shared runs directory at the archive\'s names do not redirect a write: the file they point at is untouched', async (t) => {
  const cases: Array<[string, (id: string) => string]> = [
    ['the partial archive', (id) => `.${id}.tar.gz.partial`],
    ['the final archive', (id) => `${id}.tar.gz`],
  ];
  for (const [what, nameOf] of cases) {
    await t.test(what, async () => {
      const dir = project({
        'inventory.ini': 'a ansible_connection=local\n',
        'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - {name: slow, command: sleep 1}
`,
      });
      const victim = path.join(dir, 'victim.txt');
      fs.writeFileSync(victim, 'precious\n');
      let planted = '';
      const running = cli(dir, ['run', 'site.yml', '-i', 'inventory.ini', '--ui', 'plain']);
      await until(() => runDirs(dir).length === 1, 20_000, 'the run directory');
      const runDir = runDirs(dir)[0]!;
      planted = path.join(path.dirname(runDir), nameOf(path.basename(runDir)));
      fs.symlinkSync(victim, planted);
      const r = await running;
      assert.equal(r.code, 0, r.err);
      assert.equal(fs.readFileSync(victim, 'utf8'), 'precious\n', 'the linked file is untouched');
      const st = fs.lstatSync(planted);
      // Either the archive replaced the link (a rename does not follow it) or it refused to write through it.
      if (st.isSymbolicLink()) assert.match(r.err, /\[WARNING\]: the run was not archived: EEXIST/);
      else assert.ok(st.isFile() && (st.mode & 0o777) === 0o600, 'the archive is a private regular file');
    });
  }
});
