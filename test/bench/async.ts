/**
 * Async benchmark (issue 4): three `poll: 0` jobs of 2 s on 20 real sshd
 * hosts, then an `async_status` wait loop for each (`delay: 1`, DESIGN §11).
 * Prints the whole-process wall time of `playwatch run` (target: under 4 s)
 * and, when ansible-playbook is installed, its time on the same playbook.
 *
 *   npm run build && npm run bench async
 */
import fs from 'node:fs';
import path from 'node:path';
import { ansibleRun, fmt, playwatchRun, prepareFleet } from './lib/fleet.js';

const HOSTS = 20;

function writePlaybook(dir: string): string {
  const jobs = ['a', 'b', 'c'];
  const start = jobs.map((j) => `    - {name: start ${j}, command: sleep 2, async: 30, poll: 0, register: job_${j}}\n`).join('');
  const wait = jobs
    .map((j) => `    - name: wait ${j}\n      async_status: jid={{ job_${j}.ansible_job_id }}\n      register: r_${j}\n      until: r_${j}.finished\n      retries: 30\n      delay: 1\n`)
    .join('');
  const file = path.join(dir, 'bench-async.yml');
  fs.writeFileSync(file, `- hosts: fleet\n  gather_facts: false\n  tasks:\n${start}${wait}`);
  return file;
}

const fleet = prepareFleet(HOSTS);
if (!fleet) {
  console.log('skipped: needs root and /usr/sbin/sshd, or PLAYWATCH_FLEET_DIR with 20 hosts');
} else {
  try {
    const playbook = writePlaybook(fleet.dir);
    console.log(`${HOSTS} hosts × 3 async jobs of 2 s (poll: 0), then async_status until finished (delay 1)`);
    const runs = [0, 1, 2].map(() => playwatchRun(fleet.dir, playbook, HOSTS));
    const ok = runs.filter((r): r is number => typeof r === 'number').sort((x, y) => x - y);
    if (!ok.length) console.log(`playwatch: ${runs[0]}`);
    else console.log(`playwatch run -f ${HOSTS}: median ${fmt(ok[Math.floor(ok.length / 2)])} whole process (runs: ${ok.map(fmt).join(', ')}; target < 4 s)`);
    // The fleet gives each host its own HOME, which ansible's async_status does
    // not follow (it looks under the passwd home): one absolute async dir for all.
    const an = ansibleRun(fleet.dir, playbook, HOSTS, { ansible_async_dir: path.join(fleet.dir, 'ansible_async') });
    console.log(`ansible-playbook -f ${HOSTS}: ${typeof an === 'number' ? `${fmt(an)} whole process` : an}`);
  } finally {
    fleet.down();
  }
}
