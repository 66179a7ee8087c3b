import type { ModuleResult } from '../model/index.js';
import { exactScript, missingFailure, missingScript, readExact, sections } from './accounts.js';
import { editCrontab, readUserCrontab, splitLines, type CronEdit } from './edit/crontab.js';
import { remoteFailure } from './remote-file.js';
import { baseName, q } from './sh.js';
import { readArgs, specValidator, type ArgSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';

/** ansible-core 2.14's `cron` options (`ansible-doc -j cron`). */
const SPEC: ArgSpec = {
  options: {
    name: { type: 'str', required: true },
    user: { type: 'str' },
    job: { type: 'str', aliases: ['value'] },
    cron_file: { type: 'path' },
    state: { type: 'str', default: 'present', choices: ['present', 'absent'] },
    backup: { type: 'bool', default: false, unsupported: 'playwatch does not back up crontabs yet; remove it' },
    minute: { type: 'str', default: '*' },
    hour: { type: 'str', default: '*' },
    day: { type: 'str', default: '*', aliases: ['dom'] },
    month: { type: 'str', default: '*' },
    weekday: { type: 'str', default: '*', aliases: ['dow'] },
    special_time: { type: 'str', choices: ['reboot', 'yearly', 'annually', 'monthly', 'weekly', 'daily', 'hourly'] },
    disabled: { type: 'bool', default: false },
    env: { type: 'bool', default: false },
    insertafter: { type: 'str' },
    insertbefore: { type: 'str' },
  },
  mutuallyExclusive: [['insertafter', 'insertbefore']],
};

/** A cron_file's path: absolute as given, else under /etc/cron.d. */
export function cronFilePath(file: string): string {
  return file.startsWith('/') ? file : `/etc/cron.d/${file}`;
}

/** Shell that runs `crontab ARGS` for the user (with `-u` only when it is not the one logged in, as ansible does). */
function crontabCommand(user: string | undefined, args: string): string {
  if (user === undefined) return `crontab ${args}`;
  return `if [ "$(id -un)" != ${q(user)} ]; then crontab -u ${q(user)} ${args}; else crontab ${args}; fi`;
}

/** The read: the cron file (and whether it is there), or `crontab -l` of the user. */
export function cronReadScript(user: string | undefined, file: string | undefined): string {
  if (file !== undefined) {
    return [`f=${q(file)}`, `echo '@@@ exists'; if [ -f "$f" ]; then echo yes; fi`, exactScript(`cat -- "$f" 2>/dev/null`)].join('\n');
  }
  return [missingScript(['crontab']), exactScript(crontabCommand(user, '-l'))].join('\n');
}

/** The write: the cron file (0644 when new, as ansible's umask 022), its removal, or `crontab -` of the user. */
export function cronWriteScript(user: string | undefined, file: string | undefined, remove: boolean): string {
  if (file === undefined) return crontabCommand(user, '-');
  return remove ? `rm -f -- ${q(file)}` : `umask 022; cat >${q(file)}`;
}

function diffHeader(user: string | undefined, file: string | undefined): string {
  return file ?? (user ? `crontab for user "${user}"` : 'crontab');
}

/**
 * `cron`: one command reads the crontab (`crontab -l`, or the file under
 * /etc/cron.d), the edit is decided here (edit/crontab.ts) with ansible's
 * `#Ansible: NAME` markers, and one more writes it (`crontab -` fed on
 * stdin, or the file). A cron_file needs no `crontab` program here
 * (ansible-core's module asks for one all the same).
 */
export const cronModule: Module = {
  name: 'cron',
  supportsCheck: true,
  validate: specValidator('cron', SPEC),
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const a = readArgs('cron', SPEC, ctx.args);
    const user = a.user as string | undefined;
    const given = a.cron_file as string | undefined;
    if (given === '/etc/crontab') return { failed: true, changed: false, msg: 'Will not manage /etc/crontab via cron_file, see documentation.' };
    const file = given !== undefined ? cronFilePath(given) : undefined;
    if (given !== undefined && !/^[A-Z0-9_-]+$/i.test(baseName(given))) {
      ctx.warn?.(`Filename portion of cron_file ("${baseName(given)}") should consist solely of upper- and lower-case letters, digits, underscores, and hyphens`);
    }
    const res = await ctx.exec(cronReadScript(user, file));
    const exact = readExact(res.stdout);
    if (res.rc !== 0 || !exact) return remoteFailure('could not read the crontab', res);
    const s = sections(res.stdout.slice(0, res.stdout.indexOf('@@@ begin\n')));
    const lacking = missingFailure('cron', s.get('missing'), ['crontab']);
    if (lacking) return { ...lacking, msg: `${lacking.msg}; or give cron_file to write under /etc/cron.d` };
    if (file === undefined && exact.rc !== 0 && exact.rc !== 1) return { failed: true, changed: false, msg: 'Unable to read crontab' };
    const read = file !== undefined ? { lines: splitLines(exact.text), existing: exact.text } : readUserCrontab(exact.text);
    const edit: CronEdit = {
      ...(a as unknown as CronEdit),
      cronFile: file !== undefined,
    };
    const out = editCrontab(read.lines, read.existing, edit);
    if (!out.ok) return { failed: true, changed: false, msg: out.msg };
    for (const w of out.warnings) ctx.warn?.(w);
    const header = diffHeader(user, file);
    if (out.removeFile) {
      const changed = ctx.check ? s.get('exists') === 'yes' : true;
      const diff = ctx.diff ? { before: read.existing, before_header: header, after: '', after_header: '/dev/null' } : {};
      if (!ctx.check) {
        const rm = await ctx.exec(cronWriteScript(user, file, true));
        if (rm.rc !== 0) return remoteFailure(`could not remove ${file}`, rm);
      }
      return { changed, cron_file: given, state: a.state, diff };
    }
    const result: ModuleResult = { jobs: out.jobs, envs: out.envs, changed: out.changed };
    if (out.changed) {
      if (!ctx.check) {
        const w = await ctx.exec(cronWriteScript(user, file, false), { stdin: out.text });
        if (w.rc !== 0) return { failed: true, changed: false, msg: w.stderr.trim() || `could not write the crontab (rc ${w.rc})` };
      }
      if (ctx.diff) result.diff = { before: read.existing, before_header: header, after: out.text, after_header: header };
    }
    if (given !== undefined) result.cron_file = given;
    return result;
  },
};
