/**
 * `--junit FILE`: the run as JUnit XML for CI systems (Jenkins, GitLab,
 * GitHub's test reporters, Azure): one test suite per host, one test case
 * per task the host ran (`classname` the host, `name` the task as banners
 * name it), a failed task as `<failure>` with its message and output
 * tail, an unreachable host as `<error>`, a skipped task as `<skipped>`.
 * Every attribute the Ant/Surefire JUnit XSD and Jenkins' junit XSD
 * require is written. The file is written whole at the end (aside, then
 * renamed), also after a run that stopped without its end.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Reporter, RunEvent, TaskRef } from '../events/index.js';
import type { ModuleResult } from '../model/index.js';
import { errorLine, outputTail } from './run-summary.js';

/** Lines of output kept with a failure. */
const TAIL_LINES = 20;

type Outcome = { kind: 'passed' } | { kind: 'failure' | 'error'; message: string; type: string; body: string } | { kind: 'skipped'; message: string };

interface Case {
  name: string;
  host: string;
  startAt?: number;
  endAt?: number;
  outcome?: Outcome;
}

export interface JunitOptions {
  file: string;
}

export function createJunitReporter(opts: JunitOptions): Reporter {
  const cases = new Map<string, Case>();
  const hosts: string[] = [];
  let start: Extract<RunEvent, { type: 'run.start' }> | undefined;
  let lastAt = 0;
  const caseOf = (task: TaskRef, host: string): Case => {
    const key = `${task.id}\u0000${host}`;
    let c = cases.get(key);
    if (!c) {
      cases.set(key, (c = { name: caseName(task), host }));
      if (!hosts.includes(host)) hosts.push(host);
    }
    return c;
  };
  const end = (e: { task: TaskRef; host: string; at: number }, outcome: Outcome) => {
    const c = caseOf(e.task, e.host);
    c.startAt ??= e.at;
    c.endAt = e.at;
    c.outcome = outcome;
  };
  return {
    name: 'junit',
    onEvent(e) {
      lastAt = Math.max(lastAt, e.at);
      switch (e.type) {
        case 'run.start':
          start = e;
          break;
        case 'host.start': {
          const c = caseOf(e.task, e.host);
          c.startAt ??= e.at;
          break;
        }
        case 'host.ok':
          if (e.item === undefined) end(e, { kind: 'passed' });
          break;
        case 'host.failed':
          if (e.item === undefined) end(e, e.ignored ? { kind: 'passed' } : failure('failure', 'failed', e.result));
          break;
        case 'host.skipped':
          if (e.item === undefined) end(e, { kind: 'skipped', message: String(e.result.skip_reason ?? e.result.skipped_reason ?? 'skipped') });
          break;
        case 'host.unreachable':
          end(e, e.ignored ? { kind: 'passed' } : failure('error', 'unreachable', e.result));
          break;
        case 'host.rescued': {
          // The failure a rescue handled is not the host's failure.
          const c = caseOf(e.task, e.host);
          if (c.outcome?.kind === 'failure') c.outcome = { kind: 'passed' };
          break;
        }
        default:
          break;
      }
    },
    close() {
      const xml = junitXml({ start, cases: [...cases.values()], hosts, lastAt });
      const dir = path.dirname(opts.file);
      fs.mkdirSync(dir, { recursive: true });
      const tmp = path.join(dir, `.${path.basename(opts.file)}.${process.pid}.partial`);
      fs.writeFileSync(tmp, xml);
      fs.renameSync(tmp, opts.file);
    },
  };
}

function caseName(task: TaskRef): string {
  const title = task.role ? `${task.role} : ${task.name}` : task.name;
  return `${task.isHandler ? 'handler ' : ''}${title}${task.n > 1 ? ` (#${task.n})` : ''}`;
}

function failure(kind: 'failure' | 'error', type: string, result: ModuleResult): Outcome {
  return { kind, type, message: errorLine(result), body: outputTail(result, TAIL_LINES).join('\n') };
}

/** The document. A case that never ended (the run was stopped) is an error: "did not finish". */
export function junitXml(r: { start?: Extract<RunEvent, { type: 'run.start' }>; cases: Case[]; hosts: string[]; lastAt: number }): string {
  const stamp = new Date(r.start?.wall ?? Date.now()).toISOString().replace(/\.\d+Z$/, '');
  const playbook = r.start ? path.basename(r.start.playbook) : 'playbook';
  const suites: string[] = [];
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0, time: 0 };
  r.hosts.forEach((host, i) => {
    const list = r.cases.filter((c) => c.host === host);
    const count = { tests: list.length, failures: 0, errors: 0, skipped: 0, time: 0 };
    const body = list.map((c) => {
      const secs = Math.max(0, ((c.endAt ?? r.lastAt) - (c.startAt ?? r.lastAt)) / 1000);
      count.time += secs;
      const o: Outcome = c.outcome ?? { kind: 'error', type: 'unfinished', message: 'the task did not finish: the run stopped', body: '' };
      const open = `    <testcase name="${attr(c.name)}" classname="${attr(host)}" time="${secs.toFixed(3)}"`;
      if (o.kind === 'passed') return `${open}/>`;
      if (o.kind === 'skipped') {
        count.skipped++;
        return `${open}>\n      <skipped message="${attr(o.message)}"/>\n    </testcase>`;
      }
      count[o.kind === 'failure' ? 'failures' : 'errors']++;
      return `${open}>\n      <${o.kind} message="${attr(o.message)}" type="${attr(o.type)}">${text(o.body)}</${o.kind}>\n    </testcase>`;
    });
    for (const k of Object.keys(totals) as Array<keyof typeof totals>) totals[k] += count[k];
    suites.push(
      [
        `  <testsuite name="${attr(host)}" package="${attr(playbook)}" id="${i}" hostname="${attr(os.hostname())}" timestamp="${stamp}"` +
          ` tests="${count.tests}" failures="${count.failures}" errors="${count.errors}" skipped="${count.skipped}" time="${count.time.toFixed(3)}">`,
        '    <properties>',
        `      <property name="playbook" value="${attr(r.start?.playbook ?? '')}"/>`,
        `      <property name="run" value="${attr(r.start?.runId ?? '')}"/>`,
        '    </properties>',
        ...body,
        '    <system-out/>',
        '    <system-err/>',
        '  </testsuite>',
      ].join('\n'),
    );
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${attr(`playwatch ${playbook}`)}" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" skipped="${totals.skipped}" time="${totals.time.toFixed(3)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

/** XML 1.0 cannot carry most C0 controls at all, even escaped: they are dropped. */
const clean = (s: string) => s.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/g, '').replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '');
const text = (s: string) => clean(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const attr = (s: string) => text(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
