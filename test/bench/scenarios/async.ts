/**
 * Scenario 2, async: H hosts × 3 `sleep 2` jobs started with `poll: 0`, then
 * an `async_status` wait loop for each (delay 1). Target: within 1.5× of the
 * 2 s job plus the floor (the floor program starting, connecting and
 * running the 6 commands: 3 starts, 3 polls).
 */
import path from 'node:path';
import { atMost } from '../lib/targets.js';
import { runAnsible, runFloor, runPlaywatch } from '../lib/runners.js';
import { interleave, pick, type Scenario, type Variant } from '../lib/scenario.js';
import { ratio, summarize } from '../lib/stats.js';
import type { Row, Target } from '../lib/types.js';
import { workspace } from '../lib/workspace.js';

const JOB_S = 2;
const hostsFor = (quick: boolean) => (quick ? 5 : 20);

function tasks(): string[] {
  const jobs = ['a', 'b', 'c'];
  return [
    ...jobs.map((j) => `- {name: start ${j}, command: sleep ${JOB_S}, async: 30, poll: 0, register: job_${j}}`),
    ...jobs.map((j) => `- name: wait ${j}\n  async_status: jid={{ job_${j}.ansible_job_id }}\n  register: r_${j}\n  until: r_${j}.finished\n  retries: 30\n  delay: 1`),
  ];
}

export const asyncJobs: Scenario = {
  name: 'async',
  title: '2. Async: 3 `sleep 2` jobs per host (poll: 0), then async_status until finished',
  inDefault: true,
  fleet: (o) => hostsFor(o.quick),
  estimateS: (o, ansible) => o.runs * 5 + (ansible && !o.quick ? o.ansibleRuns * 25 : 0),
  async run(ctx) {
    const hosts = hostsFor(ctx.opts.quick);
    const ws = await workspace(ctx.fleetDir, { names: hosts });
    try {
      const playbook = ws.playbook('async.yml', tasks());
      const variants: Variant[] = [
        { name: 'floor', runs: ctx.opts.runs, once: () => runFloor(ws, 6) },
        { name: 'playwatch', runs: ctx.opts.runs, once: () => runPlaywatch(ws, playbook, hosts) },
      ];
      // Quick mode leaves ansible out here: its async run alone takes ~25 s.
      const withAnsible = ctx.ansible && !ctx.opts.quick;
      // The fleet gives each host its own HOME, which ansible's async_status does not follow: one absolute async dir for all.
      if (withAnsible) variants.push({ name: 'ansible', runs: ctx.opts.ansibleRuns, once: () => runAnsible(ws, playbook, hosts, 'defaults', { ansible_async_dir: path.join(ws.dir, 'ansible_async') }) });
      const runs = await interleave(ctx, `async ${hosts} hosts`, variants);
      const wall = (n: string) => summarize(pick(runs.get(n), (m) => m.wallMs / 1000));
      const fl = wall('floor');
      const pw = wall('playwatch');
      const an = withAnsible ? wall('ansible') : undefined;
      const bound = fl ? 1.5 * (JOB_S + fl.median) : NaN;
      const target: Target | undefined = fl
        ? atMost(bound, `≤ ${bound.toFixed(2)} s (1.5 × (2 s + floor))`, 'the wait loop polls each job once a second (delay: 1) and the jobs start one task after another; a first poll sooner after the job\'s expected end, or fewer round trips per poll, would close it.')
        : undefined;
      const sc = 'async';
      return [
        { scenario: sc, measure: `${hosts}×3 jobs playwatch`, unit: 's', figure: pw, target },
        { scenario: sc, measure: `${hosts}×6 floor (6 commands, no jobs)`, unit: 's', figure: fl },
        { scenario: sc, measure: `${hosts}×3 jobs ansible-playbook defaults`, unit: 's', figure: an, ...(an ? {} : { note: ctx.ansible ? 'not run in --quick' : 'not installed' }) },
        { scenario: sc, measure: `${hosts}×3 jobs ansible ÷ playwatch`, unit: '×', figure: ratio(an, pw), derived: true, ...(an ? {} : { note: '—' }) },
      ] satisfies Row[];
    } finally {
      ws.close();
    }
  },
};
