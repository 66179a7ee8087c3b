/**
 * Hostile values and hostile text: variable values built to break out of
 * a shell command line, and escape sequences in target output and host
 * names, through the real command line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { cli, events, project, runDirs } from './cli.js';

test('hostile variable values (; $( ) backquotes, newlines, quotes, a leading -) are data in every module that builds a command: the canary file is never made', async () => {
  const dir = project({ 'inventory.ini': 'a ansible_connection=local\n' });
  const canary = path.join(dir, 'CANARY');
  const hostile = [
    `; touch ${canary}`,
    `$(touch ${canary})`,
    `\`touch ${canary}\``,
    `x\ntouch ${canary}`,
    `' ; touch ${canary} ; '`,
    `" ; touch ${canary} ; "`,
    `| touch ${canary}`,
    `& touch ${canary} &`,
    '-n',
    '--version',
  ];
  fs.writeFileSync(path.join(dir, 'hostile.json'), JSON.stringify({ hostile }));
  fs.writeFileSync(
    path.join(dir, 'site.yml'),
    `
- hosts: all
  gather_facts: false
  vars_files: [hostile.json]
  tasks:
    - name: argv
      command: {argv: [printf, '%s', '{{ item }}']}
      loop: '{{ hostile }}'
      register: argv
    - name: environment
      shell: printf '%s' "$V"
      environment: {V: '{{ item }}'}
      loop: '{{ hostile }}'
      register: env
    - name: copy
      copy: {content: '{{ hostile[item] }}', dest: '{{ playbook_dir }}/out/{{ item }}'}
      loop: '{{ range(hostile | length) | list }}'
    - name: lineinfile
      # A YAML double-quoted "\\n" is a newline; inside {{ }} a backslash is literal (ansible-core's escape_backslashes).
      lineinfile: {path: '{{ playbook_dir }}/lines', line: "{{ item | replace('\\n', ' ') }}", create: true}
      loop: '{{ hostile }}'
    - name: chdir
      command: 'true'
      args: {chdir: '{{ item }}'}
      loop: '{{ hostile }}'
      ignore_errors: true
    - name: stat
      stat: {path: '{{ item }}'}
      loop: '{{ hostile }}'
    - name: results
      copy:
        content: '{{ {"argv": argv.results | map(attribute="stdout") | list, "env": env.results | map(attribute="stdout") | list} | to_json }}'
        dest: '{{ playbook_dir }}/results.json'
`,
  );
  fs.mkdirSync(path.join(dir, 'out'));
  const r = await cli(dir, ['run', 'site.yml', '-i', 'inventory.ini', '--ui', 'plain']);
  assert.equal(r.code, 0, r.out.slice(-3000) + r.err);
  assert.equal(fs.existsSync(canary), false, 'no value ran as a command');
  const results = JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8'));
  assert.deepEqual(results.argv, hostile, 'command argv passed each value as one word');
  assert.deepEqual(results.env, hostile, 'environment passed each value whole');
  hostile.forEach((v, i) => assert.equal(fs.readFileSync(path.join(dir, 'out', String(i)), 'utf8'), v));
  assert.deepEqual(fs.readFileSync(path.join(dir, 'lines'), 'utf8').trimEnd().split('\n'), hostile.map((v) => v.replace(/\n/g, ' ')));
});

// What a terminal would act on: ESC, BEL and C1 controls (CSI 0x9b, NEL 0x85 …).
const CONTROL = /[\x1b\x07\x80-\x9f]/;

test('OSC 52, OSC 8, CSI 2J and C1 in target output and in host names reach no view raw: plain output, stderr, run.log, host logs, the record escapes them', async () => {
  const host = 'web\x1b]52;c;aGk=\x07\x9b2J';
  const dir = project({
    // A YAML inventory can name a host with any character.
    'inventory.yml': `all:\n  hosts:\n    ${JSON.stringify(host)}:\n      ansible_connection: local\n`,
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: noisy
      shell: "printf 'a\\\\033]52;c;aGk=\\\\007b\\\\033]8;;http://evil/\\\\007link\\\\033]8;;\\\\007\\\\033[2Jc\\\\302\\\\233' ; printf 'err\\\\033[31m\\\\302\\\\205' >&2"
    - {name: fails, command: /bin/false}
`,
  });
  const r = await cli(dir, ['run', 'site.yml', '-i', 'inventory.yml', '--ui', 'plain', '-v']);
  assert.equal(r.code, 2, r.err);
  assert.match(r.out, /TASK \[noisy\]/);
  assert.doesNotMatch(r.out, CONTROL, JSON.stringify(r.out.slice(0, 2000)));
  assert.doesNotMatch(r.err, CONTROL, JSON.stringify(r.err));
  const [runDir] = runDirs(dir);
  const files = ['run.log', ...fs.readdirSync(path.join(runDir!, 'hosts')).map((f) => path.join('hosts', f))];
  assert.ok(files.length >= 2, files.join(', '));
  for (const f of files) assert.doesNotMatch(fs.readFileSync(path.join(runDir!, f), 'utf8'), CONTROL, f);
  // The record keeps the bytes, JSON-escaped: no raw control character in the file.
  const raw = fs.readFileSync(path.join(runDir!, 'events.jsonl'), 'utf8');
  assert.doesNotMatch(raw, /[\x00-\x08\x0b-\x1f\x7f]/);
  assert.ok(events(dir).some((e) => e.type === 'host.output' && String(e.chunk).includes('\x1b]52;')), 'the record is faithful');
});
