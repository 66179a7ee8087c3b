import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runProject, debugMsgs } from '../helpers/run.js';
import { DEFAULT_SECRETS } from '../../src/engine/secrets.js';
import { resumeLines } from '../../src/cli/resume.js';

test('no_log hides a task result in every event but keeps the registered value whole', async () => {
  const run = await runProject({
    files: {
      'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - name: hidden
      shell: echo s3cr3t-output
      register: r
      no_log: true
    - name: uses it
      debug: {msg: "len={{ r.stdout | length }}"}
`,
    },
  });
  const all = JSON.stringify(run.events);
  assert.ok(!all.includes('s3cr3t-output'), 'the output is in no event');
  const hidden = run.of('host.ok').find((e) => e.task.name === 'hidden')!;
  assert.match(String(hidden.result.censored), /no_log: true/);
  assert.deepEqual(debugMsgs(run, 'uses it'), { web1: 'len=13' });
  assert.ok(!run.plain.includes('s3cr3t-output'));
});

test('values of secret-named variables are masked wherever they appear', async () => {
  const run = await runProject({
    extraVars: { api_token: 'tok-12345' },
    files: {
      'group_vars/all.yml': 'db_password: hunter22\n',
      'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - name: leaky
      shell: echo "connecting with {{ db_password }} and {{ api_token }}"
`,
    },
  });
  const all = JSON.stringify(run.events) + run.plain;
  assert.ok(!all.includes('hunter22'));
  assert.ok(!all.includes('tok-12345'));
  const leaky = run.of('host.ok').find((e) => e.task.name === 'leaky')!;
  assert.equal(leaky.result.stdout, 'connecting with ******** and ********');
});

/** Each variable layer with a secret-named variable of its own (finding 1). */
const LAYERS: Array<[layer: string, value: string]> = [
  ['role defaults', 'rd-secret-111'],
  ['role vars', 'rv-secret-222'],
  ['nested play vars (creds.api_password)', 'nested-secret-333'],
  ['include_vars', 'iv-secret-444'],
  ['task vars', 'tv-secret-555'],
  ['block vars', 'bv-secret-556'],
  ['set_fact', 'sf-secret-666'],
  ['vars_files', 'vf-secret-667'],
  ['inventory host var', 'inv-secret-777'],
  ['inventory ansible_become_pass (*_pass)', 'become-pw-888'],
  ['-e', 'ev-secret-999'],
  ['a loop item (item.password)', 'loop-secret-bbb'],
  ['hostvars of a host outside the play', 'hv-secret-hhh'],
  ['a template (rendered_password)', 'rendered-secret-321'],
  ['a nested template (creds2.api_password)', 'nested-tpl-secret'],
  ['controller environment fact MY_SECRET_KEY', 'env-secret-aaa'],
  ['controller environment fact AWS_SECRET_ACCESS_KEY', 'aws-secret-ccc'],
];

const LAYERED = {
  'inventory.ini': 'web1 ansible_connection=local deploy_credential=inv-secret-777 ansible_become_pass=become-pw-888\ndb1 ansible_connection=local other_password=hv-secret-hhh\n',
  'roles/app/defaults/main.yml': 'app_password: rd-secret-111\n',
  'roles/app/vars/main.yml': 'app_token: rv-secret-222\n',
  'roles/app/tasks/main.yml': '- {name: role echo, shell: "echo {{ app_password }} {{ app_token }}"}\n',
  'vars/extra.yml': 'db_passwd: iv-secret-444\n',
  'vars/files.yml': 'files_secret: vf-secret-667\n',
  'site.yml': `
- hosts: web1
  gather_facts: true
  vars:
    creds: {api_password: nested-secret-333, user: deploy}
    token_ttl: 3600
    short_token: abc12
    rendered_password: "{{ 'rend' ~ 'ered-secret-321' }}"
    creds2: {api_password: "{{ 'nested-tpl' ~ '-secret' }}"}
  vars_files: [vars/files.yml]
  roles: [app]
  tasks:
    - include_vars: vars/extra.yml
    - set_fact: {new_api_key: sf-secret-666}
    - name: layers echo
      shell: >-
        echo {{ creds.api_password }} {{ db_passwd }} {{ my_secret }} {{ new_api_key }} {{ files_secret }}
        {{ deploy_credential }} {{ ansible_become_pass }} {{ api_token }}
        {{ ansible_env.MY_SECRET_KEY }} {{ ansible_env.AWS_SECRET_ACCESS_KEY }} {{ rendered_password }} {{ creds2.api_password }}
      vars: {my_secret: tv-secret-555}
    - block:
        - {name: block echo, debug: {msg: "{{ block_secret }}"}}
      vars: {block_secret: bv-secret-556}
    - name: loop echo
      debug: {msg: "{{ item.name }} {{ item.password }}"}
      loop: [{name: bob, password: loop-secret-bbb}]
    - {name: numbers stay, debug: {msg: "ttl {{ token_ttl }} short {{ short_token }} again {{ short_token }}"}}
    - {name: facts shown, debug: {var: ansible_env}}
    - {name: other host, debug: {msg: "{{ hostvars['db1'].other_password }}"}}
    - {name: registers, shell: "printf 'reg-%s' secret-out", register: api_token_out}
    - {name: registered, debug: {msg: "{{ api_token_out.stdout }} by {{ api_token_out.cmd }} rc {{ api_token_out.rc }}"}}
`,
};

/** Runs LAYERED with the controller's environment holding two secrets (local hosts gather it as `ansible_env`). */
async function runLayered() {
  process.env.MY_SECRET_KEY = 'env-secret-aaa';
  process.env.AWS_SECRET_ACCESS_KEY = 'aws-secret-ccc';
  try {
    return await runProject({ extraVars: { api_token: 'ev-secret-999' }, files: LAYERED });
  } finally {
    delete process.env.MY_SECRET_KEY;
    delete process.env.AWS_SECRET_ACCESS_KEY;
  }
}

test('a secret-named value is masked whichever layer and depth it comes from, environment facts too', async () => {
  const run = await runLayered();
  assert.equal(run.exitCode, 0, run.plain);
  const all = JSON.stringify(run.events) + run.plain;
  const inClear = LAYERS.filter(([, value]) => all.includes(value)).map(([layer]) => layer);
  assert.deepEqual(inClear, [], 'values in clear, by the layer they came from');
  const echoed = run.of('host.ok').find((e) => e.task.name === 'layers echo')!;
  assert.equal(echoed.result.stdout, Array(12).fill('********').join(' '));
  const role = run.of('host.ok').find((e) => e.task.name === 'role echo')!;
  assert.equal(role.result.stdout, '******** ********');
  // A result registered under a secret name: its output is secret from then on, not what it says about the command.
  assert.deepEqual(debugMsgs(run, 'registered'), { web1: "******** by printf 'reg-%s' secret-out rc 0" });
});

test('a number is never a secret, and a short secret stays in clear with one warning naming it, never its value', async () => {
  const run = await runLayered();
  assert.deepEqual(debugMsgs(run, 'numbers stay'), { web1: 'ttl 3600 short abc12 again abc12' });
  const warnings = run.of('warning').map((e) => e.message);
  const short = warnings.filter((m) => m.includes('short_token'));
  assert.equal(short.length, 1, warnings.join('\n'));
  assert.match(short[0], /variable 'short_token' is too short to mask \(under 6 characters\)/);
  assert.ok(!short[0].includes('abc12'));
  assert.ok(!warnings.some((m) => m.includes('token_ttl')), 'a number is not a secret, so it has no warning');
});

test('secrets: adds names, secrets_ignore: takes them out', async () => {
  const files = {
    'site.yml': `
- hosts: web1
  gather_facts: false
  vars: {db_dsn: dsn-secret-ddd, public_token: pub-value-eee, db_password: pw-secret-fff}
  tasks:
    - {name: show, debug: {msg: "{{ db_dsn }} {{ public_token }} {{ db_password }}"}}
`,
  };
  const run = await runProject({ files, secrets: [...DEFAULT_SECRETS, '*_dsn'], secretsIgnore: ['public_*'] });
  assert.deepEqual(debugMsgs(run, 'show'), { web1: '******** pub-value-eee ********' });
});

/** Every event of a no_log task, and every view built from them (finding 2). */
test('no_log censors the events themselves: loop items and labels, output, async output line, retries, result', async () => {
  const run = await runProject({
    files: {
      'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - name: hidden loop
      shell: "echo out-{{ item }}"
      loop: [item-secret-one, item-secret-two]
      no_log: true
    - name: hidden async
      shell: "echo async-line-secret; sleep 2"
      async: 20
      poll: 1
      no_log: true
    - name: hidden retries
      shell: "echo retry-out-secret"
      register: r
      until: r.rc == 1
      retries: 1
      delay: 0
      no_log: true
      ignore_errors: true
    - name: hidden read
      shell: "echo read-under-no-log"
      register: got
      no_log: true
    - {name: shown later, debug: {msg: "got {{ got.stdout }}"}}
`,
    },
    verbosity: 3,
  });
  const all = JSON.stringify(run.events) + run.plain;
  const inClear = ['item-secret-one', 'item-secret-two', 'async-line-secret', 'retry-out-secret', 'read-under-no-log'].filter((s) => all.includes(s));
  assert.deepEqual(inClear, []);
  // What a no_log task read is secret for the rest of the run.
  assert.deepEqual(debugMsgs(run, 'shown later'), { web1: 'got ********' });
  const items = run.of('host.ok').filter((e) => e.task.name === 'hidden loop' && e.item !== undefined);
  assert.deepEqual(items.map((e) => e.item), ['(censored due to no_log)', '(censored due to no_log)']);
  assert.ok(items.every((e) => /no_log: true/.test(String(e.result.censored))));
  assert.ok(run.of('async.poll').length > 0, 'the async task was polled');
  assert.ok(run.of('async.poll').every((e) => e.lastLine === undefined));
  assert.equal(run.of('host.output').filter((e) => e.task.name.startsWith('hidden')).length, 0);
  assert.ok(run.of('host.retry').every((e) => /no_log: true/.test(String(e.result.censored))));
});

/** A secret streamed in pieces (finding 3). */
test('a secret printed in two pieces is masked in the streamed output', async () => {
  const run = await runProject({
    extraVars: { split_secret: 'splitSecret' },
    files: {
      'site.yml': `
- hosts: web1
  gather_facts: false
  tasks:
    - {name: pieces, shell: "printf 'a spl'; sleep .4; printf 'itSecret b'; sleep .4; printf ' spl'"}
`,
    },
  });
  const chunks = run.of('host.output').filter((e) => e.task.name === 'pieces').map((e) => e.chunk);
  assert.ok(chunks.length >= 2, `streamed in pieces: ${JSON.stringify(chunks)}`);
  // The trailing "spl" is let out when the stream ends: it is not the secret.
  assert.equal(chunks.join(''), 'a ******** b spl');
  assert.ok(!JSON.stringify(run.events).includes('splitSecret'));
});

/** Resume commands and the command line in the record (finding 4). */
test('the command line in run.start and the resume commands are masked', async () => {
  const argv = ['run', 'site.yml', '-e', 'api_token=tok-abcdef-123', '--extra-vars={"deploy_key_password": "json-secret-456"}'];
  const run = await runProject({
    argv,
    extraVars: { api_token: 'tok-abcdef-123', deploy_key_password: 'json-secret-456' },
    files: {
      'site.yml': `
- hosts: web
  gather_facts: false
  tasks:
    - {name: breaks, command: "false", when: inventory_hostname == 'web1'}
`,
    },
  });
  const start = run.of('run.start')[0];
  assert.deepEqual(start.argv, ['run', 'site.yml', '-e', 'api_token=********', '--extra-vars={"deploy_key_password": "********"}']);
  // What the presenters print: run.end's plan with run.start's arguments.
  const lines = resumeLines(run.of('run.end')[0].resume!, start.argv, 'runs/x').join('\n');
  assert.match(lines, /To resume:/);
  assert.ok(!lines.includes('tok-abcdef-123') && !lines.includes('json-secret-456'), lines);
  assert.match(lines, /api_token=\*{8}/);
});
