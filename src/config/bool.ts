/** Booleans in settings, as ansible-core reads them (shared by values.ts and mail.ts). */
const TRUE = ['y', 'yes', 'on', '1', 'true', 't'];
const FALSE = ['n', 'no', 'off', '0', 'false', 'f'];

/** Booleans as ansible-core spells them (yes/no, true/false, on/off, 1/0, y/n, t/f; any case). */
export function parseBool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : undefined;
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  return TRUE.includes(v) ? true : FALSE.includes(v) ? false : undefined;
}
