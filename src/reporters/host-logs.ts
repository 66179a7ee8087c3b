/**
 * Per-host logs, `<runDir>/hosts/<host>.log`, in the style of ansible's
 * `log_plays` callback: one line per result,
 *
 *   2015-12-09T09:51:50.253Z - site.yml - common : Install packages - apt - CHANGED - {"changed": true}
 *
 * that is time (ISO 8601, UTC), playbook, task, module, category and the
 * result as JSON on one line. Categories are log_plays' (OK, FAILED,
 * SKIPPED, UNREACHABLE, ASYNC_FAILED) plus CHANGED, IGNORED (a failure with
 * `ignore_errors`), RETRY, RESCUED and CANCELLED (a group budget gave up on
 * the host), so `grep` finds each kind.
 */
import fs from 'node:fs';
import { FileSink } from './file-sink.js';
import path from 'node:path';
import type { EventOf, Reporter, RunEvent, TaskRef } from '../events/index.js';
import type { ModuleResult } from '../model/index.js';
import { taskTitle } from './plain.js';
import { pyJson } from './pyjson.js';
import { inert } from '../text/index.js';

/** The directory of per-host logs inside a run directory. */
export const HOSTS_DIR = 'hosts';

/** Creates `<runDir>/hosts/` (0700) when the first result arrives and appends to one file per host (0600). */
export function createHostLogs(opts: { runDir: string; redact?: (text: string) => string }): Reporter {
  const dir = path.join(opts.runDir, HOSTS_DIR);
  let playbook = '';
  let made = false;
  const sinks = new Map<string, FileSink>();
  const append = (host: string, e: RunEvent, task: TaskRef | undefined, category: string, data: string): void => {
    if (!made) {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      made = true;
    }
    const when = new Date(e.wall).toISOString();
    const line = `${when} - ${playbook} - ${task ? taskTitle(task) : ''} - ${task?.module ?? ''} - ${category} - ${data}`;
    const text = `${inert(line).replace(/\n/g, '\\n')}\n`;
    let sink = sinks.get(host);
    if (!sink) sinks.set(host, (sink = new FileSink(path.join(dir, hostFileName(host)))));
    sink.write(opts.redact ? opts.redact(text) : text);
  };
  return {
    name: 'host-logs',
    onEvent(e) {
      switch (e.type) {
        case 'run.start':
          playbook = e.playbook;
          break;
        case 'host.ok':
          append(e.host, e, e.task, e.changed ? 'CHANGED' : 'OK', resultJson(e.result, e));
          break;
        case 'host.failed':
          append(e.host, e, e.task, e.ignored ? 'IGNORED' : 'FAILED', resultJson(e.result, e));
          break;
        case 'host.skipped':
          append(e.host, e, e.task, 'SKIPPED', resultJson(e.result, e));
          break;
        case 'host.unreachable':
          append(e.host, e, e.task, 'UNREACHABLE', resultJson(e.result, {}));
          break;
        case 'host.retry':
          append(e.host, e, e.task, 'RETRY', `attempt ${e.attempt}, ${e.retriesLeft} retries left: ${resultJson(e.result, {})}`);
          break;
        case 'host.rescued':
          append(e.host, e, e.task, 'RESCUED', '{}');
          break;
        case 'host.cancelled':
          append(e.host, e, undefined, 'CANCELLED', oneLine({ group: e.group, reason: e.reason }));
          break;
        case 'async.done':
          if (e.rc !== 0 || e.timedOut) append(e.host, e, e.task, 'ASYNC_FAILED', asyncJson(e));
          break;
        default:
          break;
      }
      if (e.type === 'run.end') for (const sink of sinks.values()) sink.flush();
    },
    close() {
      for (const sink of sinks.values()) sink.close();
    },
  };
}

/** A host name as a file name: anything but letters, digits, `.`, `_` and `-` becomes `_`. */
export function hostFileName(host: string): string {
  const safe = host.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  return `${safe || '_'}.log`;
}

/**
 * The result as one line of JSON: engine-internal keys dropped, a loop
 * summary without its per-item `results` (each item has its own line).
 */
function resultJson(result: ModuleResult, e: { loop?: boolean; item?: string }): string {
  const body: Record<string, unknown> = {};
  for (const k of Object.keys(result)) if (!k.startsWith('_')) body[k] = result[k];
  if (e.loop) delete body.results;
  if (e.item !== undefined && !('item' in body)) body.item = e.item;
  return oneLine(body);
}

function asyncJson(e: EventOf<'async.done'>): string {
  return oneLine({ ansible_job_id: e.jid, rc: e.rc, duration: e.duration, timed_out: e.timedOut, ...(e.reason ? { reason: e.reason } : {}) });
}

/** pyJson on one line, with DEL and C1 controls escaped so the line stays inert and lossless. */
function oneLine(value: unknown): string {
  return pyJson(value).replace(/[\x7f-\x9f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
