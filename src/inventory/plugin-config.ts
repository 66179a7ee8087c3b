/**
 * YAML inventory plugin configs (`plugin: NAME` at the top), as
 * ansible-core's `auto` plugin reads them. playwatch runs `constructed`;
 * any other plugin is one error that names it and says what to do instead.
 */
import { isMap, isScalar, type Node } from 'yaml';
import type { Inventory } from '../model/index.js';
import { UserError } from '../model/index.js';
import { applyConstructed, type InventoryTemplater } from './constructed.js';
import type { YamlSource } from './yaml-file.js';

/** ansible-core's inventory plugins that read an inventory file themselves: a `plugin:` config for them is not an inventory. */
const FILE_FORMATS = ['ini', 'yaml', 'script', 'auto', 'toml', 'host_list', 'advanced_host_list'];

/** The `plugin:` value when the document is a plugin config, else undefined. */
export function pluginName(src: YamlSource): string | undefined {
  const root = src.doc.contents as Node | null;
  if (!isMap(root)) return undefined;
  const pair = root.items.find((p) => isScalar(p.key) && p.key.value === 'plugin');
  if (!pair) return undefined;
  return isScalar(pair.value) && pair.value.value != null ? String(pair.value.value) : '';
}

/** Apply the plugin config in `src` to `inv`. */
export function applyPluginConfig(inv: Inventory, src: YamlSource, templater: InventoryTemplater | undefined): void {
  const name = pluginName(src) ?? '';
  const root = src.doc.contents as Node;
  const pair = (root as unknown as { items: Array<{ key: Node; value: Node }> }).items.find((p) => isScalar(p.key) && p.key.value === 'plugin')!;
  const pos = src.pos(pair.value ?? pair.key);
  const short = name.replace(/^ansible\.(builtin|legacy)\./, '');
  if (short === 'constructed') {
    applyConstructed(inv, src.toJS(root) as Record<string, unknown>, src.file, templater);
    return;
  }
  if (FILE_FORMATS.includes(short)) {
    throw new UserError(
      `'plugin: ${name}' is not an inventory: the ${short} plugin reads inventory files directly (ansible-core does not parse this file either); ` +
        `drop the 'plugin:' line and write the inventory itself, or give the ${short} file as the source`,
      pos,
    );
  }
  throw new UserError(
    `inventory plugin '${name || '(empty)'}' is not built into playwatch (it has ini, yaml, script, constructed). ` +
      `Export the inventory once with \`ansible-inventory -i ${src.file} --list --yaml > inventory.yml\` and use \`-i inventory.yml\`, ` +
      `or run the playbook with ansible-playbook`,
    pos,
  );
}
