/** Loading inventory sources: files, scripts, plugin configs, directories and `a,b,` host lists. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Inventory, Vault } from '../model/index.js';
import { UserError, vaultedText } from '../model/index.js';
import type { InventoryTemplater } from './constructed.js';
import { addHost, emptyInventory, reconcile } from './data.js';
import { parseIniInventory } from './ini.js';
import { applyPluginConfig, pluginName } from './plugin-config.js';
import { splitPort } from './ranges.js';
import { addScriptData, loadInventoryScript } from './script.js';
import { parseYaml, type YamlSource } from './yaml-file.js';
import { looksLikeYamlInventory, parseYamlInventory } from './yaml-inventory.js';

/**
 * Extensions skipped when a directory is the inventory source: ansible-core's
 * INVENTORY_IGNORE_EXTS default (its REJECT_EXTS plus `.orig`, `.ini`,
 * `.cfg`, `.retry`: yes, ansible-core skips `hosts.ini` inside a directory).
 */
export const IGNORED_EXTS = ['.pyc', '.pyo', '.swp', '.bak', '~', '.rpm', '.md', '.txt', '.rst', '.orig', '.ini', '.cfg', '.retry'];
const YAML_EXTS = ['.yml', '.yaml', '.json'];
// Entries of an inventory directory ansible-core never reads as sources.
const IGNORED_NAMES = ['group_vars', 'host_vars', 'vars_plugins'];
const ELF = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

export interface LoadOptions {
  cwd?: string;
  /** Opens encrypted inventory files and `!vault` values in them. */
  vault?: Vault;
  /** How long an inventory script may run (each `--list`/`--host` call), in ms. */
  scriptTimeoutMs?: number;
  /** Extensions skipped in inventory directories (ansible.cfg `inventory_ignore_extensions`). */
  ignoreExts?: string[];
  /** Jinja for `plugin: constructed` sources. */
  templater?: InventoryTemplater;
}

/**
 * Load and merge inventory sources, in order. A source is a file (an
 * executable script, a `plugin:` config, YAML/JSON or INI), a directory
 * (its entries in name order, as ansible-core reads them), or a host list
 * `web1,web2,` (a source with a comma that is not an existing path). No
 * sources: an implicit inventory of `localhost` on the local connection,
 * with `implicit: true`.
 */
export function loadInventory(sources: string[], opts: LoadOptions = {}): Inventory {
  const cwd = opts.cwd ?? process.cwd();
  const inv = emptyInventory();
  if (sources.length === 0) {
    addHost(inv, 'localhost', 'ungrouped', { ansible_connection: 'local' });
    inv.implicit = true;
    reconcile(inv);
    return inv;
  }
  for (const source of sources) {
    const full = path.resolve(cwd, expandHome(source));
    const stat = fsStep(full, () => fs.statSync(full, { throwIfNoEntry: false }));
    if (stat?.isDirectory()) {
      loadDirectory(inv, full, opts);
      addSourceDir(inv, full);
    } else if (stat) {
      loadFile(inv, full, opts);
      addSourceDir(inv, path.dirname(full));
    } else if (source.includes(',')) {
      loadHostList(inv, source);
    } else {
      throw new UserError(`inventory source '${source}' does not exist (resolved to ${full})`);
    }
  }
  reconcile(inv);
  return inv;
}

function addSourceDir(inv: Inventory, dir: string): void {
  if (!inv.sourceDirs.includes(dir)) inv.sourceDirs.push(dir);
}

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
}

/**
 * Entries in byte order (Python's `sorted(os.listdir())`), hidden and
 * ignored ones left out, subdirectories too. A directory reached twice (a
 * symlink loop such as `all -> .`) or an entry that cannot be read (a
 * dangling link) is a user error naming the path, not a crash.
 */
function loadDirectory(inv: Inventory, dir: string, opts: LoadOptions, seen = new Set<string>()): void {
  const real = fsStep(dir, () => fs.realpathSync(dir));
  if (seen.has(real)) throw new UserError(`inventory directory ${dir}: a symbolic link loop leads back to ${real}`);
  seen.add(real);
  const ignored = opts.ignoreExts ?? IGNORED_EXTS;
  const names = fsStep(dir, () => fs.readdirSync(dir)).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  for (const name of names) {
    if (name.startsWith('.') || IGNORED_NAMES.includes(name)) continue;
    if (ignored.some((ext) => ext !== '' && name.endsWith(ext))) continue;
    const full = path.join(dir, name);
    if (fsStep(full, () => fs.statSync(full)).isDirectory()) loadDirectory(inv, full, opts, seen);
    else loadFile(inv, full, opts);
  }
  seen.delete(real);
}

/** A file system call on an inventory path; its failure (ELOOP, ENOENT, EACCES) becomes a user error. */
function fsStep<T>(p: string, step: () => T): T {
  try {
    return step();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (!e.code) throw err;
    const why = e.code === 'ELOOP' ? 'a symbolic link loop' : e.code === 'ENOENT' ? 'a dangling symbolic link or a vanished file' : e.code;
    throw new UserError(`inventory source ${p} cannot be read: ${why} (${e.code})`);
  }
}

/**
 * Load one inventory file, choosing as ansible-core's plugins do in turn:
 * an executable starting with `#!` (or a binary) is run as a script; a YAML
 * mapping with `plugin:` is a plugin config; then YAML/JSON by extension or
 * content; then INI. Encrypted files are opened first.
 */
export function loadFile(inv: Inventory, file: string, opts: LoadOptions = {}): void {
  const raw = fsStep(file, () => fs.readFileSync(file));
  const shebang = raw.subarray(0, 2).toString('latin1') === '#!';
  if (isExecutable(file) && (shebang || raw.subarray(0, 4).equals(ELF))) {
    loadInventoryScript(inv, file, opts.scriptTimeoutMs);
    return;
  }
  try {
    loadDataFile(inv, file, raw.toString('utf8'), opts);
  } catch (err) {
    if (!shebang || !(err instanceof UserError)) throw err;
    throw new UserError(
      `${file} starts with '#!' but is not executable, so it was read as an inventory file, which failed (${err.message}); make it executable (chmod +x) to run it as an inventory script`,
    );
  }
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function loadDataFile(inv: Inventory, file: string, content: string, o: LoadOptions): void {
  const { text } = vaultedText(content, o.vault, { file, line: 1, col: 1 });
  const ext = path.extname(file).toLowerCase();
  const yaml = maybeYaml(text, file, o.vault);
  if (yaml && pluginName(yaml) !== undefined) {
    applyPluginConfig(inv, yaml, o.templater);
    return;
  }
  // `ansible-inventory --list` output, the same JSON a script prints: groups to host lists, `_meta.hostvars`.
  const data = yaml && ext === '.json' ? yaml.toJS(yaml.doc.contents as never) : undefined;
  if (data && typeof data === 'object' && !Array.isArray(data) && '_meta' in data) {
    addScriptData(inv, data, file);
    return;
  }
  const isYaml = YAML_EXTS.includes(ext) || looksLikeYamlInventory(text);
  if (isYaml) parseYamlInventory(inv, text, file, o.vault);
  else parseIniInventory(inv, text, file);
}

/** The parsed document when the text may be a plugin config or JSON; INI files are not tried. */
function maybeYaml(text: string, file: string, vault: Vault | undefined): YamlSource | undefined {
  if (!/^plugin\s*:|^\s*\{/m.test(text)) return undefined;
  try {
    return parseYaml(text, file, vault);
  } catch {
    return undefined;
  }
}

/** `web1,web2:2222,` — ansible-core's `host_list` source: hosts in `ungrouped`. */
function loadHostList(inv: Inventory, list: string): void {
  for (const item of list.split(',')) {
    const entry = item.trim();
    if (!entry) continue;
    const { name, port } = splitPort(entry);
    addHost(inv, name, 'ungrouped', port === undefined ? {} : { ansible_port: port });
  }
}
