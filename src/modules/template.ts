import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError, type ModuleResult, type Pos, type Vars } from '../model/index.js';
import { renderText } from '../template/index.js';
import { checkValidate, FILE_WRITE_OPTIONS } from './copy.js';
import { readLocalFile } from './vaulted.js';
import { findLocal, notFound } from './local-file.js';
import { putContent, writeOptions } from './put-file.js';
import { checkSpec, readArgs, type ArgSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';

const DELIMITERS = 'playwatch renders with the standard Jinja delimiters; remove it (or run this playbook with ansible-playbook)';

/** ansible-core 2.14's `template` options (`ansible-doc -j template`). */
const SPEC: ArgSpec = {
  options: {
    ...FILE_WRITE_OPTIONS,
    src: { type: 'path', required: true },
    newline_sequence: { type: 'str', default: '\n', choices: ['\n', '\r', '\r\n'] },
    trim_blocks: { type: 'bool', default: true, choices: [true] },
    lstrip_blocks: { type: 'bool', default: false, choices: [false] },
    output_encoding: { type: 'str', default: 'utf-8', choices: ['utf-8', 'utf8', 'UTF-8'] },
    block_start_string: { type: 'str', unsupported: DELIMITERS },
    block_end_string: { type: 'str', unsupported: DELIMITERS },
    variable_start_string: { type: 'str', unsupported: DELIMITERS },
    variable_end_string: { type: 'str', unsupported: DELIMITERS },
    comment_start_string: { type: 'str', unsupported: DELIMITERS },
    comment_end_string: { type: 'str', unsupported: DELIMITERS },
  },
};

/** ansible-core's `ansible_managed` default (`DEFAULT_MANAGED_STR`). */
export const ANSIBLE_MANAGED = 'Ansible managed';

/**
 * `template`: the file (from the role's `templates/`, then beside the task
 * and in the playbook's `templates/`) is rendered on the controller with
 * the host's variables plus `ansible_managed`, `template_host`,
 * `template_path`, `template_fullpath` and `template_uid`, then put on the target with copy's semantics.
 */
export const templateModule: Module = {
  name: 'template',
  supportsCheck: true,
  validate(args, pos) {
    checkSpec('template', SPEC, args, pos);
    checkValidate('template', args, pos);
  },
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const args = readArgs('template', SPEC, ctx.args);
    checkValidate('template', args);
    const src = args.src as string;
    const found = findLocal(ctx, 'templates', src);
    if (!found.path || !fs.statSync(found.path).isFile()) return { failed: true, changed: false, msg: notFound(src, found) };
    const text = renderTemplate(ctx, src, found.path);
    const newline = args.newline_sequence as string;
    const content = newline === '\n' ? text : text.replace(/\r?\n/g, newline);
    return putContent(ctx, {
      dest: args.dest as string,
      content: Buffer.from(content),
      src: found.path,
      srcMode: fs.statSync(found.path).mode & 0o7777,
      ...writeOptions(args),
    });
  },
};

/** Renders the template file with the task's scope and the template variables; errors name the template. */
export function renderTemplate(ctx: Pick<ModuleContext, 'vars' | 'vault'>, src: string, file: string): string {
  const text = readLocalFile(ctx.vault, file).content.toString('utf8');
  const stat = fs.statSync(file);
  const scope: Vars = {
    ...ctx.vars,
    ...templateVars(src, file, stat.uid),
  };
  const where: Pos = { file, line: 1, col: 1 };
  let out: unknown;
  try {
    out = renderText(text, scope, where);
  } catch (err) {
    if (err instanceof UserError) throw new UserError(`in template ${src}: ${err.message}`);
    throw err;
  }
  return typeof out === 'string' ? out : out === null || out === undefined ? '' : typeof out === 'object' ? JSON.stringify(out) : String(out);
}

/** The variables ansible-core's template action adds. */
function templateVars(src: string, file: string, uid: number): Vars {
  return {
    ansible_managed: ANSIBLE_MANAGED,
    template_host: os.hostname(),
    template_path: src,
    template_fullpath: path.resolve(file),
    template_uid: userName(uid),
  };
}

function userName(uid: number): string {
  try {
    if (uid === os.userInfo().uid) return os.userInfo().username;
  } catch {
    // no passwd entry for this process
  }
  return String(uid);
}
