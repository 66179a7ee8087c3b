/** A small ModuleContext for module tests: a real LocalTransport and plain-JS expressions over a vars object. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Task, Vars } from '../../src/model/index.js';
import type { ModuleContext } from '../../src/modules/types.js';
import { LocalTransport } from '../../src/transport/local.js';
import type { ExecOptions } from '../../src/transport/types.js';
import { render } from '../../src/template/index.js';

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'playwatch-mod-'));
}

export function fakeTask(module: string, file = '/tmp/play.yml', extra: Partial<Task> = {}): Task {
  return {
    kind: 'task', module, args: {}, pos: { file, line: 3, col: 7 }, when: [], tags: [], vars: {},
    extra: {}, notify: [], listen: [], ...extra,
  };
}

export interface FakeOptions {
  vars?: Vars;
  task?: Task;
  root?: string;
  check?: boolean;
  diff?: boolean;
  signal?: AbortSignal;
}

/** Looks a dotted name up in vars; undefined names throw as a strict template engine would. */
function lookup(vars: Vars, expr: string): unknown {
  let v: unknown = vars;
  for (const part of expr.trim().split('.')) {
    if (v === null || typeof v !== 'object' || !(part in (v as Vars))) throw new Error(`'${expr.trim()}' is undefined`);
    v = (v as Vars)[part];
  }
  return v;
}

export function fakeContext(module: string, args: Vars, o: FakeOptions = {}): ModuleContext & { commands: string[] } {
  const vars = o.vars ?? {};
  const transport = new LocalTransport({ host: 'localhost', connection: 'local', root: o.root }, { killGraceMs: 200, drainMs: 200 });
  const signal = o.signal ?? new AbortController().signal;
  const commands: string[] = [];
  return {
    host: 'localhost',
    args,
    vars,
    task: o.task ?? fakeTask(module),
    transport,
    check: o.check ?? false,
    diff: o.diff ?? false,
    commands,
    exec(command: string, opts?: ExecOptions) {
      commands.push(command);
      return transport.exec(command, { ...opts, signal });
    },
    // The real templating: debug's var renders `{{ var }}` through it.
    render: (v) => render(v, vars),
    evalExpr: (e) => lookup(vars, e),
    evalCond(c) {
      if (typeof c === 'boolean') return c;
      // Plain JS over the vars is enough to drive assert in tests.
      return Boolean(new Function(...Object.keys(vars), `return (${c});`)(...Object.values(vars)));
    },
    signal,
    sleep: (ms) => new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
    }),
  };
}
