import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serialBatches, pctToInt } from '../../src/engine/batches.js';
import { runProject, type TestRun } from '../helpers/run.js';

const hosts = (n: number) => Array.from({ length: n }, (_, i) => `h${i + 1}`);
const sizes = (n: number, serial: unknown) => serialBatches(hosts(n), serial).map((b) => b.length);

// Expected sizes worked out with ansible-core's _get_serialized_batches and
// pct_to_int (int(pct/100 * total) or 1; the last list entry repeats).
const SERIAL_TABLE: Array<[number, unknown, number[]]> = [
  [10, undefined, [10]],
  [10, 0, [10]],
  [10, 3, [3, 3, 3, 1]],
  [10, '30%', [3, 3, 3, 1]],
  [10, '25%', [2, 2, 2, 2, 2]],
  [4, '10%', [1, 1, 1, 1]],
  [10, [1, '25%', '100%'], [1, 2, 7]],
  [20, [1, '25%', '100%'], [1, 5, 14]],
  [3, [1, '25%', '100%'], [1, 1, 1]],
  [10, [2, 5], [2, 5, 3]],
  [7, ['50%'], [3, 3, 1]],
  [5, [1, 0], [1, 4]],
  [5, -1, [5]],
];

for (const [n, serial, want] of SERIAL_TABLE) {
  test(`serial ${JSON.stringify(serial)} on ${n} hosts gives batches of ${want.join(', ')}`, () => {
    assert.deepEqual(sizes(n, serial), want);
  });
}

test('percentages round down but never below one, as pct_to_int does', () => {
  assert.equal(pctToInt('50%', 4), 2);
  assert.equal(pctToInt('10%', 4), 1);
  assert.equal(pctToInt('99%', 10), 9);
  assert.equal(pctToInt(3, 100), 3);
});

const SIX = `[web]
w[1:6]
[all:vars]
ansible_connection=local
`;

test('serial runs the whole play batch by batch, handlers included', async () => {
  const run = await runProject({
    files: {
      'inventory.ini': SIX,
      'site.yml': `
- hosts: web
  gather_facts: false
  serial: 2
  tasks:
    - {name: a, command: "true", notify: h}
    - {name: b, command: "true"}
  handlers:
    - {name: h, command: "true"}
`,
    },
  });
  assert.deepEqual(run.of('batch.start').map((b) => b.hosts), [['w1', 'w2'], ['w3', 'w4'], ['w5', 'w6']]);
  const order = run.events.filter((e) => e.type === 'task.start' || e.type === 'handler.start').map((e) => ('task' in e ? e.task.name : ''));
  assert.deepEqual(order, ['a', 'b', 'h', 'a', 'b', 'h', 'a', 'b', 'h']);
});

const failOn = (list: string[]) => `
    - name: maybe fail
      command: "false"
      when: inventory_hostname in ${JSON.stringify(list)}
    - {name: after, command: "true"}`;

test('max_fail_percentage stops the play only when failures are strictly above it, per batch', async () => {
  const play = (pct: number, failing: string[]) => `
- hosts: web
  gather_facts: false
  serial: 3
  max_fail_percentage: ${pct}
  tasks:${failOn(failing)}
- hosts: web
  gather_facts: false
  tasks:
    - {name: second play, command: "true"}
`;
  // 1 of 3 is 33.3% > 30: the play stops after the first batch, and the run with it.
  const over = await runProject({ files: { 'inventory.ini': SIX, 'site.yml': play(30, ['w1']) } });
  assert.deepEqual(Object.keys(over.results('after')), []);
  assert.equal(over.of('batch.start').length, 1);
  assert.deepEqual(over.results('second play'), {});
  assert.match(over.plain, /max_fail_percentage 30% exceeded/);
  // 1 of 3 is not above 34: everything goes on; w1 alone is out.
  const under = await runProject({ files: { 'inventory.ini': SIX, 'site.yml': play(34, ['w1']) } });
  assert.deepEqual(Object.keys(under.results('after')).sort(), ['w2', 'w3', 'w4', 'w5', 'w6']);
  assert.equal(under.of('batch.start').length, 2 + 1);
  // Counted per batch: one failure in each batch (33%) stays under 34%.
  const spread = await runProject({ files: { 'inventory.ini': SIX, 'site.yml': play(34, ['w1', 'w4']) } });
  assert.deepEqual(Object.keys(spread.results('after')).sort(), ['w2', 'w3', 'w5', 'w6']);
});

test('any_errors_fatal stops every host at the first failure or unreachable host', async () => {
  const run = await runProject({
    files: {
      'inventory.ini': SIX,
      'site.yml': `
- hosts: web
  gather_facts: false
  any_errors_fatal: true
  tasks:${failOn(['w2'])}
`,
    },
  });
  assert.deepEqual(run.results('after'), {});
  assert.equal(run.stats.w2.failed, 1);
  assert.equal(run.stats.w1.failed, 0);
  assert.equal(run.exitCode, 2);
});

test('a batch in which every host fails stops the run', async () => {
  const run = await runProject({
    files: {
      'inventory.ini': SIX,
      'site.yml': `
- hosts: web
  gather_facts: false
  serial: 2
  tasks:${failOn(['w1', 'w2'])}
`,
    },
  });
  assert.equal(run.of('batch.start').length, 1);
});

test('strategy free lets a fast host run ahead of a slow one', async () => {
  const run = await runProject({
    files: {
      'site.yml': `
- hosts: web
  gather_facts: false
  strategy: free
  tasks:
    - name: first
      command: sleep {{ '0.8' if inventory_hostname == 'web2' else '0' }}
    - {name: second, command: "true"}
`,
    },
  });
  const endOf = (task: string, host: string) => run.events.find((e) => e.type === 'host.ok' && e.task.name === task && e.host === host)!.at;
  assert.ok(endOf('second', 'web1') < endOf('first', 'web2'), 'web1 finished both tasks while web2 was still in the first');
});

const FLEET12 = (() => {
  const lines = ['[app]'];
  const groups = ['a', 'b', 'c'];
  for (let i = 0; i < 12; i++) lines.push(`n${String(i + 1).padStart(2, '0')} servicefamily=web servicegroup=${groups[i % 3]}`);
  return [...lines, '[all:vars]', 'ansible_connection=local', ''].join('\n');
})();

/** Busy intervals per host: first host.start to last result in the play. */
function busy(run: TestRun): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  for (const e of run.events) {
    if (!('host' in e) || !('task' in e)) continue;
    const cur = out.get(e.host);
    out.set(e.host, cur ? [cur[0], Math.max(cur[1], e.at)] : [e.at, e.at]);
  }
  return out;
}

function maxOverlap(intervals: Array<[number, number]>): number {
  const points = intervals.flatMap(([a, b]) => [[a, 1], [b, -1]] as Array<[number, number]>).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let cur = 0;
  let max = 0;
  for (const [, d] of points) max = Math.max(max, (cur += d));
  return max;
}

const budgeted = (max: string | number, extra = '') => `
- hosts: app
  gather_facts: false
  max_concurrent_per: "{{ servicefamily }}-{{ servicegroup }}"
  max_concurrent: ${max}
  tasks:
    - {name: stop, command: sleep 0.15}
    - {name: start, command: "true", notify: restart}${extra}
  handlers:
    - {name: restart, command: sleep 0.05}
`;

test('max_concurrent 1 never has two hosts of a group busy at once, and groups run in parallel', async () => {
  const run = await runProject({ forks: 10, files: { 'inventory.ini': FLEET12, 'site.yml': budgeted(1) } });
  assert.equal(run.exitCode, 0);
  const b = busy(run);
  for (const g of ['a', 'b', 'c']) {
    const members = [...b.keys()].filter((h) => (Number(h.slice(1)) - 1) % 3 === ['a', 'b', 'c'].indexOf(g));
    assert.equal(members.length, 4);
    assert.equal(maxOverlap(members.map((h) => b.get(h)!)), 1, `group ${g} ran one host at a time`);
  }
  assert.equal(maxOverlap([...b.values()]), 3, 'the three groups ran side by side');
  const last = run.of('group.update').filter((e) => e.key === 'web-a').at(-1)!;
  assert.deepEqual([last.busy, last.done, last.failed, last.allowed], [0, 4, 0, 1]);
});

test('max_concurrent 50% lets two hosts of a group of four work at once', async () => {
  const run = await runProject({ forks: 10, files: { 'inventory.ini': FLEET12, 'site.yml': budgeted('"50%"') } });
  const b = busy(run);
  const groupA = ['n01', 'n04', 'n07', 'n10'];
  assert.equal(maxOverlap(groupA.map((h) => b.get(h)!)), 2);
  assert.equal(run.of('group.update').find((e) => e.key === 'web-a')!.allowed, 2);
});

test("a failure in one group cancels that group's hosts that have not started; other groups finish", async () => {
  const run = await runProject({
    forks: 10,
    files: {
      'inventory.ini': FLEET12,
      'site.yml': budgeted(1, `
    - name: break the first of group a
      command: "false"
      when: inventory_hostname == 'n01'`),
    },
  });
  assert.deepEqual(run.of('host.cancelled').map((e) => e.host).sort(), ['n04', 'n07', 'n10']);
  const finished = Object.keys(run.results('start')).sort();
  assert.deepEqual(finished, ['n01', 'n02', 'n03', 'n05', 'n06', 'n08', 'n09', 'n11', 'n12']);
  assert.equal(run.stats.n04.cancelled, 1);
  assert.match(run.plain, /cancelled=1/);
  assert.match(run.plain, /group web-a: 0\/1 busy, 0 done, 1 failed, 3 cancelled/);
  assert.equal(run.exitCode, 2);
});
