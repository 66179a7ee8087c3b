/**
 * Nothing but the presenter reaches the terminal during a run: with 12
 * hosts polling async jobs at once, Node used to print
 * `MaxListenersExceededWarning: … 11 abort listeners added to [AbortSignal]`
 * over the TUI, because every sleep, exec and channel wait of every host
 * listened on the one run-wide kill signal.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { RunControl } from '../../src/engine/index.js';
import { runProject } from '../helpers/run.js';
import { makeFixture, type Fixture } from '../transport/ssh-helpers.js';

const HOSTS = Array.from({ length: 12 }, (_, i) => `h${String(i + 1).padStart(2, '0')}`);

const PLAYBOOK = `
- hosts: all
  gather_facts: false
  tasks:
    - {name: polled job, shell: "sleep 1; echo polled", async: 10, poll: 1}
    - {name: started job, shell: "sleep 1", async: 10, poll: 0, register: job}
    - name: wait for it
      async_status: jid={{ job.ansible_job_id }}
      register: st
      until: st.finished
      retries: 20
      delay: 1
    - {name: a loop with a pause, command: "echo {{ item }}", loop: [a, b], loop_control: {pause: 1}}
`;

let fx: Fixture;
before(async () => {
  fx = await makeFixture({ maxSessions: 20 });
});
after(async () => {
  await fx.cleanup();
});

const inventories: [string, () => string][] = [
  ['the local transport', () => `[all]\n${HOSTS.join('\n')}\n[all:vars]\nansible_connection=local\n`],
  [
    'the ssh transport',
    () =>
      `[all]\n${HOSTS.join('\n')}\n[all:vars]\nansible_host=127.0.0.1\nansible_port=${fx.server.port}\nansible_user=tester\n` +
      `ansible_ssh_private_key_file=${fx.keyFile}\nplaywatch_known_hosts=${fx.knownHosts}\n`,
  ],
];

for (const [transport, inventory] of inventories) {
  test(`12 hosts polling async jobs over ${transport}: no warning, no stray output, no listener left`, async () => {
    const control = new RunControl();
    const signals = () => [control.signal, ...HOSTS.map((h) => control.signalFor(h))];
    const listeners = () => signals().map((s) => getEventListeners(s, 'abort').length);
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    // Writes to the process's own streams from src/ (the test runner's own are not ours).
    const stray: string[] = [];
    const realOut = process.stdout.write;
    const realErr = process.stderr.write;
    const spy = (real: typeof process.stdout.write, name: string) =>
      function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
        if (/\/src\//.test(new Error().stack ?? '')) stray.push(`${name}: ${String(chunk)}`);
        return (real as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
      } as typeof process.stdout.write;
    process.stdout.write = spy(realOut, 'stdout');
    process.stderr.write = spy(realErr, 'stderr');
    let most = 0;
    try {
      const run = await runProject({
        control,
        forks: HOSTS.length,
        delayScale: 1,
        files: { 'inventory.ini': inventory(), 'site.yml': PLAYBOOK },
        onEvent: () => (most = Math.max(most, ...listeners())),
      });
      assert.equal(run.exitCode, 0, JSON.stringify(run.of('host.failed').map((e) => e.result.msg)));
      // Each host's job was polled to its end (the poll that sees the end is its async.done).
      assert.equal(run.of('async.done').filter((e) => e.task.name === 'polled job').length, HOSTS.length);
      // Warnings are emitted on the next tick.
      await new Promise((r) => setImmediate(r));
    } finally {
      process.stdout.write = realOut;
      process.stderr.write = realErr;
      process.off('warning', onWarning);
    }
    assert.deepEqual(warnings, []);
    assert.deepEqual(stray, []);
    assert.deepEqual(listeners(), signals().map(() => 0), 'every wait took its listener away');
    assert.ok(most > 0 && most < 10, `at most ${most} listeners on one signal at once (Node warns past 10)`);
  });
}

test('a kill aborts every host signal, also ones asked for afterwards', () => {
  const control = new RunControl();
  const before = control.signalFor('h01');
  control.kill('test');
  assert.deepEqual([before.aborted, control.signalFor('h02').aborted, control.signal.aborted], [true, true, true]);
});
