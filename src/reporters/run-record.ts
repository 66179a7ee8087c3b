/**
 * The run record in one place, for the CLI: the side reporters that write
 * the run directory (run.log, hosts/*.log, summary.json) and the steps after
 * the run (archive, pruning, mail). `finish` never throws: whatever goes
 * wrong after the run is a warning, and the run's exit code stays its own.
 */
import os from 'node:os';
import path from 'node:path';
import type { Reporter } from '../events/index.js';
import { defaultMailConfig, isMailAddress, splitMailAddresses, UserError } from '../model/index.js';
import { createHostLogs } from './host-logs.js';
import type { MailOutcome } from './mail/send.js';
import type { MailConfig, MailTimeouts } from './mail/types.js';
import { createRunLog, RUN_LOG_FILE } from './run-log.js';
import type { PlainShared } from './plain.js';
import { SummaryCollector, SUMMARY_FILE, type RunOutcome, type RunSummary } from './run-summary.js';

/** The settings the run record reads (a subset of config's `Settings`, which can be passed as is). */
export interface RunRecordSettings {
  mail?: MailConfig;
  runsKeep?: number;
  runsMaxMb?: number;
}

export interface RunRecordOptions {
  /** `<runs-dir>/<run-id>`; must exist (the CLI makes it, 0700). */
  runDir: string;
  /** Where runs are kept and pruned (default: the run directory's parent). */
  runsDir?: string;
  settings: RunRecordSettings;
  /** `--mail-to` addresses, added to `mail.to`. */
  mailTo?: string[];
  mailTimeouts?: MailTimeouts;
  /** Where `mail.password_env` is looked up (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Time zone of the run log's timestamp lines. */
  timezone?: string;
  /** Replaces the run log's date part (tests). */
  formatClock?: (date: Date) => string;
  /** `-v` count: the run log shows as much as plain output would (at least `-v`). */
  verbosity?: number;
  /** The profiler and result views shared with the run's presenter (see `PlainOptions.shared`). */
  shared?: PlainShared;
}

export interface RunRecordResult {
  runLogPath: string;
  summaryPath?: string;
  archivePath?: string;
  /** Run ids removed by pruning. */
  pruned: string[];
  /** Set when a mail was due. */
  mail?: MailOutcome;
  /** The mail's warning line, when a due mail was not sent. */
  mailWarning?: string;
  /** Every warning of the post-run steps (the mail's included), one line each. */
  warnings: string[];
}

export interface RunRecord {
  /** Add each to the bus before the run starts. */
  reporters: Reporter[];
  /** The summary as collected so far (the TUI's last screen may use it). */
  summary(outcome?: RunOutcome): RunSummary;
  /** After `bus.close()`: writes summary.json if the run never ended, archives, prunes, mails. */
  finish(outcome: RunOutcome): Promise<RunRecordResult>;
}

/** Creates the run record's reporters and its post-run steps. */
export function createRunRecord(opts: RunRecordOptions): RunRecord {
  const runDir = path.resolve(opts.runDir);
  const runsDir = path.resolve(opts.runsDir ?? path.dirname(runDir));
  const mail = mailConfig(opts.settings.mail, opts.mailTo);
  const env = opts.env ?? process.env;
  const redact = redactor(mail, env);
  const collector = new SummaryCollector({ runDir, redact, ...(opts.shared ? { profile: opts.shared.profile } : {}) });
  const reporters: Reporter[] = [
    createRunLog({
      runDir,
      redact,
      ...(opts.timezone ? { timezone: opts.timezone } : {}),
      ...(opts.formatClock ? { formatClock: opts.formatClock } : {}),
      ...(opts.verbosity ? { verbosity: opts.verbosity } : {}),
      ...(opts.shared ? { shared: opts.shared } : {}),
    }),
    createHostLogs({ runDir, redact }),
    collector,
  ];

  async function finish(outcome: RunOutcome): Promise<RunRecordResult> {
    const result: RunRecordResult = { runLogPath: path.join(runDir, RUN_LOG_FILE), pruned: [], warnings: [] };
    const attempt = async (what: string, step: () => unknown | Promise<unknown>) => {
      try {
        await step();
      } catch (err) {
        result.warnings.push(`${what}: ${oneLine((err as Error).message)}`);
      }
    };
    if (collector.done) result.summaryPath = path.join(runDir, SUMMARY_FILE);
    // Written at run.end; a write that failed there was already its one warning (the bus's, in the record).
    else if (!collector.ended) {
      await attempt('summary.json was not written', () => {
        result.summaryPath = collector.write(runDir, outcome);
      });
    }
    await attempt('the run was not archived', async () => {
      // tar and nodemailer load only at the end of a run: start-up stays quick.
      const { archiveRun } = await import('./archive.js');
      result.archivePath = await archiveRun(runDir);
    });
    await attempt('old runs were not pruned', async () => {
      const { pruneRuns } = await import('./archive.js');
      result.pruned = pruneRuns(runsDir, { keep: opts.settings.runsKeep, maxMb: opts.settings.runsMaxMb, current: path.basename(runDir) });
    });
    if (mail) {
      const { sendRunMail } = await import('./mail/send.js');
      const sent = await sendRunMail({
        config: mail,
        summary: collector.summary(outcome),
        runLogPath: result.runLogPath,
        ...(result.archivePath ? { archivePath: result.archivePath } : {}),
        ...(opts.mailTimeouts ? { timeouts: opts.mailTimeouts } : {}),
        env,
      });
      if (sent.reason) result.mail = sent;
      if (sent.warning) {
        result.mailWarning = sent.warning;
        result.warnings.push(sent.warning);
      }
    }
    return result;
  }

  return { reporters, summary: (outcome) => collector.summary(outcome), finish };
}

/**
 * The mail settings with `--mail-to` added (repeatable, or comma separated;
 * a malformed address is a UserError, raised before the run starts).
 * Without a `mail:` section, `--mail-to` sends through the local MTA
 * (localhost:25), as `mail(1)` would. No recipients at all means no mail.
 */
export function mailConfig(mail: MailConfig | undefined, mailTo: string[] = []): MailConfig | undefined {
  const extra = splitMailAddresses(mailTo);
  for (const a of extra) {
    if (!isMailAddress(a)) throw new UserError(`--mail-to: '${a}' is not an e-mail address`);
  }
  const to = [...new Set([...(mail?.to ?? []), ...extra])];
  if (!mail && to.length === 0) return undefined;
  const base: MailConfig = mail ?? defaultMailConfig(os.hostname());
  return { ...base, to };
}

/** Hides the SMTP password in files of the run directory, should a target ever print it. */
function redactor(mail: MailConfig | undefined, env: NodeJS.ProcessEnv): ((text: string) => string) | undefined {
  const password = mail?.password ?? (mail?.passwordEnv ? env[mail.passwordEnv] : undefined);
  if (!password || password.length < 4) return undefined;
  const forms = [...new Set([password, JSON.stringify(password).slice(1, -1)])];
  return (text) => forms.reduce((t, f) => t.split(f).join('********'), text);
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
