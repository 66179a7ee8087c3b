/** The script cases: what a task does to a host root, as ansible-core 2.14 does it (run by ../script-cases.test.ts and the system oracle). */
import type { Case } from '../cases.js';

export const PROJECT = {
  'files/show.sh': '#!/bin/sh\necho "args: $*"\necho "pwd: $(pwd)"\necho "zero: $(basename "$0")"\necho err >&2\n',
  'files/make.sh': '#!/bin/sh\ntouch "$1"\n',
  'files/fail.sh': '#!/bin/sh\necho nope >&2\nexit 4\n',
  'files/bash.sh': 'echo "${BASH_VERSION:+bash}"\n',
  'files/stdin.sh': '#!/bin/sh\nif read -r x; then echo "got $x"; else echo closed; fi\n',
};

export const CASES: Case[] = [
  { name: 'script with arguments and chdir', setup: { d: { dir: true } }, task: 'script: show.sh "a b" c\nargs: {chdir: "@R/d"}', status: 'changed', checked: 'skipped', again: 'changed',
    result: { rc: 0, stdout: 'args: a b c\npwd: @R/d\nzero: show.sh\n', stdout_lines: ['args: a b c', 'pwd: @R/d', 'zero: show.sh'], stderr: 'err\n', stderr_lines: ['err'] },
    absent: ['msg', 'cmd'], execs: 1 },
  { name: 'script arguments are shell words on the target, as in ansible-core', task: 'script: show.sh $HOME_PW_UNSET x',
    status: 'changed', checked: 'skipped', again: 'changed', result: { stdout_lines: ['args: x', /^pwd: /, 'zero: show.sh'] } },
  { name: 'script creates: made once, then skipped', task: 'script: make.sh @R/made\nargs: {creates: "@R/made"}', status: 'changed', again: 'skipped',
    after: { made: { content: '', mode: 0o666 & ~0o022 } }, execs: 1 },
  { name: 'script skipped by creates', setup: { made: '' }, task: 'script: make.sh @R/other\nargs: {creates: "@R/made"}', status: 'skipped', again: 'skipped',
    result: { msg: '@R/made exists, matching creates option', changed: false }, after: { other: 'absent' } },
  { name: 'script skipped by removes', task: 'script: make.sh @R/other\nargs: {removes: "@R/gone"}', status: 'skipped', again: 'skipped',
    result: { msg: '@R/gone does not exist, matching removes option' }, after: { other: 'absent' } },
  { name: 'script failing', task: 'script: fail.sh', status: 'failed', checked: 'skipped', again: 'failed',
    result: { rc: 4, stderr: 'nope\n', msg: 'non-zero return code', changed: true } },
  { name: 'script with executable', task: 'script: {cmd: bash.sh, executable: /bin/bash}', status: 'changed', checked: 'skipped', again: 'changed',
    result: { stdout: 'bash\n' } },
  { name: 'script runs with stdin closed', task: 'script: stdin.sh', status: 'changed', checked: 'skipped', again: 'changed', result: { stdout: 'closed\n' } },
  { name: 'script with a relative chdir fails', task: 'script: show.sh\nargs: {chdir: d}', status: 'failed', checked: 'failed', again: 'failed',
    result: { msg: 'chdir d must be an absolute path for a Unix-aware remote node' } },
  { name: 'script that is not there', task: 'script: nope.sh', status: 'failed', checked: 'failed', again: 'failed',
    result: { msg: /^Could not find or access 'nope\.sh'\nSearched in:\n\t.*\/files\/nope\.sh/ } },
];

