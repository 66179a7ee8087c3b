/**
 * Sending the run mail with nodemailer: one message per run that matches
 * `on`, after the log is final and the archive made. A mail problem is one
 * warning line, never an exception, never a changed exit code, never a hung
 * exit: every network step has a timeout and the whole send a deadline.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createTransport } from 'nodemailer';
import type { RunSummary } from '../run-summary.js';
import { inert } from '../../text/index.js';
import { mailBody, mailReasons, mailSubject, type ArchiveNote } from './message.js';
import type { MailConfig, MailTimeouts, MailTrigger } from './types.js';

/** Archives up to this size are attached (DESIGN §11). */
export const ATTACH_LIMIT_BYTES = 10 * 1024 * 1024;
/** How much of run.log's end is attached when the archive is not. */
const LOG_TAIL_BYTES = 512 * 1024;
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_TOTAL_MS = 30_000;

export interface SendRunMailOptions {
  config: MailConfig;
  summary: RunSummary;
  runLogPath: string;
  /** The run's `.tar.gz`, when it was made. */
  archivePath?: string;
  timeouts?: MailTimeouts;
  /** Where `password_env` is looked up (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Largest archive attached (default 10 MiB). */
  attachLimitBytes?: number;
}

export interface MailOutcome {
  /** True when the server accepted the message. */
  sent: boolean;
  /** Why the mail was due; unset when the run did not match `on`. */
  reason?: MailTrigger;
  subject?: string;
  /** One line for the operator when a due mail could not be sent. */
  warning?: string;
}

/**
 * Sends the mail when the run matches `config.on`. Resolves (never rejects)
 * within `timeouts.total`; a failure comes back as `warning`, one line that
 * never holds the password.
 */
export async function sendRunMail(opts: SendRunMailOptions): Promise<MailOutcome> {
  const { config, summary } = opts;
  const reason = mailReasons(summary, config.on)[0];
  if (!reason) return { sent: false };
  const subject = mailSubject(summary, reason);
  const env = opts.env ?? process.env;
  const password = config.password ?? (config.passwordEnv ? env[config.passwordEnv] : undefined);
  const warn = (why: string): MailOutcome => ({ sent: false, reason, subject, warning: warning(why, config, password) });
  if (config.to.length === 0) return warn('no recipients (set mail.to in playwatch.yml or pass --mail-to)');
  if (config.passwordEnv && config.password === undefined && !password) {
    return warn(`the environment variable ${config.passwordEnv} (mail.password_env) is not set`);
  }
  const total = opts.timeouts?.total ?? DEFAULT_TOTAL_MS;
  const sockets = new Set<net.Socket>();
  let timer: NodeJS.Timeout | undefined;
  try {
    const message = { from: config.from, to: config.to, subject, ...content(opts) };
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`gave up after ${(total / 1000).toFixed(1)} s`)), total);
    });
    await Promise.race([deliver(config, password, opts.timeouts, message, sockets), deadline]);
    return { sent: true, reason, subject };
  } catch (err) {
    return warn((err as Error).message || String(err));
  } finally {
    clearTimeout(timer);
    // Past the deadline nothing may keep the process alive: drop the connection.
    for (const s of sockets) s.destroy();
  }
}

type Message = { from: string; to: string[]; subject: string; text: string; attachments: Attachment[] };
type Attachment = { filename: string; content: Buffer | string; contentType: string };

async function deliver(
  config: MailConfig,
  password: string | undefined,
  t: MailTimeouts | undefined,
  message: Message,
  sockets: Set<net.Socket>,
) {
  const transport = createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    requireTLS: config.starttls,
    ...(config.user ? { auth: { user: config.user, pass: password ?? '' } } : {}),
    connectionTimeout: t?.connection ?? DEFAULT_TIMEOUT_MS,
    greetingTimeout: t?.greeting ?? DEFAULT_TIMEOUT_MS,
    socketTimeout: t?.socket ?? DEFAULT_TIMEOUT_MS,
    dnsTimeout: t?.connection ?? DEFAULT_TIMEOUT_MS,
    // Nothing in the message may make nodemailer read files or URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
    // We open the TCP connection ourselves (nodemailer does TLS and SMTP on it, as it does
    // for proxies), so the deadline can close it and nothing keeps the process alive.
    getSocket: (_options, callback) => connect(config, t?.connection ?? DEFAULT_TIMEOUT_MS, sockets, callback),
  });
  try {
    await transport.sendMail(message);
  } finally {
    transport.close();
  }
}

/** Opens a TCP connection to the SMTP server within `timeoutMs`, remembering the socket in `sockets`. */
function connect(
  config: MailConfig,
  timeoutMs: number,
  sockets: Set<net.Socket>,
  callback: (err: Error | null, info?: { connection: net.Socket }) => void,
): void {
  const socket = net.connect({ host: config.host, port: config.port });
  sockets.add(socket);
  socket.once('close', () => sockets.delete(socket));
  const fail = (err: Error) => {
    clearTimeout(timer);
    socket.destroy();
    callback(err);
  };
  const timer = setTimeout(() => fail(new Error(`connection to ${config.host}:${config.port} timed out`)), timeoutMs);
  socket.once('error', fail);
  socket.once('connect', () => {
    clearTimeout(timer);
    socket.off('error', fail);
    callback(null, { connection: socket });
  });
}

/** The body and attachments: the archive when small enough, else run.log's end and summary.json. */
function content(opts: SendRunMailOptions): { text: string; attachments: Attachment[] } {
  const limit = opts.attachLimitBytes ?? ATTACH_LIMIT_BYTES;
  const note: ArchiveNote = { attached: false };
  const attachments: Attachment[] = [];
  if (opts.archivePath) {
    note.archivePath = opts.archivePath;
    const size = fileSize(opts.archivePath);
    if (size === undefined) note.reason = 'the file is missing';
    else if (size > limit) note.reason = `${(size / 1024 / 1024).toFixed(1)} MB is over ${(limit / 1024 / 1024).toFixed(1)} MB`;
    else {
      attachments.push({ filename: path.basename(opts.archivePath), content: fs.readFileSync(opts.archivePath), contentType: 'application/gzip' });
      note.attached = true;
    }
  } else note.reason = 'the archive was not made';
  if (!note.attached) {
    attachments.push({ filename: 'run.log.tail.txt', content: tail(opts.runLogPath, LOG_TAIL_BYTES), contentType: 'text/plain' });
    attachments.push({ filename: 'summary.json', content: `${JSON.stringify(opts.summary, null, 2)}\n`, contentType: 'application/json' });
  }
  return { text: mailBody(opts.summary, note), attachments };
}

function fileSize(p: string): number | undefined {
  try {
    return fs.statSync(p).size;
  } catch {
    return undefined;
  }
}

/** The last `bytes` of a file, cut at a line start. */
function tail(file: string, bytes: number): string {
  try {
    const size = fs.statSync(file).size;
    const start = Math.max(0, size - bytes);
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.alloc(size - start);
      fs.readSync(fd, buf, 0, buf.length, start);
      const text = buf.toString('utf8');
      return start === 0 ? text : `[… the first ${start} bytes are left out]\n${text.slice(text.indexOf('\n') + 1)}`;
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    return `run.log could not be read: ${(err as Error).message}\n`;
  }
}

/**
 * The warning line: where the mail was going and why it failed, on one
 * line, with the password (and its base64 forms, as sent by AUTH) removed.
 */
function warning(why: string, config: MailConfig, password: string | undefined): string {
  let line = `mail not sent to ${config.to.join(', ') || '(nobody)'} via ${config.host}:${config.port}: ${why}`;
  for (const secret of secretForms(config.user ?? '', password)) line = line.split(secret).join('********');
  return inert(line).replace(/\s+/g, ' ').trim();
}

function secretForms(user: string, password: string | undefined): string[] {
  if (!password) return [];
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  return [password, b64(password), b64(`\u0000${user}\u0000${password}`)].sort((a, b) => b.length - a.length);
}
