import type { ModuleResult } from '../model/index.js';
import { readArgs, specValidator, type ArgSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';

const SPEC: ArgSpec = {
  options: {
    key: { type: 'str', required: true },
    parents: { type: 'list', elements: 'str', default: ['all'] },
  },
};

/**
 * `group_by`: puts the host in the group named `key`, a child of each of
 * `parents`. As ansible-core's action, it only says what to add (spaces in
 * names become `-`); the engine changes the inventory and sets `changed`.
 */
export const groupByModule: Module = {
  name: 'group_by',
  supportsCheck: true,
  controllerOnly: true,
  validate: specValidator('group_by', SPEC),
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const a = readArgs('group_by', SPEC, ctx.args);
    const dash = (s: string) => s.replace(/ /g, '-');
    return { changed: false, add_group: dash(a.key as string), parent_groups: (a.parents as string[]).map(dash) };
  },
};
