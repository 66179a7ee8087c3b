import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadModules, moduleInfo } from '../../src/modules/index.js';
import { parseAddress } from '../../src/modules/add-host.js';

// Every module's code, so the synchronous loader and validate can check args (a run loads only what it names).
await loadModules();

const pos = { file: 'site.yml', line: 4, col: 7 };

/** Args refused at load, with the `file:line:col` error each gives; `null` means accepted. */
const LOAD: Array<[module: string, args: Record<string, unknown>, error: string | null]> = [
  ['group_by', { key: 'os_{{ ansible_distribution }}' }, null],
  ['group_by', { key: 'web', parents: ['all', 'site'] }, null],
  ['group_by', { key: 'web', parents: 'site' }, null],
  ['group_by', {}, "site.yml:4:7: module 'group_by': missing required arguments: key"],
  ['group_by', { key: 'web', parent: 'site' }, "site.yml:4:7: unsupported parameter 'parent' for module 'group_by' (did you mean 'parents'?)"],
  ['group_by', { key: 'web', parents: { a: 1 } }, `site.yml:4:7: module 'group_by': 'parents' must be a list, got {"a":1}`],
  ['add_host', { name: 'new1', groups: ['a', 'b'], color: 'blue' }, null],
  ['add_host', { hostname: 'new1:2200', groupname: 'a' }, null],
  ['add_host', { host: 'new1', group: 'a,b' }, null],
  ['add_host', { groups: 'a' }, "site.yml:4:7: module 'add_host': missing required arguments: name"],
  ['add_host', { name: 'a', hostname: 'b' }, "site.yml:4:7: module 'add_host': 'hostname' and 'name' are the same parameter; give it once"],
  ['add_host', { name: 'a', groups: { x: 1 } }, `site.yml:4:7: module 'add_host': 'groups' must be a list, got {"x":1}`],
  ['add_host', { _raw_params: 'new1' }, "site.yml:4:7: module 'add_host' takes name=value pairs or a mapping, not free-form text"],
  ['set_stats', { data: { deployed: 1 }, per_host: true, aggregate: 'no' }, null],
  ['set_stats', { data: { '{{ name }}': 1 } }, null],
  ['set_stats', {}, "site.yml:4:7: module 'set_stats': missing required arguments: data"],
  ['set_stats', { data: [1] }, "site.yml:4:7: module 'set_stats': 'data' must be a mapping, got [1]"],
  ['set_stats', { data: { 'bad name': 1 } }, "site.yml:4:7: module 'set_stats': The variable name 'bad name' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores."],
  ['set_stats', { data: { a: 1 }, per_host: 'sometimes' }, `site.yml:4:7: module 'set_stats': 'per_host' must be a boolean, got "sometimes"`],
  ['set_stats', { data: { a: 1 }, perhost: true }, "site.yml:4:7: unsupported parameter 'perhost' for module 'set_stats' (did you mean 'per_host'?)"],
];

for (const [module, args, error] of LOAD) {
  test(`${module} ${JSON.stringify(args)} is ${error === null ? 'accepted' : 'refused'} at load`, () => {
    const check = () => moduleInfo.validate!(module, args, pos);
    if (error === null) assert.doesNotThrow(check);
    else assert.throws(check, (e: Error) => e.message === error || assert.fail(`got: ${e.message}`));
  });
}

/** add_host's `name`: ansible's parse_address forms. */
const ADDRESSES: Array<[text: string, name: string, port: number | undefined]> = [
  ['web1', 'web1', undefined],
  ['web1:2200', 'web1', 2200],
  ['10.0.0.5:22', '10.0.0.5', 22],
  ['[fe80::1]:2222', 'fe80::1', 2222],
  ['[fe80::1]', 'fe80::1', undefined],
  ['fe80::1', 'fe80::1', undefined],
  ['web1:ssh', 'web1:ssh', undefined],
];

test("add_host reads 'host:port' the way ansible's parse_address does", () => {
  for (const [text, name, port] of ADDRESSES) assert.deepEqual(parseAddress(text), port === undefined ? { name } : { name, port }, text);
});
