import fs from 'node:fs';
import type { TaskRef } from '../events/index.js';
import { canonicalName } from '../model/index.js';
import type { CallbackTask } from './records.js';

/**
 * Task identity for ansible-core's tasks, the same as the native engine's
 * (src/engine/identity.ts): one ref per task occurrence, `file:line:col`,
 * the n-th occurrence of `role` + `name` in the play. ansible-core gives
 * each occurrence its own task object (an include loop copies the task),
 * so the task's uuid names the occurrence; its `get_path()` gives
 * `file:line`, and the column is where the task's first key is written,
 * which is where the native loader puts a task.
 */
export class AnsibleTaskRefs {
  private next = 0;
  private play = 0;
  private readonly byUuid = new Map<string, TaskRef>();
  private names = new Map<string, number>();
  private readonly lines = new Map<string, string[] | null>();

  /** A new play: `n` counts again. */
  newPlay(index: number): void {
    this.play = index;
    this.names = new Map();
  }

  ref(task: CallbackTask, isHandler = false): TaskRef {
    let ref = this.byUuid.get(task.uuid);
    if (ref) return ref;
    const role = task.role ?? undefined;
    const nameKey = `${role ?? ''}\u0000${task.name}${isHandler ? '\u0000h' : ''}`;
    const n = (this.names.get(nameKey) ?? 0) + 1;
    this.names.set(nameKey, n);
    ref = { id: this.next++, name: task.name, path: this.position(task.path), module: canonicalName(task.action), play: this.play, n };
    if (role) ref.role = role;
    if (isHandler) ref.isHandler = true;
    this.byUuid.set(task.uuid, ref);
    return ref;
  }

  /** `file:line` → `file:line:col`, the column of the task's first key (after `- `). */
  private position(where: string): string {
    const m = /^(.*):(\d+)$/.exec(where ?? '');
    if (!m) return where ?? '';
    const [, file, line] = m;
    const text = this.fileLines(file!)?.[Number(line) - 1];
    const col = text === undefined ? 1 : (/^[\s-]*/.exec(text)?.[0].length ?? 0) + 1;
    return `${file}:${line}:${col}`;
  }

  private fileLines(file: string): string[] | undefined {
    if (!this.lines.has(file)) {
      try {
        this.lines.set(file, fs.readFileSync(file, 'utf8').split('\n'));
      } catch {
        this.lines.set(file, null);
      }
    }
    return this.lines.get(file) ?? undefined;
  }
}
