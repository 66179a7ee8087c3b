/**
 * Scenario 4's measurement, in a process of its own: a deploy of N hosts ×
 * T tasks fed through `reduce` and the real ink renderer into a fake 120×40
 * terminal.
 *
 * - full speed: every event as fast as it can be made; a frame is published
 *   after each batch of N events, and each frame (React + ink layout and
 *   output) is timed. Prints the median and p95 frame time.
 * - paced: the same deploy spread over 20 tasks of 250 ms (thousands of
 *   events a second, faster than a real fleet) with the presenter's real
 *   settings (a frame at most every 100 ms); prints the CPU used as a share
 *   of one core.
 *
 *   node --import tsx test/bench/scenarios/tui-child.ts full|paced <hosts> <tasks>
 *
 * Prints one JSON line: { frames, medianFrameMs, p95FrameMs, cpuShare, wallMs, events }.
 */
import { Writable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import '../../../src/ui/react-mode.js';
import { createElement } from 'react';
import { render } from 'ink';
import type { NewEvent, RunEvent, TaskRef } from '../../../src/events/index.js';
import { App } from '../../../src/ui/App.js';
import { RunStore } from '../../../src/ui/store.js';

let TASKS = 20;
const control = { paused: false, draining: false, killed: false, pause() {}, resume() {}, drain() {}, kill() {} };

/** A terminal that swallows output: 120×40, a TTY as far as ink can tell. */
function fakeTerminal(): NodeJS.WriteStream {
  const out = new Writable({ write: (_c, _e, cb) => cb() });
  return Object.assign(out, { isTTY: true, columns: 120, rows: 40 }) as unknown as NodeJS.WriteStream;
}

/** The events of one task over all hosts, in the order a linear strategy makes them. */
function taskEvents(hosts: string[], i: number): { start: NewEvent[]; ends: NewEvent[] } {
  const task: TaskRef = { id: i, name: `Task number ${i}`, role: i % 3 ? 'app' : 'common', path: `site.yml:${i * 3}:7`, play: 0, n: 1, module: 'command' };
  const start: NewEvent[] = [{ type: 'task.start', task }, ...hosts.map((host) => ({ type: 'host.start' as const, task, host }))];
  const ends: NewEvent[] = [];
  hosts.forEach((host, n) => {
    if (n % 7 === 0) ends.push({ type: 'host.output', task, host, stream: 'stdout', chunk: `progress ${n}\n` });
    if (i === 11 && n % 97 === 3) ends.push({ type: 'host.failed', task, host, result: { rc: 1, stderr: 'boom' }, ignored: false });
    else ends.push({ type: 'host.ok', task, host, changed: n % 3 === 0, result: { rc: 0, stdout: `done ${n}` } });
  });
  return { start, ends };
}

function hostNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `web-${String(i).padStart(4, '0')}.prod.example`);
}

function stamp(e: NewEvent, at: number): RunEvent {
  return { ...e, at, wall: Date.now() } as RunEvent;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length * 0.95)] ?? 0;
}

/** Full speed, unthrottled renderer (ink's debug mode renders each commit at once). */
async function fullSpeed(n: number): Promise<object> {
  const hosts = hostNames(n);
  const store = new RunStore({ frameMs: 1e9 });
  const inst = render(createElement(App, { store, control, playbook: 'deploy.yml' }), {
    stdout: fakeTerminal(),
    debug: true,
    patchConsole: false,
    exitOnCtrlC: false,
  });
  let at = 0;
  let events = 0;
  const frames: number[] = [];
  const feed = async (e: NewEvent) => {
    store.dispatch(stamp(e, (at += 0.5)));
    if (++events % n === 0) {
      // The store folds the queued events when the state is read: done first, so the timed frame is React and ink.
      void store.state;
      // React commits in a microtask; by the next macrotask the frame is rendered and written.
      const t0 = performance.now();
      store.publish();
      await new Promise((r) => setImmediate(r));
      frames.push(performance.now() - t0);
    }
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await feed({ type: 'run.start', schema: 2, runId: 'bench', playbook: 'deploy.yml', runDir: '/tmp/bench', hosts, check: false, argv: [] });
  await feed({ type: 'play.start', index: 0, total: 1, name: 'Deploy', hosts });
  for (let i = 0; i < TASKS; i++) {
    const { start, ends } = taskEvents(hosts, i);
    for (const e of [...start, ...ends]) await feed(e);
  }
  await feed({ type: 'play.end', index: 0 });
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  inst.unmount();
  return { events, wallMs: wall, cpuShare: (cpu.user + cpu.system) / 1000 / wall, frames: frames.length, medianFrameMs: median(frames), p95FrameMs: p95(frames) };
}

/** Paced like a (very fast) deploy, with the presenter's real frame budget. */
async function paced(n: number, taskMs: number): Promise<object> {
  const hosts = hostNames(n);
  const store = new RunStore({ frameMs: 100 });
  const renders: number[] = [];
  const inst = render(createElement(App, { store, control, playbook: 'deploy.yml' }), {
    stdout: fakeTerminal(),
    patchConsole: false,
    exitOnCtrlC: false,
    maxFps: 10,
    onRender: ({ renderTime }) => {
      renders.push(renderTime);
      store.noteFrameCost(renderTime * 2);
    },
  });
  const origin = performance.now();
  const emit = (e: NewEvent) => store.dispatch(stamp(e, performance.now() - origin));
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const cpu0 = process.cpuUsage();
  emit({ type: 'run.start', schema: 2, runId: 'bench', playbook: 'deploy.yml', runDir: '/tmp/bench', hosts, check: false, argv: [] });
  emit({ type: 'play.start', index: 0, total: 1, name: 'Deploy', hosts });
  for (let i = 0; i < TASKS; i++) {
    const { start, ends } = taskEvents(hosts, i);
    start.forEach(emit);
    // Results arrive in ten slices across the task's duration.
    const slice = Math.ceil(ends.length / 10);
    for (let s = 0; s < 10; s++) {
      await sleep(taskMs / 10);
      ends.slice(s * slice, (s + 1) * slice).forEach(emit);
    }
  }
  emit({ type: 'play.end', index: 0 });
  const wall = performance.now() - origin;
  const cpu = process.cpuUsage(cpu0);
  inst.unmount();
  const share = (cpu.user + cpu.system) / 1000 / wall;
  return { wallMs: wall, cpuShare: share, frames: renders.length, medianFrameMs: median(renders), p95FrameMs: p95(renders) };
}

const [mode, hostsArg, tasksArg] = process.argv.slice(2);
TASKS = Number(tasksArg ?? 20);
const n = Number(hostsArg ?? 500);
const result = mode === 'paced' ? await paced(n, 250) : await fullSpeed(n);
process.stdout.write(`${JSON.stringify(result)}\n`);
