import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, visit, YAMLParseError, type Document, type Node } from 'yaml';
import { openVault, UserError, vaultedText, type ModuleResult, type Pos, type Vars, type Vault } from '../model/index.js';
import { checkArgs, optString } from './args.js';
import type { Module, ModuleContext } from './types.js';

/**
 * `include_vars: file.yml` reads a YAML (or JSON) vars file on the controller.
 * The result's `ansible_facts` go to the engine's include_vars precedence
 * layer. Relative names are looked up as ansible-core does: in the role's
 * `vars/` and the role itself, then beside the task's file, then in the
 * playbook's directory (`playbook_dir`), each with and without `vars/`.
 */
export const includeVarsModule: Module = {
  name: 'include_vars',
  supportsCheck: true,
  controllerOnly: true,
  freeForm: true,
  validate(args: Vars, pos: Pos) {
    checkArgs('include_vars', args, pos, { _raw_params: 'str', file: 'str', name: 'str', dir: 'str' });
    if (args.dir !== undefined) {
      throw new UserError(`module 'include_vars': 'dir' is not supported yet; name the file with 'file'`, pos);
    }
    if (args._raw_params === undefined && args.file === undefined) {
      throw new UserError(`module 'include_vars' needs a file: free form or 'file'`, pos);
    }
  },
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const name = optString(ctx.args.file ?? ctx.args._raw_params) ?? '';
    const candidates = searchPaths(ctx, name);
    const found = candidates.find((p) => fs.existsSync(p) && fs.statSync(p).isFile());
    if (!found) {
      return { failed: true, changed: false, msg: `Could not find or access '${name}'; searched: ${candidates.join(', ')}` };
    }
    const loaded = readVars(found, ctx.vault, ctx.warn);
    if (typeof loaded === 'string') return { failed: true, changed: false, msg: loaded };
    const into = optString(ctx.args.name);
    return {
      changed: false,
      ansible_facts: into ? { [into]: loaded } : loaded,
      ansible_included_var_files: [found],
    };
  },
};

function searchPaths(ctx: ModuleContext, name: string): string[] {
  if (path.isAbsolute(name)) return [name];
  const dirs: string[] = [];
  if (ctx.task.role) dirs.push(ctx.task.role.dir);
  dirs.push(path.dirname(ctx.task.pos.file));
  const playbookDir = ctx.vars.playbook_dir;
  if (typeof playbookDir === 'string' && playbookDir) dirs.push(playbookDir);
  const out: string[] = [];
  for (const dir of dirs) {
    for (const p of [path.join(dir, 'vars', name), path.join(dir, name)]) {
      const abs = path.resolve(p);
      if (!out.includes(abs)) out.push(abs);
    }
  }
  return out;
}

// `!vault |` values are read as their text, then opened where they stand.
const VAULT_TAG = { tag: '!vault', resolve: (s: string) => s };

/**
 * The file's mapping, or an error message. A vault-encrypted file is
 * opened with the run's vault and its values are secret; so are `!vault` values.
 */
function readVars(file: string, vault: Vault | undefined, warn?: (message: string) => void): Vars | string {
  let data: unknown;
  const lines = new LineCounter();
  let vaulted = false;
  try {
    const opened = vaultedText(fs.readFileSync(file, 'utf8'), vault, { file, line: 1, col: 1 });
    vaulted = opened.vaulted;
    // Duplicated keys keep the last value with ansible-core's warning (each host's read warns, as there).
    const doc = parseDocument(opened.text, { lineCounter: lines, customTags: [VAULT_TAG], uniqueKeys: false });
    if (doc.errors[0]) throw doc.errors[0];
    for (const w of duplicateKeyWarnings(doc, path.resolve(file), lines)) warn?.(w);
    visit(doc, {
      Scalar(_, node) {
        if (node.tag === '!vault' && typeof node.value === 'string') node.value = openVault(vault, node.value, { file, ...lines.linePos(node.range?.[0] ?? 0) }).toString('utf8');
      },
    });
    data = toJS(doc, file, lines);
  } catch (err) {
    if (err instanceof AliasBomb || err instanceof UserError) return err.message;
    if (err instanceof YAMLParseError && err.linePos) {
      const { line, col } = err.linePos[0];
      return `${file}:${line}:${col}: ${err.message.split('\n')[0]}`;
    }
    return `${file}: ${(err as Error).message}`;
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    return `${file}: a vars file must hold a mapping of names to values`;
  }
  if (vaulted) vault?.reveal(data);
  return data as Vars;
}

function duplicateKeyWarnings(doc: Document, abs: string, lines: LineCounter): string[] {
  const out: string[] = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key) || pair.key.value === '<<') continue;
        const key = String(pair.key.value);
        if (seen.has(key)) {
          const at = lines.linePos(map.range?.[0] ?? 0);
          out.push(`While constructing a mapping from ${abs}, line ${at.line}, column ${at.col}, found a duplicate dict key (${key}). Using last defined value only.`);
        }
        seen.add(key);
      }
    },
  });
  return out;
}

/**
 * The document's value. The `yaml` package refuses an alias bomb
 * (maxAliasCount); the message names the top-level value that holds it.
 */
function toJS(doc: Document, file: string, lines: LineCounter): unknown {
  try {
    return doc.toJS();
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    let at: Node | null = doc.contents;
    if (isMap(doc.contents)) {
      for (const pair of doc.contents.items) {
        try {
          (pair.value as Node | null)?.toJS(doc);
        } catch {
          at = pair.value as Node;
          break;
        }
      }
    }
    const { line, col } = lines.linePos(at?.range?.[0] ?? 0);
    throw new AliasBomb(`${file}:${line}:${col}: excessive aliasing: ${err.message}`);
  }
}

class AliasBomb extends Error {}
