/**
 * The presenter's stdout is written once per turn of the event loop; what
 * it printed still comes before a line on stderr, a prompt waits for no
 * turn, and an exit (a crash included) loses nothing. Each case runs a small
 * program with stdout and stderr on one pipe (as `2>&1` does) and reads the
 * order back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const STDOUT = path.join(ROOT, 'src/cli/stdout.ts');
const STDERR = path.join(ROOT, 'src/cli/stderr.ts');

/** Runs `body` with `writeOut`, `flushOut`, `errorLine` and `writes` (how many writes reached stdout) in scope; returns stdout+stderr. */
function run(body: string): { out: string; code: number | null } {
  const program = `
    import { writeOut, flushOut } from ${JSON.stringify(STDOUT)};
    import { errorLine } from ${JSON.stringify(STDERR)};
    let writes = 0;
    const real = process.stdout.write.bind(process.stdout);
    process.stdout.write = (...a) => (writes++, real(...a));
    ${body}
  `;
  const r = spawnSync('sh', ['-c', `"${process.execPath}" --import tsx --input-type=module -e "$PROGRAM" 2>&1`], {
    cwd: ROOT,
    env: { ...process.env, PROGRAM: program },
    encoding: 'utf8',
  });
  return { out: r.stdout, code: r.status };
}

const cases: Array<{ what: string; body: string; want: string; code?: number }> = [
  {
    what: 'lines of one turn go out in one write, after the turn',
    body: `writeOut('a\\n'); writeOut('b\\n'); writeOut('c\\n'); console.error('same turn'); setImmediate(() => console.error('writes ' + writes));`,
    want: 'same turn\na\nb\nc\nwrites 1\n',
  },
  {
    what: 'a line on stderr comes after what was printed before it',
    body: `writeOut('TASK [x]\\n'); errorLine('[WARNING]: w'); writeOut('ok: [h]\\n');`,
    want: 'TASK [x]\n[WARNING]: w\nok: [h]\n',
  },
  {
    what: 'a prompt (no newline at its end) goes out at once, with what was before it',
    body: `writeOut('TASK [x]\\n'); writeOut('Perform task? '); console.error('|' + writes);`,
    want: 'TASK [x]\nPerform task? |1\n',
  },
  {
    what: 'an exit in the same turn loses nothing',
    body: `writeOut('last\\n'); process.exit(3);`,
    want: 'last\n',
    code: 3,
  },
  {
    what: 'a crash in the same turn loses nothing',
    body: `writeOut('before the crash\\n'); setImmediate(() => {}); throw new Error('boom');`,
    want: 'before the crash\n',
    code: 1,
  },
];

for (const c of cases) {
  test(`stdout batching: ${c.what}`, () => {
    const r = run(c.body);
    // A crash's stack trace is on stderr too: the line must be there, wherever the trace lands.
    if (c.code === 1) assert.ok(r.out.includes(c.want), r.out);
    else assert.equal(r.out, c.want);
    assert.equal(r.code, c.code ?? 0, r.out);
  });
}
