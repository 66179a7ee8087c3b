import type { ModuleResult } from '../model/index.js';
import { q } from './sh.js';
import { readArgs, specValidator, type ArgSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';
import { untilAnswers } from './wait-for-connection.js';

/** ansible-core 2.14's `reboot` options. */
export const SPEC: ArgSpec = {
  options: {
    reboot_timeout: { type: 'int', default: 600 },
    connect_timeout: { type: 'int' },
    pre_reboot_delay: { type: 'int', default: 0 },
    post_reboot_delay: { type: 'int', default: 0 },
    test_command: { type: 'str', default: 'whoami' },
    msg: { type: 'str', default: 'Reboot initiated by Ansible' },
    reboot_command: { type: 'str' },
    boot_time_command: { type: 'str', default: 'cat /proc/sys/kernel/random/boot_id' },
    search_paths: { type: 'list', elements: 'str', default: ['/sbin', '/bin', '/usr/sbin', '/usr/bin', '/usr/local/sbin'] },
  },
};

type Args = Record<string, unknown>;

/** What the reboot script prints when `search_paths` hold no such program. */
const NOT_FOUND = 'playwatch-reboot: command not found';

/**
 * The reboot command as ansible-core builds it on Linux: `reboot_command`
 * (its program looked up in `search_paths` unless absolute, the first path
 * that has it, as ansible-core's `find` does), or `shutdown -r <minutes>
 * "<msg>"`. One round trip: a missing program prints NOT_FOUND.
 */
function rebootCommand(a: Args): string {
  const given = a.reboot_command as string | undefined;
  const [bin, ...rest] = (given ?? 'shutdown').split(' ');
  const args = given !== undefined ? rest.join(' ') : `-r ${Math.floor((a.pre_reboot_delay as number) / 60)} ${q(a.msg as string)}`;
  if (bin.startsWith('/')) return `${q(bin)} ${args}`;
  const dirs = (a.search_paths as string[]).map((d) => q(`${d.replace(/\/+$/, '')}/${bin}`)).join(' ');
  return `b=; for f in ${dirs}; do [ -e "$f" ] && { b=$f; break; }; done\n[ -n "$b" ] || { echo ${q(NOT_FOUND)} >&2; exit 127; }\n"$b" ${args}`;
}

/** ansible-core's error when no search path has the program: Python's repr of the list. */
function notFound(a: Args): string {
  const bin = ((a.reboot_command as string | undefined) ?? 'shutdown').split(' ')[0];
  const paths = (a.search_paths as string[]).map((p) => `'${p.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(', ');
  return `Unable to find command "${bin}" in search paths: [${paths}]`;
}

/** The boot id (or time) the target reports now, or an Error. */
async function bootId(ctx: ModuleContext, a: Args): Promise<string | Error> {
  const res = await ctx.exec(a.boot_time_command as string, { quiet: true });
  if (res.rc !== 0) return new Error(`reboot: failed to get host boot time info, rc: ${res.rc}, stdout: ${res.stdout}, stderr: ${res.stderr}`);
  return res.stdout.trim();
}

/**
 * `reboot`: the boot id read, the reboot command run (a dropped connection
 * there is expected), then the connection opened again until the boot id
 * has changed and `test_command` answers, within `reboot_timeout`. Refused
 * on a local connection (it would reboot the controller), as ansible-core
 * does; check mode predicts the reboot.
 */
export const rebootModule: Module = {
  name: 'reboot',
  supportsCheck: true,
  validate: specValidator('reboot', SPEC),
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const a = readArgs('reboot', SPEC, ctx.args);
    if (ctx.transport.describe?.().connection !== 'ssh') {
      return { changed: false, elapsed: 0, rebooted: false, failed: true, msg: 'Running reboot with local connection would reboot the control node.' };
    }
    if (ctx.check) return { changed: true, elapsed: 0, rebooted: true };
    if (!ctx.reconnect) return { failed: true, changed: false, rebooted: false, msg: 'reboot needs the engine to reconnect the host' };
    const before = await bootId(ctx, a);
    if (before instanceof Error) return { failed: true, changed: false, reboot: false, msg: before.message };
    let res;
    try {
      res = await ctx.exec(rebootCommand(a), { quiet: true });
    } catch {
      res = undefined; // the connection went down with the host: carry on
    }
    const start = Date.now();
    const elapsed = () => Math.floor((Date.now() - start) / 1000);
    if (res && res.rc === 127 && res.stderr.includes(NOT_FOUND)) return { failed: true, changed: false, msg: notFound(a) };
    if (res && res.rc !== 0 && !res.aborted && res.rc !== 255) {
      return { failed: true, changed: false, rebooted: false, elapsed: elapsed(), msg: `Reboot command failed. Error was: '${res.stdout.trim()}, ${res.stderr.trim()}'` };
    }
    if ((a.post_reboot_delay as number) > 0) await ctx.sleep((a.post_reboot_delay as number) * 1000);
    const timeout = a.reboot_timeout as number;
    const wait = { delay: 0, sleep: 1, timeout, connectTimeout: (a.connect_timeout as number | undefined) ?? 10 };
    // The boot id must differ (an empty one, as some systems print just before going down, does not count).
    // Each wait gets all of reboot_timeout from its own start, after post_reboot_delay, as ansible-core gives it.
    const booted = await untilAnswers(ctx, { ...wait, command: `b=$(${a.boot_time_command as string}) && [ -n "$b" ] && [ "$b" != ${q(before)} ]` });
    if (!booted.ok) return { failed: true, changed: false, rebooted: true, elapsed: elapsed(), msg: `Timed out waiting for last boot time check (timeout=${timeout})` };
    const tested = await untilAnswers(ctx, { ...wait, command: a.test_command as string });
    if (!tested.ok) return { failed: true, changed: false, rebooted: true, elapsed: elapsed(), msg: `Timed out waiting for post-reboot test command (timeout=${timeout})` };
    return { changed: true, rebooted: true, elapsed: elapsed() };
  },
};
