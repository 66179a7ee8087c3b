import path from 'node:path';
import fs from 'node:fs';
import type { NodeBase, Play, Role, TaskNode, Vars } from '../model/index.js';
import { ON_RESOLVED, ON_VAULT, ON_WARNING, type OnResolved } from '../template/index.js';
import type { Frame, PlayContext } from './context.js';

/** ansible-core's placeholder that drops an argument when a value is omitted. */
export const OMIT = '__omit_place_holder__playwatch';

/**
 * The variables a task sees on one host, in ansible-core's precedence
 * order, lowest first (DESIGN §3 and the foundation issue):
 * role defaults < inventory layers < facts < play vars < vars_files <
 * role vars < block/task vars < include_vars < set_fact/register <
 * role params < include params < extra vars. Magic vars sit on top.
 * The play's roles (listed under `roles:` or imported) lend their defaults
 * and vars to every task of the play, below the task's own role's
 * (ansible-core's private_role_vars = False, its default).
 */
export function scopeFor(pc: PlayContext, host: string, node: NodeBase | undefined, frame: Frame): Vars {
  const st = pc.hosts.get(host)!;
  const role = node?.role;
  const roles = playRoles(pc);
  const layers: Array<Vars | undefined> = [
    roles.defaults,
    role?.defaults,
    pc.inventoryVars(host),
    st.facts,
    pc.play.vars,
    pc.varsFilesVars,
    roles.vars,
    role?.vars,
    node?.vars,
    st.includedVars,
    st.hostFacts,
    role?.params,
    frame.get(host),
    pc.opts.extraVars,
  ];
  // Every value a task can see is assembled here, so here the masker learns
  // the secret-named ones, at any depth, whichever layer they come from.
  for (const layer of layers) pc.masker.learn(layer);
  const scope: Vars = {};
  for (const layer of layers) Object.assign(scope, layer === st.facts ? injectFacts(st.facts) : layer);
  // A secret made by a template (`db_password: "{{ vault_db_password }}"`) is learned when rendered.
  Object.defineProperty(scope, ON_RESOLVED, { value: learnRendered(pc), enumerable: true });
  // Lookups' warnings (`errors='warn'`) reach the operator as warning events.
  Object.defineProperty(scope, ON_WARNING, { value: warnings(pc), enumerable: true });
  // The file lookup opens vault-encrypted files with the run's passwords.
  if (pc.opts.vault) Object.defineProperty(scope, ON_VAULT, { value: pc.opts.vault, enumerable: true });
  Object.assign(scope, magicVars(pc, host));
  if (role) {
    // A collection role's role_name is its short name (ansible-core: get_name(include_role_fqcn=False)).
    scope.role_name = role.dir.includes(`${path.sep}ansible_collections${path.sep}`) ? path.basename(role.dir) : role.name;
    scope.role_path = role.dir;
  }
  if (node) scope.ansible_search_path = searchPath(node);
  return scope;
}

interface PlayRoles {
  uids: number[];
  names: string[];
  defaults: Vars;
  vars: Vars;
}

const rolesPerPlay = new WeakMap<PlayContext, PlayRoles>();

/** The roles of the play's static tree (`roles:`, import_role), once each, in order, with their merged defaults and vars. */
function playRoles(pc: PlayContext): PlayRoles {
  let r = rolesPerPlay.get(pc);
  if (r) return r;
  const seen = new Map<number, Role>();
  const walk = (nodes: TaskNode[]): void => {
    for (const n of nodes) {
      if (n.role && !seen.has(n.role.uid)) seen.set(n.role.uid, n.role);
      if (n.kind === 'block') {
        walk(n.block);
        walk(n.rescue);
        walk(n.always);
      }
    }
  };
  for (const s of pc.play.sections) walk(s.tasks);
  const list = [...seen.values()];
  r = {
    uids: list.map((x) => x.uid),
    names: [...new Set(list.map((x) => x.name))],
    defaults: Object.assign({}, ...list.map((x) => x.defaults)),
    vars: Object.assign({}, ...list.map((x) => x.vars)),
  };
  rolesPerPlay.set(pc, r);
  return r;
}

/** Roles an `include_role` with `public: true` loaded: from now on the play's tasks see their defaults and vars. */
export function addPublicRoles(pc: PlayContext, nodes: TaskNode[]): void {
  const r = playRoles(pc);
  const have = new Set(r.uids);
  const walk = (list: TaskNode[]): void => {
    for (const n of list) {
      if (n.role && !have.has(n.role.uid)) {
        have.add(n.role.uid);
        r.uids.push(n.role.uid);
        if (!r.names.includes(n.role.name)) r.names.push(n.role.name);
        Object.assign(r.defaults, n.role.defaults);
        Object.assign(r.vars, n.role.vars);
      }
      if (n.kind === 'block') {
        walk(n.block);
        walk(n.rescue);
        walk(n.always);
      }
    }
  };
  walk(nodes);
}

/**
 * `playbook_dir`: the directory of the file the play is written in. Under
 * `import_playbook` that is the imported file's (ansible-core sets its
 * loader's basedir to the play's `_included_path`).
 */
export function playbookDirOf(pc: PlayContext): string {
  return playDirOf(pc.play, pc.opts.playbook.dir);
}

/** The directory of the file `play` is written in (`topDir` when it has no file). */
export function playDirOf(play: Play, topDir: string): string {
  return play.pos.file ? path.dirname(path.resolve(play.pos.file)) : topDir;
}

/** ansible-core's Task.get_search_path: the role's directory, then the task file's. */
function searchPath(node: NodeBase): string[] {
  const out = node.role ? [node.role.dir] : [];
  const dir = path.resolve(path.dirname(node.pos.file));
  if (!out.includes(dir)) out.push(dir);
  return out;
}

const warners = new WeakMap<PlayContext, (message: string) => void>();

function warnings(pc: PlayContext): (message: string) => void {
  let f = warners.get(pc);
  if (!f) warners.set(pc, (f = (message) => pc.opts.emit({ type: 'warning', message })));
  return f;
}

const rendered = new WeakMap<PlayContext, OnResolved>();

function learnRendered(pc: PlayContext): OnResolved {
  let f = rendered.get(pc);
  if (!f) rendered.set(pc, (f = (name, value) => pc.masker.learn({ [name]: value })));
  return f;
}

function injectFacts(facts: Vars): Vars {
  const out: Vars = { ansible_facts: facts };
  for (const [k, v] of Object.entries(facts)) out[k.startsWith('ansible_') ? k : `ansible_${k}`] = v;
  return out;
}

/**
 * What does not change while a play runs, built once per play rather than
 * for every task on every host: `groups`, each host's `group_names`, and the
 * `hostvars` view (its getters read the hosts' state live).
 */
interface PlayMagic {
  groups: Record<string, string[]>;
  groupNames: Map<string, string[]>;
  hostvars: Vars;
}

const perPlay = new WeakMap<PlayContext, PlayMagic>();

function playMagic(pc: PlayContext): PlayMagic {
  let m = perPlay.get(pc);
  if (!m) perPlay.set(pc, (m = { groups: pc.opts.hosts.groups(), groupNames: new Map(), hostvars: hostvarsView(pc) }));
  return m;
}

/** The inventory changed (add_host, group_by, refresh_inventory): `groups`, `group_names` and `hostvars` are built again. */
export function forgetPlayMagic(pc: PlayContext): void {
  perPlay.delete(pc);
}

function groupNames(pc: PlayContext, host: string): string[] {
  const m = playMagic(pc);
  let names = m.groupNames.get(host);
  if (!names) m.groupNames.set(host, (names = pc.opts.hosts.groupNames(host)));
  return names;
}

let python: string | null | undefined;

/** ansible_playbook_python: the python3 ansible-playbook would run under here (playwatch itself needs none). */
function playbookPython(): string | null {
  if (python === undefined) {
    python = null;
    for (const dir of (process.env.PATH ?? '').split(':')) {
      if (dir && fs.existsSync(path.join(dir, 'python3'))) {
        python = path.join(dir, 'python3');
        break;
      }
    }
  }
  return python;
}

function magicVars(pc: PlayContext, host: string): Vars {
  // ansible-core leaves out hosts that failed or were unreachable, and those a meta ended in this batch;
  // add_host's new hosts count in ansible_play_hosts(_all) of the play that added them, not in its batch.
  const left = (h: string) => {
    const st = pc.hosts.get(h);
    if (!st) return true;
    return !(st.failed || st.unreachable || st.stopped || st.cancelled || (st.ended && (pc.batch?.hosts.includes(h) ?? true)));
  };
  const playHosts = (pc.addedHosts ? [...pc.playHosts, ...pc.addedHosts] : pc.playHosts).filter(left);
  const batch = (pc.batch?.hosts ?? pc.playHosts).filter(left);
  const magic = playMagic(pc);
  return {
    inventory_hostname: host,
    inventory_hostname_short: host.split('.')[0],
    group_names: groupNames(pc, host),
    groups: magic.groups,
    hostvars: magic.hostvars,
    play_hosts: batch,
    ansible_play_hosts: playHosts,
    ansible_play_hosts_all: pc.addedHosts ? [...pc.playHosts, ...pc.addedHosts] : pc.playHosts,
    ansible_play_batch: batch,
    ansible_play_name: pc.play.name,
    ansible_check_mode: pc.opts.check,
    ansible_diff_mode: Boolean(pc.opts.diff),
    ansible_role_names: playRoles(pc).names,
    ansible_playbook_python: playbookPython(),
    ansible_verbosity: pc.opts.verbosity ?? 0,
    ansible_run_tags: pc.opts.tags.only.length ? pc.opts.tags.only : ['all'],
    ansible_skip_tags: pc.opts.tags.skip,
    playbook_dir: playbookDirOf(pc),
    inventory_dir: pc.opts.hosts.dir ?? null,
    ansible_version: { full: '2.14.0', major: 2, minor: 14, revision: 0, string: '2.14.0' },
    omit: OMIT,
  };
}

/**
 * `hostvars`: every inventory host's vars (as in ansible-core, also hosts
 * no play has run on yet: a delegated host's facts show there), built only
 * when a template reads it. Getters keep the cost away from templates that
 * never look.
 */
function hostvarsView(pc: PlayContext): Vars {
  const view: Vars = {};
  for (const name of new Set([...pc.opts.hosts.names(), ...pc.hosts.keys()])) {
    Object.defineProperty(view, name, {
      enumerable: true,
      get: () => {
        const st = pc.hosts.get(name) ?? pc.run.delegated.get(name);
        // Another host's layers, maybe of a host whose own scope was never built.
        for (const layer of [pc.inventoryVars(name), st?.facts, st?.includedVars, st?.hostFacts]) pc.masker.learn(layer);
        return {
          ...pc.inventoryVars(name),
          ...injectFacts(st?.facts ?? {}),
          ...st?.includedVars,
          ...st?.hostFacts,
          inventory_hostname: name,
          group_names: groupNames(pc, name),
        };
      },
    });
  }
  return view;
}

/** `scope` with more variables on top (a loop's item and index), learned like every layer. */
export function scopeWith(pc: PlayContext, scope: Vars, top: Vars): Vars {
  pc.masker.learn(top);
  return { ...scope, ...top };
}

/** Drops arguments whose value is `omit`. */
export function dropOmitted(args: Vars): Vars {
  const out: Vars = {};
  for (const [k, v] of Object.entries(args)) if (v !== OMIT) out[k] = v;
  return out;
}

/** Directory a task's relative files resolve against. */
export function taskDir(node: NodeBase): string {
  return path.dirname(node.pos.file);
}
