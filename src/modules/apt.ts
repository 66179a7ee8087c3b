import { UserError, type ModuleResult, type Pos, type Vars } from '../model/index.js';
import { isTemplated } from './args.js';
import { aptResult, aptScript, type AptRequest, type AptState } from './apt-script.js';
import { checkSpec, readArgs, type ArgSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';

/** ansible-core 2.14's `apt` options (`ansible-doc -j apt`). */
export const APT_SPEC: ArgSpec = {
  options: {
    name: { type: 'list', elements: 'str', aliases: ['package', 'pkg'] },
    state: { type: 'str', default: 'present', choices: ['absent', 'build-dep', 'fixed', 'latest', 'present'] },
    update_cache: { type: 'bool', aliases: ['update-cache'] },
    update_cache_retries: { type: 'int', default: 5 },
    update_cache_retry_max_delay: { type: 'int', default: 12 },
    cache_valid_time: { type: 'int', default: 0 },
    purge: { type: 'bool', default: false },
    deb: { type: 'path' },
    default_release: { type: 'str', aliases: ['default-release'] },
    install_recommends: { type: 'bool', aliases: ['install-recommends'] },
    force: { type: 'bool', default: false },
    upgrade: { type: 'str', default: 'no', choices: ['dist', 'full', 'no', 'safe', 'yes'] },
    dpkg_options: { type: 'str', default: 'force-confdef,force-confold' },
    autoremove: { type: 'bool', default: false },
    autoclean: { type: 'bool', default: false },
    fail_on_autoremove: { type: 'bool', default: false },
    policy_rc_d: { type: 'int', unsupported: 'playwatch does not write /usr/sbin/policy-rc.d; stop the service in a task of its own' },
    only_upgrade: { type: 'bool', default: false },
    // playwatch always uses apt-get (ansible-core prefers aptitude for safe and full upgrades when it is there).
    force_apt_get: { type: 'bool', default: false, ignored: true },
    clean: { type: 'bool', default: false },
    allow_unauthenticated: { type: 'bool', default: false, aliases: ['allow-unauthenticated'] },
    allow_downgrade: { type: 'bool', default: false, aliases: ['allow-downgrade', 'allow_downgrades', 'allow-downgrades'] },
    allow_change_held_packages: { type: 'bool', default: false },
    lock_timeout: { type: 'int', default: 60 },
  },
  mutuallyExclusive: [['deb', 'name', 'upgrade']],
  requiredOneOf: [['autoremove', 'deb', 'name', 'update_cache', 'upgrade']],
};

/** What the load-time spec cannot say: build-dep, `deb` with another state, `*` with names. */
function aptProblem(module: string, a: Vars): string | undefined {
  if (a.state === 'build-dep') return `module '${module}': state build-dep is not supported by playwatch (use --engine ansible)`;
  if (a.deb !== undefined && a.deb !== null && a.state !== undefined && !isTemplated(a.state) && a.state !== 'present') {
    return `module '${module}': deb only supports state=present`;
  }
  const names = Array.isArray(a.name) ? a.name : [];
  if (names.includes('*') && (a.state !== 'latest' || names.length > 1)) {
    return `module '${module}': name '*' means every installed package and goes with state=latest alone (or use upgrade)`;
  }
  return undefined;
}

/** The rendered args as an apt request. */
export function aptRequest(a: Vars, check: boolean): AptRequest {
  const names = ((a.name as string[] | undefined) ?? []).map((n) => n.trim()).filter(Boolean);
  // `name: '*'` with state=latest upgrades everything, as ansible-core does.
  const all = names.includes('*');
  return {
    packages: all ? [] : names,
    state: a.state as AptState,
    cacheValidTime: a.update_cache || (a.cache_valid_time as number) > 0 ? (a.cache_valid_time as number) : undefined,
    updateRetries: a.update_cache_retries as number,
    updateRetryMaxDelay: a.update_cache_retry_max_delay as number,
    deb: a.deb as string | undefined,
    autoremove: a.autoremove as boolean,
    installRecommends: a.install_recommends as boolean | undefined,
    purge: a.purge as boolean,
    force: a.force as boolean,
    onlyUpgrade: a.only_upgrade as boolean,
    allowDowngrade: a.allow_downgrade as boolean,
    allowUnauthenticated: a.allow_unauthenticated as boolean,
    allowChangeHeld: a.allow_change_held_packages as boolean,
    failOnAutoremove: a.fail_on_autoremove as boolean,
    defaultRelease: a.default_release as string | undefined,
    dpkgOptions: a.dpkg_options as string,
    upgrade: all ? 'yes' : (a.upgrade as AptRequest['upgrade']),
    clean: a.clean as boolean,
    autoclean: a.autoclean as boolean,
    lockTimeout: a.lock_timeout as number,
    check,
  };
}

export function validateApt(module: string, args: Vars, pos: Pos): void {
  checkSpec(module, APT_SPEC, args, pos);
  const problem = aptProblem(module, args);
  if (problem) throw new UserError(problem, pos);
}

/** Runs apt with rendered args (`apt`, and `package` on a Debian host). */
export async function runApt(module: string, ctx: ModuleContext, args: Vars): Promise<ModuleResult> {
  const a = readArgs(module, APT_SPEC, args);
  const problem = aptProblem(module, a);
  if (problem) return { failed: true, changed: false, msg: problem };
  const res = await ctx.exec(aptScript(aptRequest(a, ctx.check)), { main: true });
  if (res.rc !== 0) return { failed: true, changed: false, rc: res.rc, msg: `apt script failed (rc ${res.rc}): ${res.stderr.trim()}` };
  return aptResult(res.stdout);
}

/**
 * `apt`: apt-get and dpkg on the target, read and changed in one command
 * (src/modules/apt-script.ts), with ansible-core's keys
 * (`cache_updated`, `cache_update_time`, `stdout`, `stderr`).
 */
export const aptModule: Module = {
  name: 'apt',
  supportsCheck: true,
  validate: (args, pos) => validateApt('apt', args, pos),
  run: (ctx) => runApt('apt', ctx, ctx.args),
};
