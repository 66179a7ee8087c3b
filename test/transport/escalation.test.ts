/**
 * The become handshake over both transports, with a stand-in for sudo (a
 * shell function that asks as `sudo -S -p` does, or not at all); the real
 * sudo is in test/system/secrets.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalTransport } from '../../src/transport/local.js';
import { wrapCommand } from '../../src/transport/command.js';
import { EscalationFilter } from '../../src/transport/escalation.js';
import type { Transport } from '../../src/transport/types.js';
import { makeFixture } from './ssh-helpers.js';
import { runProject } from '../helpers/run.js';

/**
 * `sudo` as a shell function: with ASK=1 it prints the -p prompt on stderr
 * (no newline, as sudo does), reads one line and checks it, twice at most.
 * It records what it read, so a test sees whether the password came.
 */
const FAKE_SUDO = `sudo() {
  p=; while [ "$1" != "--" ]; do [ "$1" = -p ] && { p=$2; shift; }; shift; done; shift
  if [ "$ASK" = 1 ]; then
    for try in 1 2; do
      printf '%s' "$p" >&2
      IFS= read -r got || { echo "sudo: no password was provided" >&2; exit 1; }
      echo "read:$got" >> "$LOG"
      [ "$got" = right-pw ] && break
      echo "Sorry, try again." >&2
      [ $try = 2 ] && { echo "sudo: 2 incorrect password attempts" >&2; exit 1; }
    done
  fi
  "$@"
}
`;

async function transports(): Promise<Array<[string, Transport, () => Promise<void>]>> {
  const fx = await makeFixture();
  return [
    ['local', new LocalTransport({ host: 'l', connection: 'local' }), async () => {}],
    ['ssh exec', fx.transport({ mode: 'exec' }), async () => {}],
    // The same session runs every case in turn: the stdin relay must leave it clean each time.
    ['ssh shell', fx.transport({ mode: 'shell' }), () => fx.cleanup()],
  ];
}

test('become with a password: sudo gets it only when it asks, the command\'s stdin is exactly its own, and no prompt shows', async () => {
  const cases: Array<[string, { ask: boolean; password: string }, { rc: number; stdout: string; stderr: string; sudoRead: string }]> = [
    ['sudo asks', { ask: true, password: 'right-pw' }, { rc: 0, stdout: 'task input\nline 2\n', stderr: 'from the task\n', sudoRead: 'read:right-pw\n' }],
    ['NOPASSWD: sudo does not ask', { ask: false, password: 'right-pw' }, { rc: 0, stdout: 'task input\nline 2\n', stderr: 'from the task\n', sudoRead: '' }],
    ['a wrong password is sent once, then stdin closes', { ask: true, password: 'wrong-pw' }, { rc: 1, stdout: '', stderr: 'Sorry, try again.\nsudo: no password was provided\n', sudoRead: 'read:wrong-pw\n' }],
  ];
  for (const [tname, t, done] of await transports()) {
    for (const [name, c, want] of cases) {
      const log = `/tmp/pw-escalation-${process.pid}-${Math.random().toString(36).slice(2)}`;
      const w = wrapCommand('cat; echo from the task >&2', { become: true, becomePassword: c.password, stdin: 'task input\nline 2\n' });
      const chunks: string[] = [];
      const r = await t.exec(`ASK=${c.ask ? 1 : 0}; LOG=${log}; : > $LOG; ${FAKE_SUDO}${w.command}`, {
        stdin: w.stdin,
        escalation: w.escalation,
        timeoutMs: 10_000,
        onOutput: (s, chunk) => void (s === 'stderr' && chunks.push(chunk)),
      });
      const sudoRead = (await t.exec(`cat ${log}; rm -f ${log}`)).stdout;
      const label = `${tname}: ${name}`;
      assert.deepEqual({ rc: r.rc, stdout: r.stdout, stderr: r.stderr, sudoRead }, want, label);
      assert.equal(chunks.join(''), want.stderr, `${label}: streamed stderr`);
      assert.ok(!r.stderr.includes('password:') && !r.stderr.includes('BECOME-SUCCESS'), label);
    }
    await t.close();
    await done();
  }
});

test('the filter finds a prompt and the ready line split across chunks, and passes other text on', () => {
  const spec = { prompt: '[sudo via playwatch, key=abc] password:', ready: 'PLAYWATCH-BECOME-SUCCESS-abc', password: 'pw' };
  const f = new EscalationFilter(spec);
  const stream = `warning: motd\n${spec.prompt}${spec.ready}\nreal stderr\n`;
  const steps: string[] = [];
  let out = '';
  for (let i = 0; i < stream.length; i += 5) {
    const r = f.push(Buffer.from(stream.slice(i, i + 5)));
    steps.push(...r.steps);
    out += r.out.toString();
  }
  out += f.flush().toString();
  assert.deepEqual(steps, ['password', 'stdin']);
  assert.equal(out, 'warning: motd\nreal stderr\n');
});

test('async with a become password fails the task before anything runs: a detached job cannot answer sudo', async () => {
  const run = await runProject({
    files: {
      'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - {name: job, command: "touch ran", become: true, async: 10, poll: 1, vars: {ansible_become_password: some-pw-123}}
`,
    },
  });
  assert.match(String(run.of('host.failed')[0]?.result.msg), /become with a password cannot be used with async/);
  assert.equal(run.events.some((e) => e.type === 'async.start'), false);
});
