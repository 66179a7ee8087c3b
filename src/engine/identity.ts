import type { TaskRef } from '../events/index.js';
import type { Pos } from '../model/index.js';

/** What names a task for its identity: where it is written and its role. */
export interface TaskSource {
  pos: Pos;
  role?: { name: string };
}

/**
 * Static task identity (DESIGN §12). A task occurrence is the n-th time a
 * host reaches the task written at one `file:line:col` in a play; every
 * host's n-th arrival is the same occurrence, so it gets the same id under
 * linear, free and budgeted runs and in every `serial` batch. A task file
 * included three times by a loop is three occurrences, three ids.
 */
export class TaskIds {
  private next = 0;

  /** Identity for one play; ids stay unique across the run. */
  forPlay(play: number): PlayTaskIds {
    return new PlayTaskIds(play, () => this.next++);
  }
}

export class PlayTaskIds {
  /** Per host: how many times it reached each `file:line:col`. */
  private readonly reached = new Map<string, Map<string, number>>();
  /** Refs by `file:line:col` and occurrence. */
  private readonly refs = new Map<string, TaskRef>();
  /** Occurrences of each `role : name` so far, handlers apart (the `n` that compare matches on). */
  private readonly names = new Map<string, number>();
  /** Ids whose start event went out in the current batch. */
  private started = new Set<number>();

  constructor(
    readonly play: number,
    private readonly nextId: () => number,
  ) {}

  /**
   * The ref of the task as `host` reaches it now (counts the arrival).
   * `name` and `module` are taken from the first host to reach it.
   */
  reach(host: string, task: TaskSource, module: string, name: string, isHandler = false): TaskRef {
    const path = `${task.pos.file}:${task.pos.line}:${task.pos.col}`;
    let counts = this.reached.get(host);
    if (!counts) this.reached.set(host, (counts = new Map()));
    const occurrence = (counts.get(path) ?? 0) + 1;
    counts.set(path, occurrence);
    const key = `${path}\u0000${occurrence}${isHandler ? '\u0000h' : ''}`;
    let ref = this.refs.get(key);
    if (!ref) {
      const nameKey = `${task.role?.name ?? ''}\u0000${name}${isHandler ? '\u0000h' : ''}`;
      const n = (this.names.get(nameKey) ?? 0) + 1;
      this.names.set(nameKey, n);
      ref = { id: this.nextId(), name, path, module, play: this.play, n };
      if (task.role) ref.role = task.role.name;
      if (isHandler) ref.isHandler = true;
      this.refs.set(key, ref);
    }
    return ref;
  }

  /** Refs for a set of hosts reaching the task together, by host. */
  reachAll(hosts: readonly string[], task: TaskSource, module: string, name: string, isHandler = false): Map<string, TaskRef> {
    return new Map(hosts.map((h) => [h, this.reach(h, task, module, name, isHandler)]));
  }

  /** True the first time it is asked for `id` in this batch: the caller emits the start event. */
  startOnce(id: number): boolean {
    if (this.started.has(id)) return false;
    this.started.add(id);
    return true;
  }

  /** A new `serial` batch: each task's start is announced again. */
  newBatch(): void {
    this.started = new Set();
  }
}

/** The distinct refs of a host → ref map, in first-seen order. */
export function distinctRefs(refs: Iterable<TaskRef>): TaskRef[] {
  const seen = new Map<number, TaskRef>();
  for (const r of refs) if (!seen.has(r.id)) seen.set(r.id, r);
  return [...seen.values()];
}
