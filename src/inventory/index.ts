/**
 * Inventories: INI and YAML sources, `group_vars/` and `host_vars/`, the
 * inventory layers of variable precedence, and host patterns.
 */
export { loadInventory, IGNORED_EXTS, type LoadOptions } from './load.js';
export { SCRIPT_TIMEOUT_MS } from './script.js';
export { inventoryListing, type InventoryListing } from './listing.js';
export type { InventoryTemplater } from './constructed.js';
export { takeInventoryWarnings } from './yaml-file.js';
export { hostSource } from './source.js';
export { ensureImplicitLocalhost, isImplicit, LOCALHOST_NAMES } from './data.js';
export { inventoryVarsFor, groupNamesOf, groupsMap, groupHosts, sortedGroupsOf } from './vars.js';
export {
  selectHosts,
  unmatchedPatterns,
  limitHosts,
  evaluatePattern,
  splitPattern,
  type PatternOptions,
  type Selection,
} from './pattern.js';
export { parseIniValue } from './literal.js';
export { expandHostRange } from './ranges.js';
