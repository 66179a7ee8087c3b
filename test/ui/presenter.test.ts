import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunControl } from '../../src/engine/control.js';
import { createTuiPresenter } from '../../src/cli/tui.js';
import { handleKey, initialView, type KeyContext } from '../../src/ui/keys.js';
import { demoEvents } from './helpers.js';
import { fakeTerminal } from '../helpers/terminal.js';

const inkSeesCi = ['CI', 'CONTINUOUS_INTEGRATION'].some((k) => k in process.env && process.env[k] !== '0' && process.env[k] !== 'false');

test('the presenter draws while events arrive, and at run.end leaves the final view and shows the cursor', async () => {
  const { out, input } = fakeTerminal();
  const tui = createTuiPresenter({
    control: new RunControl(),
    stdout: out as unknown as NodeJS.WriteStream,
    stdin: input as unknown as NodeJS.ReadStream,
    playbook: 'fixtures/demo/site.yml',
    runDir: '/runs/demo',
    frameMs: 0,
  });
  const events = demoEvents();
  for (const e of events.slice(0, 60)) tui.reporter.onEvent(e);
  // Frames are spaced by what they cost; give the first ones time to come.
  for (let i = 0; i < 20 && !/Deploy the web tier/.test(out.chunks.join('')); i++) await new Promise((r) => setTimeout(r, 100));
  // ink draws no live frames when CI is set (it prints only the last frame at exit).
  if (inkSeesCi) assert.doesNotMatch(out.chunks.join(''), /Deploy the web tier/);
  else assert.match(out.chunks.join(''), /Deploy the web tier/);
  for (const e of events.slice(60)) tui.reporter.onEvent(e);
  await tui.reporter.close?.();
  await tui.done();
  const text = out.chunks.join('');
  const tailText = text.slice(text.lastIndexOf('PLAY RECAP'));
  assert.match(tailText, /^PLAY RECAP \*+\n/);
  assert.match(tailText, /TASKS RECAP [^\n]*\nwebapp \| Build static assets -+ 1\.\d\ds/);
  assert.match(tailText, /Run record: \/runs\/demo\n\x1b\[\?25h$/);
  assert.equal(process.listenerCount('exit') < 10, true);
});

test('closing before run.end (the run crashed) still prints what is known and resolves', async () => {
  const { out, input } = fakeTerminal();
  const tui = createTuiPresenter({
    control: new RunControl(),
    stdout: out as unknown as NodeJS.WriteStream,
    stdin: input as unknown as NodeJS.ReadStream,
    playbook: 'site.yml',
  });
  for (const e of demoEvents().slice(0, 30)) tui.reporter.onEvent(e);
  await tui.reporter.close?.();
  await tui.done();
  assert.match(out.chunks.join(''), /PLAY RECAP[^]*web1 +: ok=/);
});

const ctx: KeyContext = {
  hostCount: 10, pageSize: 4, drillTasks: 3, drillLines: 50, drillPage: 10,
  ended: false, paused: false, draining: false, killed: false, selectedHost: 'web1',
};
const cases: Array<[string, string, Partial<KeyContext>, string]> = [
  ['a', 'a', {}, 'confirm:drain'],
  ['a while draining', 'a', { draining: true }, 'confirm:kill'],
  ['a once killed', 'a', { draining: true, killed: true }, 'main'],
  ['a after the end', 'a', { ended: true }, 'main'],
  ['q after the end', 'q', { ended: true }, 'main quit'],
  ['p', 'p', {}, 'main pause'],
  ['p while paused', 'p', { paused: true }, 'main resume'],
  ['p while draining', 'p', { draining: true }, 'main'],
  ['/', '/', {}, 'filter'],
  ['?', '?', {}, 'help'],
  ['enter', '\r', {}, 'drill'],
];
for (const [what, input, extra, expected] of cases) {
  test(`the key ${what} leads to ${expected}`, () => {
    const key = input === '\r' ? { return: true } : {};
    const r = handleKey(initialView(), input === '\r' ? '' : input, key, { ...ctx, ...extra });
    const got = `${r.view.mode}${r.view.confirm ? `:${r.view.confirm}` : ''}${r.command ? ` ${r.command}` : ''}`;
    assert.equal(got, expected);
  });
}

test('warnings are events: the TUI keeps them off the live screen and prints them under the final view', async () => {
  const { out, input } = fakeTerminal();
  const tui = createTuiPresenter({
    control: new RunControl(),
    stdout: out as unknown as NodeJS.WriteStream,
    stdin: input as unknown as NodeJS.ReadStream,
    playbook: 'site.yml',
  });
  const events = demoEvents();
  const end = events.findIndex((e) => e.type === 'run.end');
  for (const e of events.slice(0, 30)) tui.reporter.onEvent(e);
  tui.reporter.onEvent({ type: 'warning', message: "reporter 'mail' failed and was turned off: \x1b[2Jboom", at: 1, wall: 0 });
  for (const e of events.slice(30, end + 1)) tui.reporter.onEvent(e);
  await tui.reporter.close?.();
  await tui.done();
  const text = out.chunks.join('');
  assert.equal(text.indexOf('[WARNING]'), text.lastIndexOf('[WARNING]'));
  assert.ok(text.lastIndexOf('PLAY RECAP') < text.indexOf('[WARNING]'));
  assert.match(text, /\n\[WARNING\]: reporter 'mail' failed and was turned off: boom\n\x1b\[\?25h$/);
});

test("the TUI's resume commands come from run.end's plan and run.start's arguments alone, whatever else is on the bus", async () => {
  const { out, input } = fakeTerminal();
  const tui = createTuiPresenter({
    control: new RunControl(),
    stdout: out as unknown as NodeJS.WriteStream,
    stdin: input as unknown as NodeJS.ReadStream,
    playbook: 'site.yml',
    resume: { dir: 'runs/r1' },
  });
  const events = demoEvents();
  const end = events.find((e) => e.type === 'run.end')!;
  // The arguments are run.start's (the engine masked them), not the command line's.
  for (const e of events.slice(0, 40)) tui.reporter.onEvent(e.type === 'run.start' ? { ...e, argv: ['run', 'site.yml', '-l', 'web'] } : e);
  tui.reporter.onEvent({ type: 'abort.requested', mode: 'drain', source: 'tui', at: 1500, wall: 0 });
  tui.reporter.onEvent({ type: 'abort.done', mode: 'drain', at: 1600, wall: 0 });
  const plan = { done: ['web1'], notStarted: ['db1', 'db2'], at: [{ task: "app : Restart app", hosts: ['web2'] }] };
  tui.reporter.onEvent({ ...end, exitCode: 99, aborted: true, resume: plan } as typeof end);
  await tui.reporter.close?.();
  await tui.done();
  const text = out.chunks.join('');
  assert.match(text, /Hosts done: 1 · stopped at a task: 1 · not started: 2\nTo resume:\n/);
  assert.match(text, /\n {2}playwatch run site\.yml --limit @runs\/r1\/not-started\n/);
  assert.match(text, /\n {2}playwatch run site\.yml --limit @runs\/r1\/at-1 --start-at-task 'app : Restart app'\n/);
});
