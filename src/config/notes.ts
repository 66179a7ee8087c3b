/** Notes for ansible.cfg settings playwatch reads but does not act on as ansible-core would. */
import type { Settings } from './settings.js';
import { parseSshArgs, sshArgsNote } from './ssh-args.js';

/** Callbacks whose work playwatch's own views do (its TASKS and ROLE RECAP, its run time). */
const BUILT_IN_CALLBACKS = new Set(['profile_tasks', 'profile_roles', 'timer'].flatMap((n) => [n, `ansible.posix.${n}`, `ansible.builtin.${n}`]));

export function settingNotes(s: Settings): string[] {
  const notes: string[] = [];
  if (s.stdoutCallback !== undefined && !['default', 'ansible.builtin.default'].includes(s.stdoutCallback)) {
    notes.push(`stdout_callback = ${s.stdoutCallback} is ignored: playwatch shows the run in its own views (--ui tui, plain or json)`);
  }
  const others = s.callbacksEnabled.filter((c) => !BUILT_IN_CALLBACKS.has(c));
  if (others.length) {
    notes.push(
      `callbacks_enabled: ${others.join(', ')} ${others.length > 1 ? 'are ansible-core callback plugins' : 'is an ansible-core callback plugin'} playwatch does not run ` +
        '(profile_tasks, profile_roles and timer are built in; mail is playwatch.yml\'s mail:)',
    );
  }
  const ssh = s.sshArgs !== undefined ? sshArgsNote(parseSshArgs(s.sshArgs)) : undefined;
  if (ssh) notes.push(ssh);
  return notes;
}
