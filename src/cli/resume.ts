import fs from 'node:fs';
import path from 'node:path';
import type { Reporter, ResumePlan } from '../events/index.js';
import { shellQuote } from '../transport/command.js';
import { MASK } from '../engine/index.js';

/** Flags that a resume command replaces. */
const REPLACED = new Set(['-l', '--limit', '--start-at-task']);

/** The file in the run directory that holds the hosts of one class (`--limit @<file>`). */
const NOT_STARTED = 'not-started';
const atFile = (i: number) => `at-${i + 1}`;

/**
 * What to print after a run that did not finish: a summary and one
 * ready-to-paste command per class of host. Pure: a function of the
 * `run.end` event's plan, the run's arguments and the run directory as the
 * operator would type it; the files it names are written by `createResumeWriter`.
 */
export function resumeLines(plan: ResumePlan, argv: readonly string[], shownDir: string): string[] {
  const lines = [
    `Hosts done: ${plan.done.length} · stopped at a task: ${plan.at.reduce((n, a) => n + a.hosts.length, 0)} · not started: ${plan.notStarted.length}`,
  ];
  const base = baseCommand(argv);
  const cmds: string[] = [];
  if (plan.notStarted.length) cmds.push(`${base} --limit ${pasteWord(`@${path.join(shownDir, NOT_STARTED)}`)}`);
  plan.at.forEach((group, i) => {
    cmds.push(`${base} --limit ${pasteWord(`@${path.join(shownDir, atFile(i))}`)} --start-at-task ${pasteWord(group.task)}`);
  });
  if (cmds.length) lines.push('To resume:', ...cmds.map((c) => `  ${c}`));
  if (cmds.some((c) => c.includes(MASK))) lines.push(`  (secrets show as ${MASK}: give them again before running these)`);
  return lines;
}

/** Writes each class of host of a plan into the run directory (`not-started`, `at-1`, …). */
export function writeResumeFiles(plan: ResumePlan, runDir: string): void {
  const write = (file: string, hosts: string[]) => fs.writeFileSync(path.join(runDir, file), hosts.join('\n') + '\n', { mode: 0o600 });
  if (plan.notStarted.length) write(NOT_STARTED, plan.notStarted);
  plan.at.forEach((group, i) => write(atFile(i), group.hosts));
}

/** `playwatch <the same arguments>` without the flags a resume sets itself. */
function baseCommand(argv: readonly string[]): string {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag] = a.split('=', 1);
    if (REPLACED.has(flag)) {
      if (!a.includes('=')) i++;
      continue;
    }
    kept.push(a);
  }
  return ['playwatch', ...kept].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : pasteWord(a))).join(' ');
}

// C0, DEL and C1: what a terminal may act on.
const CONTROL = /[\x00-\x1f\x7f-\x9f]/g;

/**
 * One word of a command line to paste: as `shellQuote` makes it, or, when it
 * holds control characters (a task name or `-e` value with an escape
 * sequence in it), in bash's `$'…'` form with each one written `\xHH`: the
 * printed line drives no terminal and still pastes to the same word.
 */
export function pasteWord(s: string): string {
  if (!/[\x00-\x1f\x7f-\x9f]/.test(s)) return shellQuote(s);
  const hex = (c: string) => c.charCodeAt(0).toString(16).padStart(2, '0');
  return `$'${s.replace(/[\\']/g, (c) => `\\${c}`).replace(CONTROL, (c) => (c.charCodeAt(0) < 0x80 ? `\\x${hex(c)}` : `\\u00${hex(c)}`))}'`;
}

/** A side reporter that writes the resume files when the run ends. */
export function createResumeWriter(runDir: string): Reporter {
  return {
    name: 'resume',
    onEvent(e) {
      if (e.type === 'run.end' && e.resume) writeResumeFiles(e.resume, runDir);
    },
  };
}
