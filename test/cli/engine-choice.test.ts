import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../../src/model/index.js';
import { shellLine, unsupportedReason, withAnsibleHint, withEngine } from '../../src/cli/engine-choice.js';

const pos = { file: 'site.yml', line: 5, col: 7 };

test('--engine auto goes to ansible-core for what playwatch lacks, not for mistakes in the playbook', () => {
  const rows: Array<[string, string | undefined]> = [
    ["unknown module 'ansible.builtin.debconf'", "module 'ansible.builtin.debconf' is not built into playwatch"],
    ["unknown module 'community.docker.docker_container'", "module 'community.docker.docker_container' is not built into playwatch"],
    ["unknown module 'comand' (did you mean 'command'?)", undefined],
    ["module 'docker_container' is not a builtin, and playwatch does not have the collection 'community.docker' listed in 'collections:'; use a builtin module", "module 'docker_container' is not a builtin, and playwatch does not have the collection 'community.docker' listed in 'collections:'"],
    ["lookup plugin 'hashi_vault' is not available in playwatch", "lookup plugin 'hashi_vault' is not built into playwatch"],
    ["'vars_prompt' is not supported by playwatch (a deploy must not stop to ask); pass the value with -e", "'vars_prompt' is not supported by playwatch (a deploy must not stop to ask)"],
    ["unknown keyword 'whn' (did you mean 'when'?)", undefined],
    ['invalid YAML: bad indentation', undefined],
  ];
  for (const [detail, want] of rows) assert.equal(unsupportedReason(new UserError(detail, pos)), want, detail);
});

test('the native load error names the command that runs the playbook under ansible-core', () => {
  const err = withAnsibleHint(new UserError("unknown module 'ansible.builtin.debconf'", pos), ['run', 'site.yml', '-i', 'my inv.ini', '--engine', 'native']);
  assert.equal(err.message, "site.yml:5:7: unknown module 'ansible.builtin.debconf'\n  playwatch's engine does not have this; ansible-core does, with the same live view and records: playwatch run site.yml -i 'my inv.ini' --engine ansible");
  assert.deepEqual(withEngine(['run', 'a.yml', '--engine=auto', '--', '-vvv'], 'ansible'), ['run', 'a.yml', '--engine', 'ansible', '--', '-vvv']);
  assert.equal(shellLine(["it's"]), `'it'\\''s'`);
});
