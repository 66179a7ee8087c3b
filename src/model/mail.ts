/** Which outcomes of a run send mail. */
export type MailTrigger = 'failed' | 'unreachable' | 'aborted';

/**
 * Mail settings with defaults filled in: read by `config/`, used by the
 * mail reporter (a plain type, so both can share it without importing each other).
 */
export interface MailConfig {
  /** SMTP server (default `localhost`). */
  host: string;
  /** Default 465 with `secure`, else 25. */
  port: number;
  /** TLS from the first byte (SMTPS, port 465). */
  secure: boolean;
  /** Require STARTTLS; without it STARTTLS is still used when the server offers it. */
  starttls: boolean;
  user?: string;
  /** The password itself (better: `password_env`). */
  password?: string;
  /** Name of the environment variable holding the password. */
  passwordEnv?: string;
  from: string;
  to: string[];
  on: MailTrigger[];
}

/** Mail settings when playwatch.yml has none (`--mail-to` alone sends through localhost:25). */
export function defaultMailConfig(hostname: string): MailConfig {
  return { host: 'localhost', port: 25, secure: false, starttls: false, from: `playwatch@${hostname}`, to: [], on: ['failed', 'unreachable', 'aborted'] };
}

const ADDR = String.raw`[^\s@<>,"]+@[^\s@<>,"]+`;
const ADDRESS = new RegExp(`^(?:${ADDR}|[^\r\n<>,"]*<${ADDR}>)$`);

/**
 * The one rule for a mail address, in `playwatch.yml` and `--mail-to`
 * alike: `ops@example.com` or `Ops <ops@example.com>`. No line breaks (they
 * would smuggle in headers), no commas (lists are split on them), no spaces
 * inside the address itself.
 */
export function isMailAddress(s: string): boolean {
  return ADDRESS.test(s);
}

/** Addresses from `a@x, b@x` or a list of such strings: trimmed, empties dropped. */
export function splitMailAddresses(v: string | readonly string[]): string[] {
  return (typeof v === 'string' ? [v] : v).flatMap((a) => a.split(',')).map((a) => a.trim()).filter((a) => a !== '');
}
