/**
 * Every view of one real run tells the same time: the plain output, run.log,
 * summary.json and the TUI's final view, all fed by the real engine over
 * the local transport, list each task with the time its slowest host took
 * (never profile_tasks' gap between two task starts), and the TUI's final
 * recap is run.log's, line for line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTuiPresenter } from '../../src/cli/tui.js';
import { RunControl } from '../../src/engine/control.js';
import { initialState, profileTimeline, reduce, type Reporter, type RunEvent } from '../../src/events/index.js';
import { createRunLog } from '../../src/reporters/run-log.js';
import { SummaryCollector, type RunSummary } from '../../src/reporters/run-summary.js';
import { runProject, type TestRun } from '../helpers/run.js';
import { fakeTerminal } from '../helpers/terminal.js';


interface Views {
  run: TestRun;
  plain: string;
  runLog: string;
  summary: RunSummary;
  /** What the TUI left on the terminal after the run. */
  tui: string;
}

/** Runs `site.yml` for real with run.log, summary.json and the TUI presenter listening live. */
async function runWithViews(files: Record<string, string>): Promise<Views> {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-views-'));
  const { out, input } = fakeTerminal();
  const tui = createTuiPresenter({
    control: new RunControl(),
    stdout: out as unknown as NodeJS.WriteStream,
    stdin: input as unknown as NodeJS.ReadStream,
    playbook: 'site.yml',
    frameMs: 50,
  });
  const summary = new SummaryCollector({ runDir });
  const listeners: Reporter[] = [createRunLog({ runDir }), summary, tui.reporter];
  const run = await runProject({ files, onEvent: (e: RunEvent) => listeners.forEach((l) => l.onEvent(e)) });
  for (const l of listeners) await l.close?.();
  await tui.done();
  return {
    run,
    plain: run.plain,
    runLog: fs.readFileSync(path.join(runDir, 'run.log'), 'utf8'),
    summary: JSON.parse(fs.readFileSync(path.join(runDir, 'summary.json'), 'utf8')) as RunSummary,
    tui: out.chunks.join('').slice(out.chunks.join('').lastIndexOf('PLAY RECAP')),
  };
}

/** TASKS RECAP rows of a text: label → seconds. */
function recapSeconds(text: string): Map<string, number> {
  const rows = new Map<string, number>();
  const start = text.indexOf('TASKS RECAP');
  for (const line of text.slice(start, text.indexOf('ROLE RECAP', start)).split('\n')) {
    const m = /^(.+?) -+ (\d+\.\d\d)s(?: {2}\(.*\))?$/.exec(line);
    if (m) rows.set(m[1]!, Number(m[2]));
  }
  return rows;
}

/** From the TASKS RECAP banner to the ROLE RECAP total, as printed. */
function recapBlock(text: string): string {
  const start = text.indexOf('TASKS RECAP');
  const total = text.indexOf('\ntotal ', start);
  return text.slice(start, text.indexOf('\n', total + 1));
}

const FREE = {
  'inventory.ini': `[all]
h1 nap=2.5
h2 nap=0
h3 nap=0
h4 nap=0
[all:vars]
ansible_connection=local
`,
  'site.yml': `
- hosts: all
  strategy: free
  gather_facts: false
  roles: [app]
`,
  'roles/app/tasks/main.yml': `
- name: Nap
  command: sleep {{ nap }}
- name: Trivial one
  debug: {msg: one}
- name: Trivial two
  set_fact: {done: true}
`,
};

test('under strategy free every view lists the sleep at its own time and each trivial task at its own', async () => {
  const v = await runWithViews(FREE);
  assert.equal(v.run.exitCode, 0);
  const trivial = ['app | Trivial one', 'app | Trivial two'];
  for (const [view, text] of [['plain', v.plain], ['run.log', v.runLog], ['tui', v.tui]] as const) {
    const rows = recapSeconds(text);
    assert.deepEqual([...rows.keys()].sort(), ['app | Nap', ...trivial], `${view}: one row per task`);
    assert.ok(rows.get('app | Nap')! >= 2.4, `${view}: Nap ${rows.get('app | Nap')}`);
    for (const t of trivial) assert.ok(rows.get(t)! <= 0.5, `${view}: ${t} ${rows.get(t)}`);
  }
  const tasks = new Map(v.summary.tasks.map((t) => [t.name, t]));
  assert.ok(tasks.get('Nap')!.seconds >= 2.4);
  assert.equal(tasks.get('Nap')!.hosts, 4);
  for (const t of ['Trivial one', 'Trivial two']) {
    assert.ok(tasks.get(t)!.seconds <= 0.5, `summary.json: ${t} ${tasks.get(t)!.seconds}`);
    // The wall span reaches over h1's sleep: it is shown beside the time, not as it.
    const at = v.run.events.filter((e) => 'task' in e && e.task.name === t && (e.type === 'host.start' || e.type === 'host.ok')).map((e) => e.at);
    assert.equal(tasks.get(t)!.spanSeconds, Math.round(Math.max(...at) - Math.min(...at)) / 1000);
    assert.ok(tasks.get(t)!.spanSeconds > tasks.get(t)!.seconds);
  }
  assert.equal(recapBlock(v.tui), recapBlock(v.runLog));
  assert.match(recapBlock(v.tui), /^ROLE RECAP/m);
  // The TUI's live timeline: one row per task, not one per host.
  const state = v.run.events.reduce(reduce, initialState());
  const rows = profileTimeline(state.profile).filter((e) => e.kind === 'task');
  assert.deepEqual(rows.map((e) => e.name), ['Nap', 'Trivial one', 'Trivial two']);
  assert.ok(rows.every((e) => !e.running));
});

test('under serial: 2 a task\'s time is its slowest host in each batch, summed, with the batch count', async () => {
  const v = await runWithViews({
    'inventory.ini': `[all]
h1 nap=0.6
h2 nap=0
h3 nap=0
h4 nap=0.4
[all:vars]
ansible_connection=local
`,
    'site.yml': `
- hosts: all
  serial: 2
  gather_facts: false
  tasks:
    - name: Nap
      command: sleep {{ nap }}
`,
  });
  assert.equal(v.run.exitCode, 0);
  // By hand from the events: each batch's slowest host run, summed.
  const starts = new Map<string, number>();
  const batchMax: number[] = [];
  for (const e of v.run.events) {
    if (e.type === 'batch.start') batchMax.push(0);
    if (e.type === 'host.start') starts.set(e.host, e.at);
    if (e.type === 'host.ok' && e.item === undefined) {
      batchMax[batchMax.length - 1] = Math.max(batchMax.at(-1)!, e.at - starts.get(e.host)!);
    }
  }
  assert.equal(batchMax.length, 2);
  const want = Math.round(batchMax[0]! + batchMax[1]!) / 1000;
  const nap = v.summary.tasks.find((t) => t.name === 'Nap')!;
  assert.equal(nap.seconds, want);
  assert.ok(nap.seconds >= 1.0, `0.6 s + 0.4 s: ${nap.seconds}`);
  assert.equal(nap.batches, 2);
  assert.equal(nap.hosts, 4);
  for (const text of [v.plain, v.runLog, v.tui]) {
    assert.match(text, new RegExp(`^Nap -+ ${want.toFixed(2)}s {2}\\(median \\d+\\.\\d\\ds, span \\d+\\.\\d\\ds, 2 batches\\)$`, 'm'));
  }
  assert.equal(recapBlock(v.tui), recapBlock(v.runLog));
});
