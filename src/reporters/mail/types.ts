/**
 * Mail settings as the mail sender takes them. The same shape as
 * `config`'s `MailSettings` (reporters do not import config; the CLI passes
 * the settings object straight through).
 */

/** Which outcomes of a run send mail. */
export type MailTrigger = 'failed' | 'unreachable' | 'aborted';

export interface MailConfig {
  host: string;
  port: number;
  /** TLS from the first byte (SMTPS). */
  secure: boolean;
  /** Require STARTTLS (otherwise used when offered). */
  starttls: boolean;
  user?: string;
  password?: string;
  /** Name of the environment variable holding the password. */
  passwordEnv?: string;
  from: string;
  to: string[];
  on: MailTrigger[];
}

/** Timeouts in milliseconds; tests make them short. */
export interface MailTimeouts {
  /** TCP (and TLS) connection (default 10 s). */
  connection?: number;
  /** The server's greeting after connecting (default 10 s). */
  greeting?: number;
  /** Silence on an open connection (default 10 s). */
  socket?: number;
  /** The whole send, whatever happens (default 30 s). */
  total?: number;
}
