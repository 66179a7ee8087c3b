import type { TaskRef } from '../events/index.js';
import type { ConnectionInfo } from '../model/index.js';
import type { ExecResult } from '../transport/types.js';
import type { PlayContext } from './context.js';

/** The most of a command's text one `host.command` event carries. */
export const COMMAND_TEXT_MAX = 16 * 1024;

/** What `host.command` says instead of the text of a `no_log` task's command. */
export const NO_LOG_COMMAND = "(hidden: 'no_log: true' was specified for this task)";

/**
 * Runs one of a module's commands and emits `host.command` when it ends, with
 * its text, exit code and wall time (what `-vvv` shows). Always emitted: how
 * much of it to show is each view's concern. A command that throws (the host
 * is unreachable) emits nothing; its failure is an event of its own.
 */
export async function reportedCommand(
  pc: PlayContext,
  ref: TaskRef,
  host: string,
  command: string,
  noLog: boolean,
  run: () => Promise<ExecResult>,
  /** The connection the command went over, described after it ran. */
  describe: () => ConnectionInfo | undefined = () => undefined,
): Promise<ExecResult> {
  const started = performance.now();
  const result = await run();
  const ms = Math.round((performance.now() - started) * 10) / 10;
  const connection = describe();
  pc.opts.emit({
    type: 'host.command',
    task: ref,
    host,
    command: noLog ? NO_LOG_COMMAND : capped(command),
    ...(noLog ? { noLog: true } : {}),
    rc: result.rc,
    ms,
    ...(connection ? { connection } : {}),
  });
  return result;
}

function capped(command: string): string {
  if (command.length <= COMMAND_TEXT_MAX) return command;
  return `${command.slice(0, COMMAND_TEXT_MAX)}\n... (${command.length - COMMAND_TEXT_MAX} more characters)`;
}
