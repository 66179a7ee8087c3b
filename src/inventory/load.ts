/** Loading inventory sources: files, directories and `a,b,` host lists. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Inventory, Vault } from '../model/index.js';
import { UserError, vaultedText } from '../model/index.js';
import { addHost, emptyInventory, reconcile } from './data.js';
import { parseIniInventory } from './ini.js';
import { splitPort } from './ranges.js';
import { looksLikeYamlInventory, parseYamlInventory } from './yaml-inventory.js';

/**
 * Extensions skipped when a directory is the inventory source: ansible-core's
 * INVENTORY_IGNORE_EXTS (its REJECT_EXTS plus `.orig`, `.cfg`, `.retry`).
 */
const IGNORED_EXTS = ['.orig', '.cfg', '.retry', '.pyc', '.pyo', '.swp', '.bak', '~', '.rpm', '.md', '.txt', '.rst'];
const YAML_EXTS = ['.yml', '.yaml', '.json'];

/**
 * Load and merge inventory sources, in order. A source is a file (INI, or
 * YAML/JSON by extension or content), a directory (every file in it, as
 * ansible-core does), or a host list `web1,web2,` (a source with a comma that
 * is not an existing path). No sources: an implicit inventory of `localhost`
 * on the local connection, with `implicit: true`. `vault` opens encrypted
 * inventory files and `!vault` values in them.
 */
export function loadInventory(sources: string[], opts: { cwd?: string; vault?: Vault } = {}): Inventory {
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
      loadDirectory(inv, full, opts.vault);
      addSourceDir(inv, full);
    } else if (stat) {
      loadFile(inv, full, opts.vault);
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
 * Every file under `dir`, subdirectories too. A directory reached twice (a
 * symlink loop such as `all -> .`) or an entry that cannot be read (a
 * dangling link) is a user error naming the path, not a crash.
 */
function loadDirectory(inv: Inventory, dir: string, vault: Vault | undefined, seen = new Set<string>()): void {
  const real = fsStep(dir, () => fs.realpathSync(dir));
  if (seen.has(real)) throw new UserError(`inventory directory ${dir}: a symbolic link loop leads back to ${real}`);
  seen.add(real);
  for (const name of fsStep(dir, () => fs.readdirSync(dir)).sort()) {
    if (name.startsWith('.') || name === 'group_vars' || name === 'host_vars') continue;
    if (IGNORED_EXTS.some((ext) => name.endsWith(ext))) continue;
    const full = path.join(dir, name);
    if (fsStep(full, () => fs.statSync(full)).isDirectory()) loadDirectory(inv, full, vault, seen);
    else loadFile(inv, full, vault);
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
 * Load one inventory file (opened first when vault-encrypted), choosing
 * YAML or INI by extension, then by content.
 */
export function loadFile(inv: Inventory, file: string, vault?: Vault): void {
  const { text } = vaultedText(fsStep(file, () => fs.readFileSync(file, 'utf8')), vault, { file, line: 1, col: 1 });
  const isYaml = YAML_EXTS.includes(path.extname(file).toLowerCase()) || looksLikeYamlInventory(text);
  if (isYaml) parseYamlInventory(inv, text, file, vault);
  else parseIniInventory(inv, text, file);
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
