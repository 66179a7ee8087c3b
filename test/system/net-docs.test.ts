/**
 * The argument specs of the network modules against ansible-core 2.14's
 * own (`ansible-doc -j NAME`): the same option names, aliases, types,
 * choices and defaults (those playwatch refuses included, so they are
 * refused by name rather than as unknown), and the result keys playwatch
 * returns are among the documented ones. Needs ansible-core.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { ArgSpec } from '../../src/modules/spec.js';
import { SPEC as WAIT_FOR } from '../../src/modules/wait-for.js';
import { SPEC as URI } from '../../src/modules/uri.js';
import { SPEC as GET_URL } from '../../src/modules/get-url.js';
import { SPEC as GIT } from '../../src/modules/git.js';
import { SPEC as WAIT_FOR_CONNECTION } from '../../src/modules/wait-for-connection.js';
import { SPEC as REBOOT } from '../../src/modules/reboot.js';

/** Each module's spec, and the documented return keys playwatch gives. */
const MODULES: Record<string, [ArgSpec, string[]]> = {
  wait_for: [WAIT_FOR, ['elapsed', 'match_groupdict', 'match_groups']],
  uri: [URI, ['content', 'cookies', 'cookies_string', 'elapsed', 'msg', 'path', 'redirected', 'status', 'url']],
  get_url: [GET_URL, ['backup_file', 'checksum_dest', 'checksum_src', 'dest', 'elapsed', 'gid', 'group', 'md5sum', 'mode', 'msg', 'owner', 'size', 'state', 'status_code', 'uid', 'url']],
  git: [GIT, ['after', 'before', 'remote_url_changed']],
  wait_for_connection: [WAIT_FOR_CONNECTION, ['elapsed']],
  reboot: [REBOOT, ['elapsed', 'rebooted']],
};

/** Defaults ansible-doc writes as prose. */
const PROSE = new Set(['reboot.reboot_command']);

const normal = (v: unknown): unknown => (v === 'yes' || v === 'true' ? true : v === 'no' || v === 'false' ? false : v ?? null);

for (const [name, [spec, returns]] of Object.entries(MODULES)) {
  test(`${name}: the options are ansible-core 2.14's, with their aliases, types, choices and defaults`, () => {
    const r = spawnSync('ansible-doc', ['-j', name], { encoding: 'utf8', maxBuffer: 16 << 20 });
    if (r.error) throw new Error(`ansible-doc could not run (install ansible-core): ${r.error.message}`);
    const d = JSON.parse(r.stdout)[name];
    const theirs: Record<string, { type?: string; aliases?: string[]; choices?: unknown[]; default?: unknown }> = d.doc.options;
    assert.deepEqual(Object.keys(spec.options).sort(), Object.keys(theirs).sort());
    for (const [opt, t] of Object.entries(theirs)) {
      const ours = spec.options[opt]!;
      assert.equal(ours.type === 'mode' ? 'raw' : ours.type, t.type ?? 'str', `${opt}: type`);
      assert.deepEqual([...(ours.aliases ?? [])].sort(), [...(t.aliases ?? [])].sort(), `${opt}: aliases`);
      if (t.choices) assert.deepEqual([...(ours.choices ?? [])].map(String).sort(), t.choices.map(String).sort(), `${opt}: choices`);
      if (!PROSE.has(`${name}.${opt}`)) assert.deepEqual(normal(ours.default), normal(t.default), `${opt}: default`);
    }
    const documented = Object.keys(d.return ?? {});
    assert.deepEqual(returns.filter((k) => !documented.includes(k)), []);
  });
}
