import type { ModuleInfo, Pos, Vars } from '../model/index.js';

/**
 * Reads files with every module's args check held back, loads the code of
 * the modules they name (`ModuleInfo.load`), then runs the checks in the
 * order the reader met them. The error is the one a reader with every
 * module at hand throws: a check held back came before anything the reader
 * threw later, so a failing check wins over the reader's own error.
 */
export async function withModules<T>(modules: ModuleInfo, read: (modules: ModuleInfo) => T): Promise<T> {
  if (!modules.load || !modules.validate) return read(modules);
  const held: { name: string; args: Vars; pos: Pos }[] = [];
  const holding: ModuleInfo = {
    has: (name) => modules.has(name),
    freeForm: (name) => modules.freeForm(name),
    names: () => modules.names(),
    validate: (name, args, pos) => void held.push({ name, args, pos }),
  };
  let outcome: { ok: true; value: T } | { ok: false; error: unknown };
  try {
    outcome = { ok: true, value: read(holding) };
  } catch (error) {
    outcome = { ok: false, error };
  }
  await modules.load([...new Set(held.map((h) => h.name))]);
  for (const h of held) modules.validate(h.name, h.args, h.pos);
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}
