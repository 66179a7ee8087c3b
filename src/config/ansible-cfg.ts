/** Finding and reading ansible.cfg the way ansible-core does. */
import fs from 'node:fs';
import path from 'node:path';
import type { Pos } from '../model/index.js';
import { UserError } from '../model/index.js';
import { resolvePath } from './values.js';

/** One `key = value` of an ansible.cfg, with where its value starts. */
export interface CfgValue {
  value: string;
  pos: Pos;
}

/** Parsed ansible.cfg: section → key (lowercase) → value. */
export type CfgFile = Map<string, Map<string, CfgValue>>;

/** Where to look, for tests; the defaults are ansible-core's. */
export interface CfgSearch {
  cwd: string;
  env: NodeJS.ProcessEnv;
  home: string;
  /** Default `/etc/ansible/ansible.cfg`. */
  systemConfig?: string;
}

/**
 * The ansible.cfg ansible-core would use: `$ANSIBLE_CONFIG` (a file, or a
 * directory holding ansible.cfg), `./ansible.cfg` (skipped, with a warning,
 * when the directory is world-writable), `~/.ansible.cfg`,
 * `/etc/ansible/ansible.cfg`; the first readable one wins.
 */
export function findAnsibleCfg(search: CfgSearch, warnings: string[]): string | undefined {
  const candidates: string[] = [];
  const fromEnv = search.env.ANSIBLE_CONFIG;
  let envFile: string | undefined;
  if (fromEnv !== undefined && fromEnv !== '') {
    const p = resolvePath(fromEnv, { dir: search.cwd, home: search.home });
    envFile = isDir(p) ? path.join(p, 'ansible.cfg') : p;
    candidates.push(envFile);
  }
  const local = path.join(search.cwd, 'ansible.cfg');
  const skipped = isWorldWritable(search.cwd) && fs.existsSync(local);
  if (!isWorldWritable(search.cwd)) candidates.push(local);
  candidates.push(path.join(search.home, '.ansible.cfg'));
  candidates.push(search.systemConfig ?? '/etc/ansible/ansible.cfg');
  const found = candidates.find(isReadableFile);
  // ansible-core warns only when $ANSIBLE_CONFIG did not pick the file.
  if (skipped && found !== envFile) warnings.push(worldWritableWarning(search.cwd, 'an ansible.cfg'));
  return found;
}

/**
 * Anyone on the machine can drop a config file into a world-writable
 * directory (a shared /tmp): ansible-core ignores its ansible.cfg there, and
 * playwatch does the same for ansible.cfg and playwatch.yml.
 */
export function isWorldWritable(dir: string): boolean {
  const st = fs.statSync(dir, { throwIfNoEntry: false });
  return st !== undefined && (st.mode & 0o002) !== 0;
}

/** ansible-core's warning (config/manager.py), for either file. */
export function worldWritableWarning(cwd: string, source: 'an ansible.cfg' | 'a playwatch.yml'): string {
  return (
    `playwatch is being run in a world writable directory (${cwd}), ignoring it as ${source} source. ` +
    'For more information see https://docs.ansible.com/ansible/devel/reference_appendices/config.html#cfg-in-world-writable-dir'
  );
}

function isDir(p: string): boolean {
  return fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function isReadableFile(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.R_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * Parse ansible.cfg text as Python's configparser does with ansible-core's
 * options: `key = value` or `key: value`, `#`/`;` comment lines, `;`
 * inline comments after whitespace, indented continuation lines, keys
 * case-insensitive, duplicate sections or keys are errors.
 */
export function parseAnsibleCfg(text: string, file: string): CfgFile {
  const out: CfgFile = new Map();
  const seenSections = new Set<string>();
  let section: Map<string, CfgValue> | undefined;
  let sectionName = '';
  let last: CfgValue | undefined;
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n];
    const at = (col: number): Pos => ({ file, line: n + 1, col });
    const trimmed = raw.trim();
    const indent = raw.length - raw.trimStart().length;
    if (trimmed === '' || trimmed[0] === '#' || trimmed[0] === ';') {
      last = trimmed === '' ? undefined : last;
      continue;
    }
    if (indent > 0 && last) {
      last.value += '\n' + stripInlineComment(trimmed);
      continue;
    }
    const header = /^\[([^\]]+)\]/.exec(trimmed);
    if (header) {
      sectionName = header[1];
      if (seenSections.has(sectionName)) throw new UserError(`section [${sectionName}] appears twice`, at(indent + 1));
      seenSections.add(sectionName);
      section = new Map();
      out.set(sectionName, section);
      last = undefined;
      continue;
    }
    if (!section) throw new UserError('expected a [section] header before the first setting', at(indent + 1));
    const m = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(trimmed);
    if (!m) {
      const key = trimmed.toLowerCase();
      if (section.has(key)) throw new UserError(`'${key}' appears twice in [${sectionName}]`, at(indent + 1));
      last = { value: '', pos: at(indent + 1) };
      section.set(key, last);
      continue;
    }
    const key = m[1].toLowerCase();
    if (section.has(key)) throw new UserError(`'${key}' appears twice in [${sectionName}]`, at(indent + 1));
    const valueCol = raw.length - m[2].length - (raw.length - raw.trimEnd().length) + 1;
    last = { value: stripInlineComment(m[2]), pos: at(valueCol) };
    section.set(key, last);
  }
  return out;
}

function stripInlineComment(value: string): string {
  const m = /\s;/.exec(value);
  return (m ? value.slice(0, m.index) : value).trim();
}

/** Read and parse an ansible.cfg file. */
export function readAnsibleCfg(file: string): CfgFile {
  return parseAnsibleCfg(fs.readFileSync(file, 'utf8'), file);
}
