export type { MailConfig, MailTrigger } from '../../model/index.js';

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
