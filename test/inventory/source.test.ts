import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { hostSource, loadInventory } from '../../src/inventory/index.js';
import { writeTree } from './helpers.js';

test('the host source the engine is handed answers from the inventory, group_vars beside the playbook included', () => {
  const dir = writeTree({
    'inv/hosts.ini': '[web]\nweb1\nweb2 port=2\n[db]\ndb1\n',
    'inv/group_vars/web.yml': 'tier: front\n',
    'pb/host_vars/web2.yml': 'port: 3\n',
    'pb/web.retry': 'web2\n',
  });
  const inv = loadInventory([path.join(dir, 'inv/hosts.ini')], { cwd: dir });
  const hosts = hostSource(inv, { cwd: path.join(dir, 'pb'), playbookDir: path.join(dir, 'pb') });
  const cases: Array<[string, unknown, unknown]> = [
    ['names', hosts.names(), ['web1', 'web2', 'db1']],
    ['select a pattern', hosts.select('web:!web1'), ['web2']],
    ['select a retry file, relative to cwd', hosts.select('@web.retry'), ['web2']],
    ['inventory vars (group_vars)', hosts.varsFor('web1').tier, 'front'],
    ['host_vars beside the playbook win over the inventory line', hosts.varsFor('web2').port, 3],
    ['groups', hosts.groups().web, ['web1', 'web2']],
    ['group_names', hosts.groupNames('db1'), ['db']],
    ['inventory_dir', hosts.dir, path.join(dir, 'inv')],
  ];
  for (const [what, got, want] of cases) assert.deepEqual(got, want, what);
});
