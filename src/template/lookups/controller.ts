/** Lookups that read the controller: its environment, commands, settings, inventory and variables. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fnmatchToRegExp } from '../../model/index.js';
import { isMapping } from '../values.js';
import { ANSIBLE_CONFIG } from './ansible-config.js';
import { password } from './password.js';
import { parseIni } from './tables.js';
import { LookupFailure, LookupUndefined, str, termList, type Lookup, type LookupCtx } from './types.js';

const env: Lookup = {
  options: ['default'],
  run: (terms, o) => termList(terms).map((t) => process.env[str(t).split(/\s+/)[0]] ?? o.default ?? ''),
};

/** Runs `cmd` with `sh -c` in the playbook's directory, as Python's Popen(shell=True). */
function shell(cmd: string, ctx: LookupCtx, plugin: string): string {
  const r = spawnSync('/bin/sh', ['-c', cmd], { cwd: ctx.basedir, encoding: 'utf8', stdio: ['pipe', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  if (r.error) throw new LookupFailure(`lookup_plugin.${plugin}(${cmd}) could not run: ${r.error.message}`);
  if (r.status !== 0) throw new LookupFailure(`lookup_plugin.${plugin}(${cmd}) returned ${r.status ?? -1}`);
  return r.stdout;
}

const pipe: Lookup = { options: [], run: (terms, _o, ctx) => termList(terms).map((t) => shell(String(t), ctx, 'pipe').trimEnd()) };

const lines: Lookup = {
  options: [],
  run: (terms, _o, ctx) => termList(terms).flatMap((t) => pyLines(shell(str(t), ctx, 'lines'))),
};

/** Python's bytes.splitlines(): no empty last line. */
function pyLines(s: string): string[] {
  const out = s.split(/\r\n|\r|\n/);
  if (out.at(-1) === '') out.pop();
  return out;
}

const vars: Lookup = {
  options: ['default'],
  run: (terms, o, ctx) =>
    termList(terms).map((t) => {
      if (typeof t !== 'string') throw new LookupFailure(`Invalid setting identifier, "${t}" is not a string, its a ${typeof t}`);
      let v = ctx.variable(t);
      if (v === undefined) {
        const hv = ctx.variable('hostvars');
        const me = ctx.variable('inventory_hostname');
        const own = isMapping(hv) && typeof me === 'string' ? hv[me] : undefined;
        if (isMapping(own) && t in own) v = ctx.render(own[t]);
      }
      if (v !== undefined) return v;
      if (o.default !== undefined && o.default !== null) return o.default;
      throw new LookupUndefined(`No variable found with this name: ${t}`);
    }),
};

const varnames: Lookup = {
  options: [],
  run: (terms, _o, ctx) =>
    termList(terms).flatMap((t) => {
      if (typeof t !== 'string') throw new LookupFailure(`Invalid setting identifier, "${t}" is not a string, it is a ${typeof t}`);
      let re: RegExp;
      try {
        re = new RegExp(t);
      } catch (e) {
        throw new LookupFailure(`Unable to use "${t}" as a search parameter: ${(e as Error).message}`);
      }
      return Object.keys(ctx.vars).filter((k) => re.test(k));
    }),
};

const config: Lookup = {
  options: ['on_missing', 'plugin_type', 'plugin_name'],
  run: (terms, o, ctx) => {
    const missing = o.on_missing ?? 'error';
    if (!['error', 'warn', 'skip'].includes(String(missing))) {
      throw new LookupFailure(`"on_missing" must be a string and one of "error", "warn" or "skip", not ${missing}`);
    }
    if (o.plugin_type || o.plugin_name) throw new LookupFailure("playwatch's config lookup reads global settings only (no plugin_type/plugin_name)");
    const out: unknown[] = [];
    for (const t of termList(terms)) {
      const name = str(t);
      const spec = ANSIBLE_CONFIG[name];
      if (spec) {
        out.push(settingValue(spec));
        continue;
      }
      // ansible-core's message names the Python attribute it tried, twice (its orig_exc is appended).
      const why = `module 'ansible.constants' has no attribute '${name}'`;
      if (missing === 'error') throw new LookupFailure(`Unable to find setting ${name}. ${why}. ${why}`, true, 'ansible.errors.AnsibleLookupError');
      if (missing === 'warn') ctx.warn(`Skipping, did not find setting ${name}`);
    }
    return out;
  },
};

/** A setting from its environment variable, else ansible.cfg, else its default, typed as ansible-core's ensure_type. */
function settingValue([type, def, envs, ini]: [string, unknown, string[], Array<[string, string]>]): unknown {
  const fromEnv = envs.map((e) => process.env[e]).find((v) => v !== undefined);
  const cfg = fromEnv === undefined ? ansibleCfg() : undefined;
  const fromCfg = cfg ? ini.map(([section, key]) => cfg.sections.get(section)?.get(key)).find((v) => v !== undefined && v !== null) : undefined;
  const v = fromEnv ?? fromCfg ?? def;
  // Relative paths in ansible.cfg are relative to its directory.
  const base = fromCfg !== undefined && cfg ? path.dirname(cfg.file) : process.cwd();
  if (v === null || v === undefined) return null;
  const expand = (p: string) => path.resolve(base, p.startsWith('~') ? os.homedir() + p.slice(1) : p);
  switch (type) {
    case 'integer':
    case 'int':
      return Number.parseInt(String(v), 10);
    case 'float':
      return Number(v);
    case 'boolean':
    case 'bool':
      return typeof v === 'boolean' ? v : ['yes', 'on', '1', 'true', 'y', 't'].includes(String(v).toLowerCase());
    case 'list':
      return Array.isArray(v) ? v : String(v).split(',').map((s) => s.trim()).filter(Boolean);
    case 'pathspec':
      return Array.isArray(v) ? v.map(String).map(expand) : String(v).split(':').filter(Boolean).map(expand);
    case 'pathlist':
      return Array.isArray(v) ? v.map(String).map(expand) : String(v).split(',').map((s) => expand(s.trim()));
    case 'path':
    case 'tmppath':
    case 'tmp':
      return expand(String(v));
    default:
      return v;
  }
}

interface Cfg {
  file: string;
  sections: Map<string, Map<string, string | null>>;
}

/**
 * The ansible.cfg ansible-core would read: $ANSIBLE_CONFIG (a file or a
 * directory holding one), ./ansible.cfg unless the directory is
 * world-writable, ~/.ansible.cfg, /etc/ansible/ansible.cfg.
 */
function ansibleCfg(): Cfg | undefined {
  const env = process.env.ANSIBLE_CONFIG;
  const cwd = process.cwd();
  const candidates = [
    env && (fs.statSync(env, { throwIfNoEntry: false })?.isDirectory() ? path.join(env, 'ansible.cfg') : env),
    (fs.statSync(cwd).mode & 0o002) === 0 ? path.join(cwd, 'ansible.cfg') : undefined,
    path.join(os.homedir(), '.ansible.cfg'),
    '/etc/ansible/ansible.cfg',
  ];
  const file = candidates.find((f): f is string => typeof f === 'string' && fs.statSync(f, { throwIfNoEntry: false })?.isFile() === true);
  if (!file) return undefined;
  try {
    return { file, sections: parseIni(fs.readFileSync(file, 'utf8'), false, true, true) };
  } catch {
    return undefined;
  }
}

/**
 * inventory_hostnames: hosts matching the patterns, over the inventory that
 * `groups` describes (ansible-core builds one from it the same way).
 */
const inventoryHostnames: Lookup = {
  options: [],
  run: (terms, _o, ctx) => {
    const groups = ctx.variable('groups');
    if (!isMapping(groups)) return [];
    return selectHosts(groups as Record<string, string[]>, termList(terms).map(String));
  },
};

export function selectHosts(groups: Record<string, string[]>, patterns: string[]): string[] {
  const all = [...new Set(Object.values(groups).flat())];
  const parts = patterns.flatMap((p) => p.split(/[,:]/)).map((p) => p.trim()).filter(Boolean);
  const match = (p: string): string[] => {
    if (p === 'all' || p === '*') return groups.all ?? all;
    if (Object.hasOwn(groups, p)) return groups[p];
    const re = p.startsWith('~') ? new RegExp(p.slice(1)) : fnmatchToRegExp(p);
    const names = Object.keys(groups).filter((g) => re.test(g));
    if (names.length) return [...new Set(names.flatMap((g) => groups[g]))];
    const hosts = all.filter((h) => re.test(h));
    // ansible-core's implicit localhost: named, and not in the inventory, it still matches.
    if (hosts.length === 0 && (p === 'localhost' || p === '127.0.0.1' || p === '::1')) return [p];
    return hosts;
  };
  let hosts: string[] = [];
  for (const p of parts.filter((p) => !p.startsWith('&') && !p.startsWith('!'))) hosts.push(...match(p).filter((h) => !hosts.includes(h)));
  for (const p of parts.filter((p) => p.startsWith('&'))) {
    const keep = match(p.slice(1));
    hosts = hosts.filter((h) => keep.includes(h));
  }
  for (const p of parts.filter((p) => p.startsWith('!'))) {
    const drop = match(p.slice(1));
    hosts = hosts.filter((h) => !drop.includes(h));
  }
  return hosts;
}

export const CONTROLLER_LOOKUPS: Record<string, Lookup> = {
  env,
  pipe,
  lines,
  vars,
  varnames,
  config,
  password,
  inventory_hostnames: inventoryHostnames,
};
