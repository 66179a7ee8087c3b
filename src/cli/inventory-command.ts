/**
 * `playwatch inventory --list | --host NAME`: the inventory as playwatch
 * reads it (sources from `-i`, ansible.cfg or ANSIBLE_INVENTORY; scripts,
 * directories, constructed sources, group_vars/host_vars, vault), printed as
 * `ansible-inventory` prints it: JSON, keys sorted, indented by four.
 */
import path from 'node:path';
import { loadConfig } from '../config/index.js';
import { inventoryListing, inventoryVarsFor, isImplicit, loadInventory, takeInventoryWarnings } from '../inventory/index.js';
import { UserError } from '../model/index.js';
import { inventoryOptions } from './inventory-options.js';
import { errorLine } from './stderr.js';
import { vaultKeyring, type VaultFlags } from './vault-options.js';

export interface InventoryFlags extends VaultFlags {
  inventory?: string[];
  inventoryFile?: string[];
  list?: boolean;
  host?: string;
  /** Where the playbook would be: its group_vars/ and host_vars/ count too. */
  playbookDir?: string;
}

export async function inventoryCommand(flags: InventoryFlags): Promise<number> {
  if (!flags.list && flags.host === undefined) throw new UserError('No action selected, at least one of --host or --list needs to be specified.');
  if (flags.list && flags.host !== undefined) throw new UserError('Conflicting options used, only one of --host or --list can be used at the same time.');
  const cwd = process.cwd();
  const sources = [...(flags.inventory ?? []), ...(flags.inventoryFile ?? [])];
  const config = loadConfig({ cwd, env: process.env, cli: sources.length ? { inventory: sources } : {} });
  for (const w of config.warnings) errorLine(`[WARNING]: ${w}`);
  const vault = await vaultKeyring(flags, config, cwd);
  const inv = loadInventory(config.settings.inventory, inventoryOptions(config.settings, cwd, vault));
  for (const w of takeInventoryWarnings()) errorLine(`[WARNING]: ${w}`);
  const playbookDir = flags.playbookDir ? path.resolve(cwd, flags.playbookDir) : undefined;
  let out: unknown;
  if (flags.list) out = inventoryListing(inv, vault, playbookDir);
  else {
    const host = flags.host!;
    if (!inv.hosts.has(host) || isImplicit(inv, host)) throw new UserError('You must pass a single valid host to --host parameter');
    out = inventoryVarsFor(inv, host, playbookDir, vault);
  }
  process.stdout.write(`${JSON.stringify(sortKeys(out), null, 4)}\n`);
  return 0;
}

/** Python's `json.dumps(sort_keys=True)`: every mapping's keys in code point order; lists keep theirs. */
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const keys = Object.keys(v).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(keys.map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  }
  return v;
}
