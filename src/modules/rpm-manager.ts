/**
 * `dnf` and `yum`: their arguments are checked at load as ansible-core
 * 2.14 declares them, so a playbook written for Red Hat hosts loads; at
 * run time the task fails with what the host has and lacks. playwatch
 * drives Debian's apt only (`apt`, `package`).
 */
import type { ModuleResult } from '../model/index.js';
import { failMessage, MARKS_SH, readMarks } from './marks.js';
import { q } from './sh.js';
import { readArgs, specValidator, type ArgSpec, type OptionSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';

/** The options `dnf` and `yum` share (`ansible-doc -j dnf`, `-j yum`). */
export const RPM_OPTIONS: Record<string, OptionSpec> = {
  allow_downgrade: { type: 'bool', default: false },
  autoremove: { type: 'bool', default: false },
  bugfix: { type: 'bool', default: false },
  cacheonly: { type: 'bool', default: false },
  conf_file: { type: 'str' },
  disable_excludes: { type: 'str' },
  disable_gpg_check: { type: 'bool', default: false },
  disable_plugin: { type: 'list', elements: 'str' },
  disablerepo: { type: 'list', elements: 'str' },
  download_dir: { type: 'str' },
  download_only: { type: 'bool', default: false },
  enable_plugin: { type: 'list', elements: 'str' },
  enablerepo: { type: 'list', elements: 'str' },
  exclude: { type: 'list', elements: 'str' },
  install_repoquery: { type: 'bool', default: true },
  install_weak_deps: { type: 'bool', default: true },
  installroot: { type: 'str', default: '/' },
  list: { type: 'str' },
  lock_timeout: { type: 'int', default: 30 },
  name: { type: 'list', elements: 'str', aliases: ['pkg'] },
  releasever: { type: 'str' },
  security: { type: 'bool', default: false },
  skip_broken: { type: 'bool', default: false },
  sslverify: { type: 'bool', default: true },
  state: { type: 'str', choices: ['absent', 'present', 'installed', 'removed', 'latest'] },
  update_cache: { type: 'bool', default: false, aliases: ['expire-cache'] },
  update_only: { type: 'bool', default: false },
  validate_certs: { type: 'bool', default: true },
};

/** The script: which program the host lacks or has, and the managers it has instead. */
export function rpmScript(program: string): string {
  return [
    MARKS_SH,
    'has=; for m in apt-get dnf yum zypper apk pacman; do command -v $m >/dev/null 2>&1 && has="$has $m"; done',
    `if ! command -v ${q(program)} >/dev/null 2>&1; then`,
    `  case "$has" in *apt-get*) hint="it is a Debian-like host (it has apt-get): use apt or package" ;; "") hint="it has no package manager playwatch knows" ;; *) hint="it has$has" ;; esac`,
    `  fail "${program} not found on the host: $hint" ""`,
    'fi',
    `fail "playwatch does not drive ${program} (it drives apt only): run this play with --engine ansible" ""`,
    '',
  ].join('\n');
}

/** A module that checks its args like ansible-core's `name` and fails on the target saying why it cannot run. */
export function rpmModule(name: 'dnf' | 'yum', spec: ArgSpec): Module {
  return {
    name,
    supportsCheck: true,
    validate: specValidator(name, spec),
    async run(ctx: ModuleContext): Promise<ModuleResult> {
      readArgs(name, spec, ctx.args);
      const res = await ctx.exec(rpmScript(name));
      const fail = readMarks(res.stdout).fail;
      return { failed: true, changed: false, msg: fail ? failMessage(fail) : `${name}: ${res.stderr.trim() || `rc ${res.rc}`}` };
    },
  };
}
