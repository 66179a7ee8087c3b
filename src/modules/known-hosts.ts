import { createHmac, randomBytes } from 'node:crypto';
import type { ModuleResult } from '../model/index.js';
import { exactScript, missingFailure, missingScript, readExact, replaceScript, sections } from './accounts.js';
import { fileKeys, parseState, remoteFailure, stateScript } from './remote-file.js';
import { q, shPath } from './sh.js';
import { readArgs, specValidator, type ArgSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';

/** ansible-core 2.14's `known_hosts` options (`ansible-doc -j known_hosts`). */
const SPEC: ArgSpec = {
  options: {
    name: { type: 'str', required: true, aliases: ['host'] },
    key: { type: 'str' },
    path: { type: 'path', default: '~/.ssh/known_hosts' },
    hash_host: { type: 'bool', default: false },
    state: { type: 'str', default: 'present', choices: ['absent', 'present'] },
  },
};

interface Args {
  name: string;
  key?: string;
  path: string;
  hash_host: boolean;
  state: 'present' | 'absent';
}

/** `host type key` (with an `@marker` in front when there is one), as ansible's normalize_known_hosts_key. */
export function normalizeKey(line: string): Record<string, string> {
  const k = line.trim().split(/\s+/);
  if (k[0]?.startsWith('@')) return { options: k[0], host: k[1] ?? '', type: k[2] ?? '', key: k[3] ?? '' };
  return { host: k[0] ?? '', type: k[1] ?? '', key: k[2] ?? '' };
}

/** The host field replaced by `|1|salt|hmac` (OpenSSH's hashed form), as ansible's hash_host_key. */
export function hashHostKey(host: string, key: string, salt = randomBytes(20)): string {
  const hashed = createHmac('sha1', salt).update(host).digest('base64');
  const parts = key.trim().split(/\s+/);
  parts[parts[0]!.startsWith('@') ? 1 : 0] = `|1|${salt.toString('base64')}|${hashed}`;
  return parts.join(' ');
}

/** What `ssh-keygen -F` printed, read as ansible's search_for_host_key: found, replace_or_add, the line. */
export function searchOutput(stdout: string, key: string | undefined): { found: boolean; replace: boolean; line?: number } {
  if (!key) return { found: true, replace: false };
  const wanted = normalizeKey(key);
  let line: number | undefined;
  for (const l of stdout.split('\n')) {
    if (l === '') continue;
    if (l.startsWith('#')) {
      const m = /found: line (\d+)/.exec(l);
      if (m) line = Number(m[1]);
      continue;
    }
    const found = normalizeKey(l);
    if (wanted.host!.startsWith('|1|') && found.host!.startsWith('|1|')) wanted.host = found.host!;
    if (JSON.stringify(wanted) === JSON.stringify(found)) return { found: true, replace: false, line };
    if (wanted.type === found.type) return { found: true, replace: true, line };
  }
  return { found: true, replace: true };
}

/** The file's lines with the found line dropped (replacing or removing) and the key added (present), as compute_diff. */
export function newContent(before: string, line: number | undefined, replace: boolean, state: string, key: string | undefined): string {
  const lines: string[] = [...(before.match(/[^\n]*\n|[^\n]+$/g) ?? [])];
  if ((replace || state === 'absent') && line !== undefined && line >= 1 && line <= lines.length) lines.splice(line - 1, 1);
  if (state === 'present' && (replace || line === undefined)) lines.push(key ?? '');
  return lines.join('');
}

/** The read: the path expanded, ssh-keygen's check of the key against the host, its search of the file, and the file. */
export function knownHostsReadScript(host: string, key: string | undefined, path: string): string {
  return [
    `p=${shPath(path)}; h=${q(host)}`,
    missingScript(['ssh-keygen']),
    `echo '@@@ path'; printf '%s\\n' "$p"`,
    ...(key ? [`echo '@@@ sane'; t=$(mktemp) || exit 97; printf '%s' ${q(key)} >"$t"; ssh-keygen -F "$h" -f "$t" 2>/dev/null; rm -f -- "$t"`] : []),
    `echo '@@@ exists'; if [ -e "$p" ]; then echo yes; fi`,
    `echo '@@@ search'; if [ -e "$p" ]; then { err=$(ssh-keygen -F "$h" -f "$p" 2>&1 >&3); rc=$?; } 3>&1; fi`,
    `echo '@@@ search_rc'; echo "\${rc:-0}"`,
    `echo '@@@ search_err'; printf '%s\\n' "$err"`,
    pathInfoScript(),
    exactScript(`if [ -f "$p" ]; then cat -- "$p"; fi`),
  ].join('\n');
}

/** Replaces the file with stdin (mode and owner kept; a new file gets 0666 less the umask), or removes the host with ssh-keygen -R. */
export function knownHostsWriteScript(path: string, host: string, removeHost: boolean): string {
  if (removeHost) return `p=${q(path)}\nssh-keygen -R ${q(host)} -f "$p" >/dev/null || exit 94\n${pathInfoScript()}`;
  return [
    `p=${q(path)}`,
    replaceScript(),
    pathInfoScript(),
  ].join('\n');
}

/** The section `stat`: the state of the path in `$p`, for the keys ansible-core adds to a result naming a path. */
function pathInfoScript(): string {
  return `echo '@@@ stat'\n(\n${stateScript()}\n)`;
}

/** ansible-core's add_path_info: owner, mode, state (`file`…), size of the path, when it exists. */
function pathInfo(path: string, section: string | undefined): Record<string, unknown> {
  const st = parseState(path, section ?? '');
  return st.exists ? fileKeys(st) : {};
}

/**
 * `known_hosts`: one command reads the file and asks the target's
 * ssh-keygen (-F, which reads hashed entries too) where the host is; the
 * change is decided here as ansible-core's enforce_state decides it, and
 * one more command replaces the file (or runs ssh-keygen -R). The result
 * always carries the diff, as ansible-core's.
 */
export const knownHostsModule: Module = {
  name: 'known_hosts',
  supportsCheck: true,
  validate: specValidator('known_hosts', SPEC),
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const a = readArgs('known_hosts', SPEC, ctx.args) as unknown as Args;
    const host = a.name.toLowerCase();
    if (!a.key && a.state !== 'absent') return { failed: true, changed: false, msg: 'No key specified when adding a host' };
    if (a.key && /\S+(\s+)?,(\s+)?/.test(host)) {
      return { failed: true, changed: false, msg: 'Comma separated list of names is not supported. Please pass a single name to lookup in the known_hosts file.' };
    }
    let key = a.key ? (a.hash_host ? hashHostKey(host, a.key) : a.key) : undefined;
    if (key && !key.endsWith('\n')) key += '\n';
    const res = await ctx.exec(knownHostsReadScript(host, key, a.path));
    const exact = readExact(res.stdout);
    if (res.rc !== 0 || !exact) return remoteFailure(`could not read ${a.path}`, res);
    const s = sections(res.stdout.slice(0, res.stdout.indexOf('@@@ begin\n')));
    const lacking = missingFailure('known_hosts', s.get('missing'), ['ssh-keygen']);
    if (lacking) return lacking;
    if (key && !s.get('sane')) return { failed: true, changed: false, msg: 'Host parameter does not match hashed host field in supplied key' };
    const path = s.get('path') ?? a.path;
    const exists = s.get('exists') === 'yes';
    const out = s.get('search') ?? '';
    const err = s.get('search_err') ?? '';
    const rc = Number(s.get('search_rc') ?? 0);
    let search: { found: boolean; replace: boolean; line?: number } = { found: false, replace: false };
    if (exists && !(out === '' && err === '' && (rc === 0 || rc === 1))) {
      if (rc !== 0) return { failed: true, changed: false, msg: `ssh-keygen failed (rc=${rc}, stdout='${out}',stderr='${err}')` };
      search = searchOutput(out, key);
    }
    const before = exact.text;
    const after = newContent(before, search.line, search.replace, a.state, key);
    const diff = { before_header: exists ? path : '/dev/null', after_header: path, before, after };
    const result: ModuleResult = { name: a.name, key: a.key ?? null, path, hash_host: a.hash_host, state: a.state, diff };
    if (a.state === 'absent' && search.line === undefined && key) return { ...result, ...pathInfo(path, s.get('stat')), changed: false };
    const changed = search.replace || (a.state === 'present') !== search.found;
    if (ctx.check) return { changed, diff };
    if (!changed) return { ...result, ...pathInfo(path, s.get('stat')), changed: false };
    const removeHost = search.found && !key && a.state === 'absent';
    const w = await ctx.exec(knownHostsWriteScript(path, host, removeHost), removeHost ? {} : { stdin: after });
    if (w.rc !== 0) return remoteFailure(`Failed to write to file ${path}`, w);
    return { ...result, ...pathInfo(path, sections(w.stdout).get('stat')), changed: true };
  },
};
