/**
 * The argument specs of the service and package modules against
 * ansible-core 2.14's own (`ansible-doc -j NAME`): the same option names,
 * aliases, types, choices and defaults, and the documented return keys
 * named. Needs ansible-core.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { APT_SPEC } from '../../src/modules/apt.js';
import { REPO_SPEC } from '../../src/modules/apt-repository.js';
import { DNF_SPEC } from '../../src/modules/dnf.js';
import { PIP_SPEC } from '../../src/modules/pip.js';
import { SERVICE_SPEC } from '../../src/modules/service.js';
import type { ArgSpec } from '../../src/modules/spec.js';
import { SYSTEMD_SPEC } from '../../src/modules/systemd.js';
import { YUM_SPEC } from '../../src/modules/yum.js';

const SPECS: Record<string, ArgSpec> = {
  systemd: SYSTEMD_SPEC, systemd_service: SYSTEMD_SPEC, service: SERVICE_SPEC, apt: APT_SPEC,
  apt_repository: REPO_SPEC, pip: PIP_SPEC, dnf: DNF_SPEC, yum: YUM_SPEC,
};

/** Where playwatch's result keys stand for ansible-core's documented return values (checked by the fleet tests). */
const RETURNS: Record<string, string[]> = {
  systemd: ['status'], systemd_service: ['status'], apt: ['cache_update_time', 'cache_updated', 'stderr', 'stdout'],
  pip: ['cmd', 'name', 'requirements', 'version', 'virtualenv'],
};

interface DocOption {
  type?: string;
  aliases?: string[];
  choices?: unknown[];
  default?: unknown;
}

function doc(name: string): { options: Record<string, DocOption>; returns: string[] } {
  const r = spawnSync('ansible-doc', ['-j', name], { encoding: 'utf8', maxBuffer: 16 << 20 });
  if (r.error) throw new Error(`ansible-doc could not run (install ansible-core): ${r.error.message}`);
  const d = JSON.parse(r.stdout)[name];
  return { options: d.doc.options, returns: Object.keys(d.return ?? {}) };
}

/** ansible-doc writes boolean defaults as yes/no words. */
function normal(v: unknown): unknown {
  if (v === 'yes' || v === 'true') return true;
  if (v === 'no' || v === 'false') return false;
  return v ?? null;
}

for (const [name, spec] of Object.entries(SPECS)) {
  test(`${name}: the options are ansible-core 2.14's, with their aliases, types, choices and defaults`, () => {
    const d = doc(name);
    assert.deepEqual(Object.keys(spec.options).sort(), Object.keys(d.options).sort());
    for (const [opt, theirs] of Object.entries(d.options)) {
      const ours = spec.options[opt]!;
      const type = ours.type === 'mode' ? 'raw' : ours.type;
      assert.equal(type, theirs.type ?? 'str', `${opt}: type`);
      assert.deepEqual([...(ours.aliases ?? [])].sort(), [...(theirs.aliases ?? [])].sort(), `${opt}: aliases`);
      if (theirs.choices) assert.deepEqual([...(ours.choices ?? [])].map(String).sort(), theirs.choices.map(String).sort(), `${opt}: choices`);
      assert.deepEqual(normal(ours.default), normal(theirs.default), `${opt}: default`);
    }
    assert.deepEqual(d.returns.sort(), (RETURNS[name] ?? []).sort());
  });
}

test('package: name, state and use, as ansible-core documents them', () => {
  assert.deepEqual(Object.keys(doc('package').options).sort(), ['name', 'state', 'use']);
});
