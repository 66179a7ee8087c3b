/** The command cases: what a task does to a host root, as ansible-core 2.14 does it (run by ../command-cases.test.ts and the system oracle). */
import type { Case } from '../cases.js';
import { umask } from '../files-helpers.js';

const NEW = 0o666 & ~umask();

export const CASES: Case[] = [
  { name: 'command with chdir', setup: { 'd/x': 'x' }, task: 'command: {cmd: ls, chdir: "@R/d"}', status: 'changed', checked: 'skipped', again: 'changed',
    result: { rc: 0, stdout: 'x', stdout_lines: ['x'], cmd: ['ls'], msg: '', stderr: '' }, execs: 1 },
  { name: 'command skipped by creates costs one command and no run', setup: { 'done.flag': '' }, task: 'command: {cmd: "touch @R/ran", creates: "@R/*.flag"}', status: 'ok',
    result: { changed: false, rc: 0, stdout: 'skipped, since @R/*.flag exists', stdout_lines: ['skipped, since @R/*.flag exists'], msg: "Did not run command since '@R/*.flag' exists", start: null, delta: null },
    after: { ran: 'absent' }, execs: 1 },
  { name: 'command runs when creates is missing, once', task: 'command: {cmd: touch made, creates: made, chdir: "@R"}', status: 'changed',
    result: { rc: 0, cmd: ['touch', 'made'] }, after: { made: { content: '', mode: NEW } }, execs: 1 },
  { name: 'command removes runs while the path is there', setup: { 'old file': 'x' }, task: 'command: {argv: [rm, "@R/old file"], removes: "@R/old file"}', status: 'changed',
    after: { 'old file': 'absent' }, execs: 1 },
  { name: 'command removes skips when the path is gone', task: 'command: {argv: [rm, "@R/gone"], removes: "@R/gone"}', status: 'ok',
    result: { msg: "Did not run command since '@R/gone' does not exist", stdout: 'skipped, since @R/gone does not exist' } },
  { name: 'command in a missing chdir fails before running', task: 'command: {cmd: touch x, chdir: "@R/nowhere"}', status: 'failed', again: 'failed',
    result: { rc: null, msg: /^Unable to change directory before execution: @R\/nowhere/, cmd: ['touch', 'x'] } },
  { name: 'command with executable warns and ignores it', task: 'command: {cmd: "echo $0", executable: /bin/bash}', status: 'changed', checked: 'skipped', again: 'changed',
    result: { warnings: ["As of Ansible 2.4, the parameter 'executable' is no longer supported with the 'command' module. Not using '/bin/bash'."] } },
  { name: 'command stdin gets a newline', task: 'command: {cmd: od -An -c, stdin: hi}', status: 'changed', checked: 'skipped', again: 'changed',
    result: { stdout: /h\s+i\s+\\n/ } },
  { name: 'command stdin without the newline, ends kept', task: 'command: {cmd: cat, stdin: "hi\\n\\n", stdin_add_newline: false, strip_empty_ends: false}', status: 'changed', checked: 'skipped', again: 'changed',
    result: { stdout: 'hi\n\n', stdout_lines: ['hi', ''] } },
  { name: 'command values stay one argument each', task: 'command: {argv: [printf, "[%s]", "a; touch @R/pwned", "$(touch @R/pwned)", "-n"]}', status: 'changed', checked: 'skipped', again: 'changed',
    result: { stdout: '[a; touch @R/pwned][$(touch @R/pwned)][-n]' }, after: { pwned: 'absent' } },
  { name: 'command failing', task: 'command: {argv: [sh, -c, "echo bad >&2; exit 3"]}', status: 'failed', checked: 'skipped', again: 'failed',
    result: { rc: 3, stderr: 'bad', msg: 'non-zero return code', changed: true } },
  { name: 'shell with creates in check mode predicts the run', task: 'shell: echo hi > @R/out\nargs: {creates: "@R/out"}', status: 'changed',
    result: { cmd: 'echo hi > @R/out', rc: 0 }, after: { out: { content: 'hi\n', mode: NEW } }, execs: 1 },
  { name: 'shell with executable', task: 'shell: {cmd: "echo $0; [[ 1 == 1 ]] && echo bash", executable: /bin/bash}', status: 'changed', checked: 'skipped', again: 'changed',
    result: { stdout: '/bin/bash\nbash' } },
  { name: 'shell pipes, stdin and a chdir with a space', setup: { 'my dir/f': '' }, task: 'shell: {cmd: "ls; cat | tr a-z A-Z", chdir: "@R/my dir", stdin: abc}', status: 'changed', checked: 'skipped', again: 'changed',
    result: { stdout: 'f\nABC' } },
  { name: 'shell removes with a glob that matches', setup: { 'logs/a.log': '' }, task: 'shell: {cmd: "rm -- @R/logs/*.log", removes: "@R/logs/*.log"}', status: 'changed',
    after: { 'logs/a.log': 'absent' } },
];

