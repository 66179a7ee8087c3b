/**
 * What the run mail says: why it is sent, its subject and its text body,
 * all from the run's summary. Pure; sending is `send.ts`.
 */
import { durationClock, inert, recapLine, taskRecapRow, type RecapStats } from '../../text/index.js';
import type { HostFailure, RunSummary } from '../run-summary.js';
import type { MailTrigger } from './types.js';

/** Tasks listed in the body. */
const SLOWEST = 10;
const SUBJECT_MAX = 200;

/**
 * Why a run is worth a mail, strongest first: `unreachable`, then `failed`,
 * then `aborted`, kept only when listed in `on`. Unreachable leads because
 * it is what ansible-core's exit code puts first, and because a host that
 * cannot be reached usually explains the rest; an abort was done by a
 * person who already knows, so it comes last.
 */
export function mailReasons(summary: RunSummary, on: readonly MailTrigger[]): MailTrigger[] {
  const stats = Object.values(summary.stats);
  const reasons: MailTrigger[] = [];
  const unreachable = stats.some((s) => s.unreachable > 0) || summary.failures.some((f) => f.kind === 'unreachable');
  const failed = stats.some((s) => s.failed > 0) || summary.failures.some((f) => f.kind === 'failed');
  if (unreachable) reasons.push('unreachable');
  if (failed) reasons.push('failed');
  if (summary.aborted) reasons.push('aborted');
  return reasons.filter((r) => on.includes(r));
}

/**
 * `Unreachable: <first error line>`, `Failed: <host>: <first error line>`
 * or `Aborted: <playbook>`, for the strongest reason. One line, inert, at
 * most 200 characters.
 */
export function mailSubject(summary: RunSummary, reason: MailTrigger): string {
  const first = (kind: HostFailure['kind']) => summary.failures.find((f) => f.kind === kind);
  let subject: string;
  if (reason === 'unreachable') {
    subject = `Unreachable: ${first('unreachable')?.line ?? 'a host could not be reached'}`;
  } else if (reason === 'failed') {
    const f = first('failed');
    subject = f ? `Failed: ${f.host}: ${f.line}` : `Failed: ${summary.playbook}`;
  } else {
    subject = `Aborted: ${summary.playbook}`;
  }
  return oneLine(subject, SUBJECT_MAX);
}

/** Where the archive is and whether it is attached, for the body's last lines. */
export interface ArchiveNote {
  archivePath?: string;
  attached: boolean;
  /** Why it is not attached (too big, missing). */
  reason?: string;
}

/** The text body: playbook, hosts, recap, the first failure of each host, the slowest tasks, where the files are. */
export function mailBody(summary: RunSummary, archive: ArchiveNote): string {
  const hosts = summary.hosts;
  const lines = [
    `Playbook: ${summary.playbook}`,
    `Run: ${summary.runId}  started ${summary.startedAt}, took ${durationClock(summary.durationMs)}, exit code ${summary.exitCode}`,
    `Command: playwatch ${summary.argv.join(' ')}`,
    `Hosts (${hosts.length}): ${hosts.join(', ')}`,
  ];
  if (summary.aborted) {
    const a = summary.abort;
    lines.push(a ? `Aborted (${a.mode}, by ${a.source}) at ${durationClock(a.atMs)}` : 'Aborted');
  }
  lines.push('', 'PLAY RECAP');
  const names = Object.keys(summary.stats).sort();
  const withCancelled = names.some((h) => ((summary.stats[h] as RecapStats).cancelled ?? 0) > 0);
  for (const h of names) lines.push(recapLine(h, summary.stats[h] as RecapStats, withCancelled));
  if (summary.failures.length > 0) {
    lines.push('', 'FIRST FAILURE OF EACH HOST');
    for (const f of summary.failures) {
      lines.push('', `${f.host}: ${f.kind === 'unreachable' ? 'UNREACHABLE' : 'FAILED'} at ${durationClock(f.atMs)} in [${f.task}] (${f.path})`);
      lines.push(`  ${f.line}`, ...f.tail.map((l) => `  ${l}`));
    }
  }
  const slow = summary.tasks.slice(0, SLOWEST);
  if (slow.length > 0) {
    lines.push('', `SLOWEST TASKS`);
    for (const t of slow) lines.push(taskRecapRow(t));
  }
  lines.push('', `Run directory: ${summary.runDir}`);
  if (archive.archivePath) {
    lines.push(`Archive: ${archive.archivePath}${archive.attached ? ' (attached)' : ` (not attached: ${archive.reason ?? 'unknown'})`}`);
  } else {
    lines.push(`Archive: none (${archive.reason ?? 'not made'})`);
  }
  if (!archive.attached) lines.push('Attached instead: the end of run.log and summary.json.');
  return `${lines.map((l) => inert(l)).join('\n')}\n`;
}

function oneLine(s: string, max: number): string {
  const line = inert(s).replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
