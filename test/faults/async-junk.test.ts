/**
 * A junk async status file (a job's `rc` overwritten by something else:
 * another tool, a full disk, a person): the task fails at once saying so,
 * with the job's output, instead of waiting out its limit for an exit code
 * that will never be read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runProject } from '../helpers/run.js';

const JUNK = 'garbage\x1b[2J';

const cases = [
  {
    name: 'polled by the engine (poll: 1)',
    tasks: `
    - {name: job, shell: "echo out; sleep 0.2", async: 30, poll: 1}`,
    failing: 'job',
  },
  {
    name: 'read by async_status',
    tasks: `
    - {name: job, shell: "echo out; sleep 0.2", async: 30, poll: 0, register: j}
    - {name: let it end, command: sleep 1.5}
    - {name: status, async_status: {jid: "{{ j.ansible_job_id }}"}, register: r, until: r.finished, retries: 3, delay: 1}`,
    failing: 'status',
  },
];

for (const c of cases) {
  test(`a junk async status file, ${c.name}: the task fails at once, saying the outcome is unknown`, async () => {
    const hostsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-junk-'));
    const started = Date.now();
    const run = await runProject({
      hostsDir,
      limit: 'web1',
      files: { 'site.yml': `\n- hosts: web1\n  gather_facts: false\n  tasks:${c.tasks}\n` },
      onEvent: (e) => {
        // Once the job has ended (0.2 s), its rc is replaced with junk before the next read.
        if (e.type === 'async.start') setTimeout(() => fs.writeFileSync(path.join(hostsDir, 'web1', '.playwatch_async', e.jid, 'rc'), `${JUNK}\n`), 800);
      },
    });
    assert.deepEqual(run.results(c.failing), { web1: 'failed' });
    const failed = run.of('host.failed')[0]!;
    assert.match(String(failed.result.msg), /status file is not its own \(rc holds "garbage\\u001b\[2J"\): whether it succeeded is unknown/);
    assert.ok(Date.now() - started < 10_000, 'no wait for the 30 s limit');
    assert.equal(run.exitCode, 2);
  });
}
