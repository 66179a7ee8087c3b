/** How the CLI loads inventories: settings, vault, and Jinja for `constructed` sources. */
import type { Settings } from '../config/index.js';
import type { InventoryTemplater, LoadOptions } from '../inventory/index.js';
import type { Vault } from '../model/index.js';
import { evalCond, evalExpr, render } from '../template/index.js';

/** Jinja for inventory plugins, from template/ (inventory/ may not import it). */
export const inventoryTemplater: InventoryTemplater = {
  expr: (expr, vars) => evalExpr(expr, vars),
  cond: (expr, vars) => evalCond(expr, vars),
  template: (text, vars) => render(text, vars),
};

export function inventoryOptions(settings: Settings, cwd: string, vault?: Vault): LoadOptions {
  return {
    cwd,
    vault,
    scriptTimeoutMs: settings.inventoryScriptTimeout * 1000,
    ignoreExts: settings.inventoryIgnoreExtensions,
    templater: inventoryTemplater,
  };
}
