import fs from 'node:fs';
import path from 'node:path';
import type { Reporter, ResumePlan } from '../events/index.js';
import { shellQuote } from '../transport/command.js';
import { MASK } from '../engine/index.js';

/** Flags that a resume command replaces. */
const REPLACED = new Set(['-l', '--limit', '--start-at-task']);

/**
 * Writes the host lists of a resume plan into the run directory
 * (`not-started`, `at-1`, `at-2`, …) and returns the lines to print: a
 * summary and one ready-to-paste command per class of host.
 */
export function writeResume(plan: ResumePlan, runDir: string, argv: string[], shownDir: string): string[] {
  const lines = [
    `Hosts done: ${plan.done.length} · stopped at a task: ${plan.at.reduce((n, a) => n + a.hosts.length, 0)} · not started: ${plan.notStarted.length}`,
  ];
  const base = baseCommand(argv);
  const cmds: string[] = [];
  if (plan.notStarted.length) {
    fs.writeFileSync(path.join(runDir, 'not-started'), plan.notStarted.join('\n') + '\n', { mode: 0o600 });
    cmds.push(`${base} --limit ${shellQuote(`@${path.join(shownDir, 'not-started')}`)}`);
  }
  plan.at.forEach((group, i) => {
    const file = `at-${i + 1}`;
    fs.writeFileSync(path.join(runDir, file), group.hosts.join('\n') + '\n', { mode: 0o600 });
    cmds.push(`${base} --limit ${shellQuote(`@${path.join(shownDir, file)}`)} --start-at-task ${shellQuote(group.task)}`);
  });
  if (cmds.length) lines.push('To resume:', ...cmds.map((c) => `  ${c}`));
  if (cmds.some((c) => c.includes(MASK))) lines.push(`  (secrets show as ${MASK}: give them again before running these)`);
  return lines;
}

/** `playwatch <the same arguments>` without the flags a resume sets itself. */
function baseCommand(argv: string[]): string {
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
  return ['playwatch', ...kept].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : shellQuote(a))).join(' ');
}

/**
 * A reporter that writes the resume files when the run ends (before the
 * presenter prints its final view, so the view can show the commands).
 * Add it to the bus ahead of the presenter. The commands repeat the
 * arguments as `run.start` carries them: masked, like everything the engine
 * lets out (`-e api_token=…` shows as `api_token=********`).
 */
export function createResumeWriter(runDir: string, shownDir: string): Reporter & { lines(): string[] } {
  let lines: string[] = [];
  let argv: string[] = [];
  return {
    name: 'resume',
    onEvent(e) {
      if (e.type === 'run.start') argv = e.argv;
      if (e.type === 'run.end' && e.resume) lines = writeResume(e.resume, runDir, argv, shownDir);
    },
    lines: () => lines,
  };
}
