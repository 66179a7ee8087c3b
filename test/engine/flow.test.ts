/**
 * group_by, add_host, meta and set_stats on the real engine (local
 * transport), with ansible-core 2.14's semantics; test/system/recap-parity
 * runs fixtures/contract/flow-*.yml through ansible-playbook as the oracle.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Transport } from '../../src/transport/types.js';
import { updateCustom } from '../../src/engine/flow.js';
import { debugMsgs, runProject, type TestRun } from '../helpers/run.js';

const play = (tasks: string, head = '- hosts: all\n  gather_facts: false\n') => `${head}  tasks:\n${tasks}`;

/** The hosts that ran the task named `name` (any result). */
const ranOn = (run: TestRun, name: string) => Object.keys(run.results(name)).sort();

// ---------------------------------------------------------------- group_by

/** A group_by task on every host, then a play over a pattern: what changed, and who the pattern reaches. */
const GROUP_BY: Array<[what: string, task: string, results: Record<string, string>, pattern: string, reached: string[]]> = [
  ['a group per value, under all', 'group_by: key=tier_{{ group_names[0] }}', { web1: 'changed', web2: 'changed', db1: 'changed' }, 'tier_web', ['web1', 'web2']],
  ['with parents, which are patterns too', 'group_by: {key: "k_{{ inventory_hostname }}", parents: [site]}', { web1: 'changed', web2: 'changed', db1: 'changed' }, 'site:!k_db1', ['web1', 'web2']],
  ['into a group the host is already in: ok', 'group_by: key=web', { web1: 'ok', web2: 'ok', db1: 'changed' }, 'web', ['web1', 'web2', 'db1']],
  ['spaces become dashes', 'group_by: {key: "two words"}', { web1: 'changed', web2: 'changed', db1: 'changed' }, 'two-words', ['web1', 'web2', 'db1']],
  ['skipped where when is false', 'group_by: key=some\n      when: inventory_hostname != "db1"', { web1: 'changed', web2: 'changed', db1: 'skipped' }, 'some', ['web1', 'web2']],
];

for (const [what, task, results, pattern, reached] of GROUP_BY) {
  test(`group_by ${what}`, async () => {
    const run = await runProject({
      files: { 'site.yml': `${play(`    - name: grouping\n      ${task}\n`)}\n- hosts: "${pattern}"\n  gather_facts: false\n  tasks:\n    - name: later\n      command: "true"\n` },
    });
    assert.deepEqual(run.results('grouping'), results);
    assert.deepEqual(ranOn(run, 'later'), reached.sort());
  });
}

test('group_by: group_names, groups and group vars follow within the play', async () => {
  const run = await runProject({
    files: {
      'group_vars/made.yml': 'colour: red\n',
      'site.yml': play(`    - group_by: key=made
      when: inventory_hostname == 'web2'
    - name: show
      debug:
        msg: "{{ group_names }} {{ groups.made | default([]) }} {{ colour | default('-') }}"
`),
    },
  });
  assert.deepEqual(debugMsgs(run, 'show'), {
    web1: "['web'] ['web2'] -",
    web2: "['made', 'web'] ['web2'] red",
    db1: "['db'] ['web2'] -",
  });
});

// ---------------------------------------------------------------- add_host

test('add_host runs once for the play, on its first host; only that host registers the result', async () => {
  const run = await runProject({
    files: {
      'site.yml': play(`    - name: add
      add_host: {name: new1, groups: [added], ansible_connection: local, colour: blue}
      register: added
    - name: show
      debug:
        msg: "{{ added.add_host if added is defined else 'none' }}"
`),
    },
  });
  assert.deepEqual(run.results('add'), { web1: 'changed' });
  assert.deepEqual(debugMsgs(run, 'show'), {
    web1: { host_name: 'new1', groups: ['added'], host_vars: { ansible_connection: 'local', colour: 'blue' } },
    web2: 'none',
    db1: 'none',
  });
});

/** add_host tasks in a row: changed only when the inventory changed. */
const ADD_HOST: Array<[what: string, args: string, result: string]> = [
  ['a new host', '{name: n1, ansible_connection: local}', 'changed'],
  ['the same again', '{name: n1, ansible_connection: local}', 'ok'],
  ['a new var', '{name: n1, ansible_connection: local, x: 1}', 'changed'],
  ['a new group', '{name: n1, groups: g1}', 'changed'],
  ['a group it is in', '{name: n1, groups: g1}', 'ok'],
  ['an inventory host into a group', '{name: db1, groups: web}', 'changed'],
  ['an inventory host into its own group', '{name: db1, groups: db}', 'ok'],
];

test('add_host is changed only when the inventory changes', async () => {
  const tasks = ADD_HOST.map(([what, args]) => `    - name: ${what}\n      add_host: ${args}\n`).join('');
  const run = await runProject({ files: { 'site.yml': play(tasks) } });
  for (const [what, , result] of ADD_HOST) assert.deepEqual(run.results(what), { web1: result }, what);
});

test('hosts added mid-play are targetable by later plays, with their vars, groups and port, and count in the recap', async () => {
  const run = await runProject({
    files: {
      'site.yml': `${play(`    - name: add
      add_host:
        name: "x_{{ item }}:{{ 2200 + index }}"
        groups: [added, "by_{{ item }}"]
        ansible_connection: local
        colour: blue
      loop: "{{ ansible_play_hosts }}"
      loop_control: {index_var: index}
    - name: play hosts now
      debug:
        msg: "{{ ansible_play_hosts_all }}"
      run_once: true
`)}
- hosts: by_web2:by_db1
  gather_facts: false
  tasks:
    - name: on the new hosts
      command: echo {{ colour }} {{ ansible_ssh_port }} {{ group_names | join(',') }}
      register: out
    - name: show
      debug:
        msg: "{{ out.stdout }}"
`,
    },
  });
  assert.deepEqual(debugMsgs(run, 'play hosts now'), { web1: ['web1', 'web2', 'db1', 'x_web1', 'x_web2', 'x_db1'] });
  assert.deepEqual(debugMsgs(run, 'show'), { x_web2: 'blue 2201 added,by_web2', x_db1: 'blue 2202 added,by_db1' });
  assert.deepEqual(run.stats.x_web2, { ok: 2, changed: 1, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 });
  assert.equal(run.stats.x_web1, undefined, 'a host no play targeted has no recap line');
});

test('add_host reads when on the first host only, as ansible-core does', async () => {
  const run = await runProject({
    files: { 'site.yml': `${play(`    - name: add
      add_host: {name: n1, groups: g}
      when: inventory_hostname == 'web2'
`)}\n- hosts: g\n  gather_facts: false\n  tasks:\n    - {name: later, command: "true"}\n` },
  });
  assert.deepEqual(run.results('add'), { web1: 'skipped' });
  assert.deepEqual(run.results('later'), {});
});

test("add_host under strategy: free is refused before the play starts, as ansible-core refuses it", async () => {
  await assert.rejects(
    runProject({ files: { 'site.yml': play('    - add_host: name=n1\n', '- hosts: all\n  gather_facts: false\n  strategy: free\n') } }),
    /site\.yml:5:7: the 'add_host' module bypasses the host loop, which the free strategy does not support/,
  );
});

test('group_by and add_host change the inventory in check mode too, as in ansible-core', async () => {
  const run = await runProject({
    check: true,
    files: { 'site.yml': `${play('    - {name: group, group_by: key=checked}\n    - {name: add, add_host: {name: n1, groups: checked, ansible_connection: local}}\n')}
- hosts: checked
  gather_facts: false
  tasks:
    - {name: later, debug: msg=hi}
` },
  });
  assert.deepEqual(run.results('group'), { web1: 'changed', web2: 'changed', db1: 'changed' });
  assert.deepEqual(run.results('add'), { web1: 'changed' });
  assert.deepEqual(ranOn(run, 'later'), ['db1', 'n1', 'web1', 'web2']);
});

// ---------------------------------------------------------------- meta

/** One play per case; `after` is a task that follows the meta. Which hosts ran it, and the exit code. */
const META: Array<[what: string, head: string, tasks: string, after: string[], exitCode: number]> = [
  ['end_host ends the hosts whose when is true', '', '    - meta: end_host\n      when: "\'web\' in group_names"\n', ['db1'], 0],
  ['end_play ends the play for every host, whichever host said so', '', '    - meta: end_play\n      when: inventory_hostname == "web1"\n', [], 0],
  ['end_play reads when on the first host only', '', '    - meta: end_play\n      when: inventory_hostname == "web2"\n', ['db1', 'web1', 'web2'], 0],
  ['end_batch ends this batch; the next one runs', '  serial: 2\n', '    - meta: end_batch\n      when: inventory_hostname == "web1"\n', ['db1'], 0],
  ['end_play under serial ends every batch', '  serial: 1\n', '    - meta: end_play\n', [], 0],
  ['noop does nothing, and ignores when', '', '    - meta: noop\n      when: false\n', ['db1', 'web1', 'web2'], 0],
  ['clear_host_errors: a failed host stays out of this play, its failure no longer sets the exit code',
    '', '    - {name: fail, command: "false", when: inventory_hostname == "web1"}\n    - meta: clear_host_errors\n', ['db1', 'web2'], 0],
  ['without clear_host_errors the failure sets the exit code', '', '    - {name: fail, command: "false", when: inventory_hostname == "web1"}\n', ['db1', 'web2'], 2],
];

for (const [what, head, tasks, after, exitCode] of META) {
  test(`meta: ${what}`, async () => {
    const run = await runProject({
      files: { 'site.yml': play(`${tasks}    - {name: after, command: "true"}\n`, `- hosts: all\n  gather_facts: false\n${head}`) },
    });
    assert.deepEqual(ranOn(run, 'after'), after);
    assert.equal(run.exitCode, exitCode);
  });
}

test('meta: a when-false meta is skipped on the host that read it, and PLAY RECAP does not count it', async () => {
  const run = await runProject({
    files: { 'site.yml': play('    - {name: maybe end, meta: end_play, when: false}\n    - {name: maybe flush, meta: flush_handlers, when: false}\n') },
  });
  assert.deepEqual(run.results('maybe end'), { web1: 'skipped' });
  assert.deepEqual(run.results('maybe flush'), { web1: 'skipped', web2: 'skipped', db1: 'skipped' });
  const skip = run.of('host.skipped').find((e) => e.task.name === 'maybe end')!;
  assert.equal(skip.result.skip_reason, 'end_play conditional evaluated to False, continuing play');
  for (const s of Object.values(run.stats)) assert.equal(s.skipped, 0);
  // Each meta has its banner, and prints nothing else.
  assert.match(run.plain, /TASK \[maybe end\] \*+\n[^\n]*\nskipping: \[web1\]\n/);
});

test('meta: an ended host runs no handlers, the others do; clear_host_errors brings a failed host back in the next play', async () => {
  const run = await runProject({
    files: {
      'site.yml': `${play(`    - {name: change, command: "true", notify: h}
    - {name: fail, command: "false", when: inventory_hostname == "db1"}
    - {meta: end_host, when: inventory_hostname == "web2"}
    - meta: clear_host_errors
  handlers:
    - {name: h, command: "true"}
`)}
- hosts: all
  gather_facts: false
  tasks:
    - {name: next play, command: "true"}
`,
    },
  });
  assert.deepEqual(run.results('h'), { web1: 'changed' });
  assert.deepEqual(ranOn(run, 'next play'), ['db1', 'web1', 'web2']);
  assert.equal(run.exitCode, 0);
});

test('meta: clear_host_errors in a block\'s always lets the failed hosts go on', async () => {
  const run = await runProject({
    files: { 'site.yml': play(`    - block:
        - {name: fail, command: "false", when: inventory_hostname == "web1"}
      always:
        - meta: clear_host_errors
    - {name: after, command: "true"}
`) },
  });
  assert.deepEqual(ranOn(run, 'after'), ['db1', 'web1', 'web2']);
  assert.equal(run.exitCode, 0);
});

test('meta: flush_handlers reads when per host; clear_facts clears gathered facts, not set_fact', async () => {
  const run = await runProject({
    files: {
      'site.yml': play(`    - setup: {gather_subset: [min]}
    - set_fact: {mine: 1}
    - {name: change, command: "true", notify: h}
    - {meta: flush_handlers, when: inventory_hostname == "web2"}
    - {name: between, command: "true"}
    - meta: clear_facts
    - name: show
      debug:
        msg: "{{ ansible_facts.hostname | default('cleared') }} {{ mine }}"
  handlers:
    - {name: h, command: "true"}
`),
    },
  });
  const order = run.events.filter((e) => (e.type === 'host.ok' && e.task.name === 'h') || (e.type === 'task.start' && e.task.name === 'between'));
  const seen = order.map((e) => (e.type === 'host.ok' ? `h@${e.host}` : 'between'));
  assert.deepEqual(seen.slice(0, 2), ['h@web2', 'between']);
  assert.deepEqual(seen.slice(2).sort(), ['h@db1', 'h@web1']);
  assert.deepEqual(debugMsgs(run, 'show'), { web1: 'cleared 1', web2: 'cleared 1', db1: 'cleared 1' });
});

test('meta: noop, refresh_inventory and reset_connection ignore when, with a warning', async () => {
  const run = await runProject({ files: { 'site.yml': play('    - {meta: noop, when: false}\n    - {meta: reset_connection, when: false}\n') } });
  assert.deepEqual(run.of('warning').map((w) => w.message), [
    'noop task does not support when conditional',
    'reset_connection task does not support when conditional',
  ]);
});

test('meta: reset_connection closes the host connections, and the next task connects again', async () => {
  const connects: Record<string, number> = {};
  const closes: Record<string, number> = {};
  const wrap = (t: Transport, host: string): Transport =>
    Object.assign(Object.create(t) as Transport, {
      connect: async () => {
        connects[host] = (connects[host] ?? 0) + 1;
        return t.connect();
      },
      close: async () => {
        closes[host] = (closes[host] ?? 0) + 1;
        return t.close();
      },
    });
  const run = await runProject({
    wrapTransport: wrap,
    files: { 'site.yml': play('    - {name: before, command: "true"}\n    - meta: reset_connection\n    - {name: after, command: "true"}\n', '- hosts: web\n  gather_facts: false\n') },
  });
  assert.deepEqual(ranOn(run, 'after'), ['web1', 'web2']);
  assert.deepEqual(connects, { web1: 2, web2: 2 });
  assert.deepEqual(closes, { web1: 2, web2: 2 }, 'once by the reset, once at the end of the run');
});

test('meta: refresh_inventory reads the inventory again and keeps the hosts add_host added', async () => {
  const run = await runProject({
    files: {
      'site.yml': `${play(`    - add_host: {name: n1, groups: extra, ansible_connection: local}
    - name: a new host in the inventory file
      shell: printf '[late]\\nweb9\\n' >> {{ playbook_dir }}/inventory.ini
      run_once: true
    - meta: refresh_inventory
`, '- hosts: web1\n  gather_facts: false\n')}
- hosts: late:extra
  gather_facts: false
  tasks:
    - {name: later, command: "true"}
`,
    },
  });
  assert.deepEqual(ranOn(run, 'later'), ['n1', 'web9']);
});

test('meta: ansible_play_hosts and ansible_play_batch leave out failed hosts and hosts ended in this batch', async () => {
  const run = await runProject({
    files: {
      'site.yml': play(`    - {name: fail, command: "false", when: inventory_hostname == "web1"}
    - {meta: end_host, when: inventory_hostname == "web2"}
    - name: show
      debug:
        msg: "{{ ansible_play_hosts }} {{ ansible_play_batch }} {{ play_hosts }} {{ ansible_play_hosts_all }}"
`, '- hosts: all\n  gather_facts: false\n  serial: 2\n'),
    },
  });
  assert.deepEqual(debugMsgs(run, 'show'), { db1: "['web2', 'db1'] ['db1'] ['db1'] ['web1', 'web2', 'db1']" });
});

// ---------------------------------------------------------------- set_stats

/** ansible-core's AggregateStats: [kept, given, aggregate] → what is kept after. */
const AGGREGATE: Array<[kept: unknown, given: unknown, aggregate: boolean, after: unknown]> = [
  [undefined, 1, true, 1],
  [1, 2, true, 3],
  ['a', 'b', true, 'ab'],
  [[1], [2], true, [1, 2]],
  [{ a: { x: 1 }, b: 1 }, { a: { y: 2 }, b: 2 }, true, { a: { x: 1, y: 2 }, b: 2 }],
  [1, 'x', true, 1],
  [[1], { a: 1 }, true, [1]],
  [1, 5, false, 5],
  [{ a: 1 }, [1], false, [1]],
];

test('set_stats adds values up as ansible-core does: numbers add, strings and lists join, mappings merge, another type is ignored', () => {
  for (const [kept, given, aggregate, after] of AGGREGATE) {
    const custom: Record<string, Record<string, unknown>> = kept === undefined ? {} : { _run: { k: kept } };
    updateCustom(custom, '_run', 'k', given, aggregate);
    assert.deepEqual(custom._run!.k, after, `${JSON.stringify(kept)} + ${JSON.stringify(given)} (aggregate ${aggregate})`);
  }
});

test('set_stats: run.end carries the custom stats, per host or for the run; a failed or skipped task adds nothing', async () => {
  const run = await runProject({
    files: {
      'site.yml': play(`    - set_stats: {data: {hosts: 1, names: ["{{ inventory_hostname }}"]}}
    - set_stats: {data: {mine: "{{ inventory_hostname }}"}, per_host: true}
    - set_stats: {data: {once: 1}, per_host: true}
      run_once: true
    - set_stats: {data: {skipped: 1}}
      when: false
    - set_stats: {data: {failed: 1}}
      failed_when: true
      ignore_errors: true
`),
    },
  });
  const end = run.of('run.end')[0]!;
  assert.deepEqual(end.custom, {
    _run: { hosts: 3, names: ['web1', 'web2', 'db1'] },
    web1: { mine: 'web1', once: 1 },
    web2: { mine: 'web2', once: 1 },
    db1: { mine: 'db1', once: 1 },
  });
  assert.deepEqual(run.results('set_stats'), { web1: 'ignored', web2: 'ignored', db1: 'ignored' });
});

test('set_stats: a run that sets none has no custom stats in run.end', async () => {
  const run = await runProject({ files: { 'site.yml': play('    - command: "true"\n') } });
  assert.equal('custom' in run.of('run.end')[0]!, false);
});
