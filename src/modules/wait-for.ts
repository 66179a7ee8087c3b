import type { ModuleResult } from '../model/index.js';
import { grepPattern } from './find-match.js';
import { fileKeys, parseState } from './remote-file.js';
import { readArgs, specValidator, type ArgSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';
import { TCP_STATES, isLocalHost, procAddresses, waitScript, type WaitPlan, type WaitState } from './wait-for-script.js';

/** ansible-core 2.14's `wait_for` options. */
export const SPEC: ArgSpec = {
  options: {
    host: { type: 'str', default: '127.0.0.1' },
    port: { type: 'int' },
    path: { type: 'path' },
    state: { type: 'str', default: 'started', choices: ['absent', 'drained', 'present', 'started', 'stopped'] },
    search_regex: { type: 'str' },
    delay: { type: 'int', default: 0 },
    timeout: { type: 'int', default: 300 },
    sleep: { type: 'int', default: 1 },
    connect_timeout: { type: 'int', default: 5 },
    msg: { type: 'str' },
    exclude_hosts: { type: 'list', elements: 'str' },
    active_connection_states: {
      type: 'list', elements: 'str',
      default: ['ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2', 'SYN_RECV', 'SYN_SENT', 'TIME_WAIT'],
    },
  },
};

/** ansible-core's argument checks, failing the task with its messages (`elapsed: 0`). */
function argProblem(a: Record<string, unknown>): string | undefined {
  const { port, path, state } = a;
  if (port !== undefined && path !== undefined) return 'port and path parameter can not both be passed to wait_for';
  if (path !== undefined && state === 'stopped') return 'state=stopped should only be used for checking a port in the wait_for module';
  if (path !== undefined && state === 'drained') return 'state=drained should only be used for checking a port in the wait_for module';
  if (a.exclude_hosts !== undefined && state !== 'drained') return 'exclude_hosts should only be with state=drained';
  const unknown = (a.active_connection_states as string[]).find((s) => TCP_STATES[s] === undefined);
  if (unknown !== undefined) return `unknown active_connection_state (${unknown}) defined`;
  return undefined;
}

/** ansible-core's timeout messages. */
function timeoutMessage(a: Record<string, unknown>): string {
  const { host, port, path, state, search_regex: re } = a as { host: string; port?: number; path?: string; state: WaitState; search_regex?: string };
  if (state === 'drained') return `Timeout when waiting for ${host}:${port} to drain`;
  if (state === 'stopped' || state === 'absent') {
    return port !== undefined ? `Timeout when waiting for ${host}:${port} to stop.` : `Timeout when waiting for ${path} to be absent.`;
  }
  if (port !== undefined) return re !== undefined ? `Timeout when waiting for search string ${re} in ${host}:${port}` : `Timeout when waiting for ${host}:${port}`;
  return re !== undefined ? `Timeout when waiting for search string ${re} in ${path}` : `Timeout when waiting for file ${path}`;
}

/** Python `re` spellings JS writes otherwise (named groups), for finding the groups in the matched line. */
function jsRegex(re: string): RegExp {
  return new RegExp(re.replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>').replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>'), 'm');
}

/** `match_groups` and `match_groupdict` of the line the target matched. */
function groupsOf(re: string, line: string): { match_groups: (string | null)[]; match_groupdict: Record<string, string | null> } {
  const m = jsRegex(re).exec(line);
  if (!m) return { match_groups: [], match_groupdict: {} };
  const dict = Object.fromEntries(Object.entries(m.groups ?? {}).map(([k, v]) => [k, v ?? null]));
  return { match_groups: m.slice(1).map((g) => g ?? null), match_groupdict: dict };
}

/** What the target lacks, when it could not probe. */
const LACKS: Record<string, string> = {
  none: 'wait_for needs nc or bash on the target to check a port (or, for a local host, a readable /proc/net/tcp)',
  proc: 'wait_for needs nc or bash on the target to read from a port (search_regex)',
  noproc: 'wait_for state=drained needs /proc/net/tcp on the target (Linux)',
};

/**
 * `wait_for`: one `sh` loop on the target (wait-for-script.ts) until a
 * port opens or closes, a file appears (holding `search_regex`) or goes,
 * or a port's connections drain. Nothing to predict, so no check mode
 * (skipped there, as in ansible-core).
 */
export const waitForModule: Module = {
  name: 'wait_for',
  supportsCheck: false,
  validate: specValidator('wait_for', SPEC),
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const a = readArgs('wait_for', SPEC, ctx.args);
    const problem = argProblem(a);
    if (problem) return { failed: true, changed: false, msg: problem, elapsed: 0 };
    const plan = planOf(a);
    if (typeof plan === 'string') return { failed: true, changed: false, msg: plan, elapsed: 0 };
    const res = await ctx.exec(waitScript(plan), { quiet: true });
    const end = /^(ok|timeout|how) (\S+)$/m.exec(res.stdout);
    if (!end) {
      const why = res.timedOut ? 'the task timed out' : res.aborted ? 'aborted' : (res.stderr.trim() || `rc=${res.rc}`);
      return { failed: true, changed: false, msg: `wait_for did not finish: ${why}`, rc: res.rc };
    }
    if (end[1] === 'how') return { failed: true, changed: false, msg: LACKS[end[2]] ?? `wait_for cannot probe: ${end[2]}`, elapsed: 0 };
    const elapsed = Number(end[2]);
    if (end[1] === 'timeout') return { failed: true, changed: false, msg: (a.msg as string | undefined) ?? timeoutMessage(a), elapsed };
    const line = /^line (.*)$/m.exec(res.stdout)?.[1];
    const groups = a.search_regex !== undefined && line !== undefined
      ? groupsOf(a.search_regex as string, Buffer.from(line, 'base64').toString('utf8'))
      : { match_groups: [], match_groupdict: {} };
    return {
      changed: false, elapsed, state: a.state, port: a.port ?? null, path: a.path ?? null,
      search_regex: a.search_regex ?? null, ...groups,
      ...(a.path !== undefined ? fileKeys(parseState(a.path as string, res.stdout)) : {}),
    };
  },
};

/** The script's plan from the args, or why the wait cannot be made. */
function planOf(a: Record<string, unknown>): WaitPlan | string {
  const host = a.host as string;
  const re = a.search_regex as string | undefined;
  if (re !== undefined) {
    try {
      jsRegex(re);
    } catch (err) {
      return `Invalid regular expression: ${(err as Error).message}`;
    }
  }
  const plan: WaitPlan = {
    state: a.state as WaitState, host, local: isLocalHost(host),
    ...(a.port !== undefined ? { port: a.port as number } : {}),
    ...(a.path !== undefined ? { path: a.path as string } : {}),
    ...(re !== undefined ? { grep: grepPattern(re.replace(/\(\?P<[A-Za-z_]\w*>/g, '('), true) } : {}),
    delay: a.delay as number, timeout: a.timeout as number, sleep: a.sleep as number, connectTimeout: a.connect_timeout as number,
  };
  if (plan.state === 'drained') {
    const local = procAddresses(host);
    const exclude = ((a.exclude_hosts as string[] | undefined) ?? []).map((h) => [h, procAddresses(h)] as const);
    const name = [[host, local] as const, ...exclude].find(([, hex]) => hex === undefined)?.[0];
    if (name !== undefined) return `wait_for state=drained takes IP addresses for host and exclude_hosts here, not names: '${name}'`;
    if (plan.port === undefined) return 'wait_for state=drained needs a port';
    plan.drain = {
      local: local!, exclude: exclude.flatMap(([, hex]) => hex!),
      states: (a.active_connection_states as string[]).map((s) => TCP_STATES[s]),
    };
  }
  return plan;
}
