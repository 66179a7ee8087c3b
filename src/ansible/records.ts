import type { ModuleResult } from '../model/index.js';

/** A task as our callback plugin (ansible/callback/playwatch.py) describes it. */
export interface CallbackTask {
  name: string;
  role: string | null;
  action: string;
  /** `file:line`, ansible-core's `task.get_path()`. */
  path: string;
  uuid: string;
  async?: number;
  poll?: number;
  noLog?: boolean;
}

export interface HostRecord {
  host: string;
  task: CallbackTask;
  result: ModuleResult;
  delegate?: string;
}

/** One JSON line of the callback plugin; `wall` is seconds since the epoch. */
export type CallbackRecord = { wall: number } & (
  | { type: 'hello'; ansible: string; pid: number }
  | { type: 'playbook.start'; hosts: string[] }
  | {
      type: 'play.start';
      name: string;
      uuid: string;
      index?: number;
      total?: number;
      hosts?: string[];
      batch?: number;
      batches?: number;
      batchHosts?: string[];
    }
  | { type: 'task.start' | 'handler.start'; task: CallbackTask }
  | { type: 'runner.start'; host: string; task: CallbackTask }
  | (HostRecord & { type: 'host.ok'; changed: boolean })
  | (HostRecord & { type: 'item.ok'; changed: boolean; item?: string })
  | (HostRecord & { type: 'host.failed'; ignored: boolean; rescued?: boolean })
  | (HostRecord & { type: 'item.failed' | 'item.skipped'; item?: string })
  | (HostRecord & { type: 'host.skipped' })
  | (HostRecord & { type: 'host.unreachable'; ignored?: boolean })
  | (HostRecord & { type: 'retry'; attempts: number; retries: number })
  | { type: 'async.poll'; host: string; result: ModuleResult }
  | (HostRecord & { type: 'async.ok' | 'async.failed' })
  | { type: 'include'; host: string; file: string }
  | { type: 'notice'; message: string }
  | { type: 'drained' }
  | { type: 'stats'; hosts: Record<string, AnsibleStats>; custom?: Record<string, unknown> }
);

/** ansible-core's per-host stats (`failures`, where playwatch says `failed`). */
export interface AnsibleStats {
  ok: number;
  changed: number;
  unreachable: number;
  failures: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

/** A line of the plugin's output, or undefined when it is not one (a stray line is not worth a crash). */
export function parseRecord(line: string): CallbackRecord | undefined {
  if (!line.trim()) return undefined;
  try {
    const r = JSON.parse(line) as CallbackRecord;
    return r && typeof r === 'object' && typeof r.type === 'string' ? r : undefined;
  } catch {
    return undefined;
  }
}
