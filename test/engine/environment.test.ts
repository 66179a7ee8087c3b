/**
 * `environment:` values reach the command on stdin, never in an argument
 * list: any user of the target can read every process's argv (`ps`), but
 * not its environment. Over the local transport and the in-process ssh2
 * server; real sshd and sudo in test/system/secrets.test.ts.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeFixture, type Fixture } from '../transport/ssh-helpers.js';
import { runProject, LOCAL_INVENTORY } from '../helpers/run.js';

let fx: Fixture;
before(async () => {
  fx = await makeFixture();
});
after(async () => {
  await fx.cleanup();
});

// Not a secret-named variable: masking is not what keeps it out of `ps` here.
const VALUE = 'v-7f3a9c-env-value';

/** Prints the argv of the shell and every ancestor up to pid 1, then the variable. */
const CHAIN = `p=$$
while [ "$p" -gt 1 ]; do
  printf 'argv %s: ' "$p"; xargs -0 printf '%s ' < /proc/$p/cmdline; echo
  p=$(sed 's/.*) //' /proc/$p/stat | cut -d' ' -f2)
done
echo "got=$APP_SETTING"
`;

const PLAYBOOK = `
- hosts: all
  gather_facts: false
  tasks:
    - name: chain
      shell: sh {{ playbook_dir }}/chain.sh
      environment: {APP_SETTING: "{{ env_value }}"}
      register: plain
    - name: chain async
      shell: sh {{ playbook_dir }}/chain.sh
      environment: {APP_SETTING: "{{ env_value }}"}
      async: 20
      poll: 1
      register: job
    - name: chain with stdin
      shell: sh {{ playbook_dir }}/chain.sh; cat
      args: {stdin: own input}
      environment: {APP_SETTING: "{{ env_value }}"}
      register: fed
    - debug: {msg: "{{ [plain.stdout, job.stdout, fed.stdout] }}"}
`;

const inventories: Array<[string, () => string]> = [
  ['local', () => LOCAL_INVENTORY.replace('[web]\nweb1\nweb2\n[db]\ndb1\n', '[web]\nweb1\n')],
  ['ssh', () => `web1 ansible_host=127.0.0.1 ansible_port=${fx.server.port} ansible_user=tester ansible_ssh_private_key_file=${fx.keyFile} playwatch_known_hosts=${fx.knownHosts}\n`],
];

test('environment values arrive in the command but in no argv of it or its ancestors, plain, async and with stdin', async () => {
  for (const [name, inventory] of inventories) {
    const run = await runProject({ files: { 'inventory.ini': inventory(), 'site.yml': PLAYBOOK, 'chain.sh': CHAIN }, extraVars: { env_value: VALUE } });
    assert.equal(run.exitCode, 0, `${name}: ${run.plain}`);
    const msg = run.of('host.ok').find((e) => e.task.module === 'debug')!.result.msg as unknown as string[];
    const [plain, job, fed] = msg;
    for (const [what, out] of [['plain', plain], ['async', job], ['stdin', fed]] as const) {
      assert.match(out, /^argv \d+: /m, `${name} ${what}: the chain was printed`);
      const argvs = out.split('\n').filter((l) => l.startsWith('argv '));
      assert.ok(argvs.length >= 2, `${name} ${what}: ancestors seen\n${out}`);
      assert.ok(!argvs.some((l) => l.includes(VALUE)), `${name} ${what}: no argv holds the value\n${out}`);
      assert.match(out, new RegExp(`^got=${VALUE}$`, 'm'), `${name} ${what}: the variable arrived`);
    }
    assert.match(fed, /got=[^\n]*\nown input$/, `${name}: the task's own stdin follows, untouched`);
  }
});
