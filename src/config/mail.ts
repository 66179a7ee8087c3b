/**
 * The `mail:` section of playwatch.yml: where the run mail goes and when.
 *
 *   mail:
 *     host: smtp.example.com
 *     port: 587
 *     starttls: true
 *     user: deploy
 *     password_env: SMTP_PASSWORD
 *     from: deploy@example.com
 *     to: [ops@example.com]
 *     on: [failed, unreachable, aborted]
 */
import os from 'node:os';
import { isMailAddress, splitMailAddresses, withHint } from '../model/index.js';
import { parseBool } from './bool.js';

import { defaultMailConfig, type MailConfig, type MailTrigger } from '../model/index.js';

export type { MailTrigger };

export const MAIL_TRIGGERS: readonly MailTrigger[] = ['failed', 'unreachable', 'aborted'];

/** The mail settings with defaults filled in. */
export type MailSettings = MailConfig;

const KEYS = ['host', 'port', 'secure', 'starttls', 'user', 'password', 'password_env', 'from', 'to', 'on'];

/** Mail settings when playwatch.yml has none (`--mail-to` alone sends through localhost:25). */
export function defaultMailSettings(): MailSettings {
  return defaultMailConfig(os.hostname());
}

/** Checks and types the `mail:` mapping; returns what is wrong otherwise. */
export function parseMail(raw: unknown): { value: MailSettings } | { error: string } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { error: 'expected a mapping (host, port, from, to, ...)' };
  }
  const m = raw as Record<string, unknown>;
  for (const k of Object.keys(m)) {
    if (!KEYS.includes(k)) {
      return { error: withHint(`unknown key '${k}'`, k, KEYS) };
    }
  }
  const out = defaultMailSettings();
  try {
    if (m.host !== undefined) out.host = str(m.host, 'host');
    if (m.secure !== undefined) out.secure = bool(m.secure, 'secure');
    out.port = out.secure ? 465 : 25;
    if (m.port !== undefined) out.port = port(m.port);
    if (m.starttls !== undefined) out.starttls = bool(m.starttls, 'starttls');
    if (m.user !== undefined) out.user = str(m.user, 'user');
    if (m.password !== undefined) out.password = String(m.password);
    if (m.password_env !== undefined) out.passwordEnv = str(m.password_env, 'password_env');
    if (m.from !== undefined) out.from = address(m.from, 'from');
    if (m.to !== undefined) out.to = addresses(m.to);
    if (m.on !== undefined) out.on = triggers(m.on);
  } catch (err) {
    return { error: (err as Error).message };
  }
  return { value: out };
}

function str(v: unknown, key: string): string {
  if ((typeof v !== 'string' && typeof v !== 'number') || String(v).trim() === '') {
    throw new Error(`'${key}' must be a non-empty string`);
  }
  return String(v).trim();
}

function bool(v: unknown, key: string): boolean {
  const b = parseBool(v);
  if (b === undefined) throw new Error(`'${key}' must be true or false (yes/no), got ${JSON.stringify(v)}`);
  return b;
}

function port(v: unknown): number {
  const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) {
    throw new Error(`'port' must be a whole number from 1 to 65535, got ${JSON.stringify(v)}`);
  }
  return n;
}

function address(v: unknown, key: string): string {
  const s = str(v, key);
  if (!isMailAddress(s)) throw new Error(`'${key}' must be an e-mail address, got ${JSON.stringify(s)}`);
  return s;
}

function addresses(v: unknown): string[] {
  if (typeof v !== 'string' && !Array.isArray(v)) throw new Error(`'to' must be an address or a list of addresses`);
  if (Array.isArray(v) && v.some((a) => typeof a !== 'string')) {
    throw new Error(`'to' must be an e-mail address, got ${JSON.stringify(v.find((a) => typeof a !== 'string'))}`);
  }
  return splitMailAddresses(v as string | string[]).map((a) => address(a, 'to'));
}

function triggers(v: unknown): MailTrigger[] {
  const list = typeof v === 'string' ? v.split(',').map((s) => s.trim()) : v;
  if (!Array.isArray(list)) throw new Error(`'on' must be a list of: ${MAIL_TRIGGERS.join(', ')}`);
  for (const t of list) {
    if (!MAIL_TRIGGERS.includes(t as MailTrigger)) {
      throw new Error(`'on' takes ${MAIL_TRIGGERS.join(', ')}; got ${JSON.stringify(t)}`);
    }
  }
  return [...new Set(list as MailTrigger[])];
}
