/**
 * The narrow transport interface (pyinfra connectors are the model).
 * A transport runs commands and moves files; it never emits events and
 * never prints.
 *
 * The command contract (DESIGN §11): every command runs in its own process
 * group, stdin is closed unless `stdin` is given (with `escalation`, fed
 * after sudo's handshake), and a timeout or an abort ends the whole group.
 */
import type { ConnectionInfo } from '../model/index.js';

export type { ConnectionInfo };

export interface ExecOptions {
  /** Working directory on the target. */
  cwd?: string;
  /** Extra environment for this command. */
  env?: Record<string, string>;
  /** Data fed to stdin, then closed. Without it stdin is closed at once. */
  stdin?: string;
  /** Kill the command's process group after this many ms. */
  timeoutMs?: number;
  /** Aborting kills the command's process group. */
  signal?: AbortSignal;
  /** Streamed output as it arrives (already capped by the caller if needed). */
  onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void;
  /**
   * The module's own command (not a probe such as a `creates` check): under
   * `async:` the engine runs this one as a detached job.
   */
  main?: boolean;
  /** Max bytes of each stream kept in the result (head and tail); default 1 MiB. */
  maxBytes?: number;
  /**
   * The output is the module's own data, not the target's to show: it is not
   * streamed as `host.output` (fact gathering prints the whole environment
   * before the engine can know which of its values are secret).
   */
  quiet?: boolean;
  /** A become handshake: `stdin` waits until the command runs, the password until sudo asks. */
  escalation?: Escalation;
}

/**
 * sudo with a password (`sudo -S -p <prompt>`), done as ansible-core does:
 * the password is written only when sudo's own prompt (random per command)
 * shows on stderr, and `stdin` only once the command under sudo has
 * printed `ready` on stderr; never otherwise, so a sudo that does not ask
 * (NOPASSWD, cached credentials, root) never gets the password on the
 * command's stdin. The prompt and the ready line never reach the output.
 */
export interface Escalation {
  prompt: string;
  ready: string;
  password: string;
}

export interface ExecResult {
  rc: number;
  stdout: string;
  stderr: string;
  /** True when the middle of a stream was cut to stay under maxBytes. */
  truncated: boolean;
  /** Which stream was cut, when known (both default to `truncated`). */
  stdoutTruncated?: boolean;
  stderrTruncated?: boolean;
  /** Process group id on the target, when known. */
  pgid?: number;
  timedOut: boolean;
  /** True when `signal` aborted the command and its group was killed. */
  aborted?: boolean;
  /** Set when the command was ended by a signal. */
  signal?: string;
}

export interface Transport {
  readonly host: string;
  /** Opens the connection; throws UnreachableError when the host can't be reached. */
  connect(): Promise<void>;
  /** Runs a `/bin/sh -c` command line. Failures are data (rc), not exceptions. */
  exec(command: string, opts?: ExecOptions): Promise<ExecResult>;
  put(content: string | Buffer, remotePath: string, mode?: number): Promise<void>;
  get(remotePath: string): Promise<Buffer>;
  close(): Promise<void>;
  /** Where and as whom commands run, for `-vvvv` (no secrets). */
  describe?(): ConnectionInfo;
}

/** The host can't be reached: the engine marks it unreachable. */
export class UnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreachableError';
  }
}

/** Connection settings for one host, read from its vars. */
export interface ConnectionSpec {
  host: string;
  connection: 'local' | 'ssh';
  address?: string;
  port?: number;
  user?: string;
  /** Local connection only: the directory that plays this host's machine (cwd and HOME). */
  root?: string;
  /**
   * Local connection only, without `root`: where commands start and
   * relative paths resolve. ansible-core runs local commands in the play's
   * playbook directory; default the controller's working directory.
   */
  cwd?: string;
  /** SSH only: `ansible_ssh_private_key_file`, tried before any other key. */
  privateKeyFile?: string;
  /** SSH only: `ansible_password` (or `ansible_ssh_pass`); never printed. */
  password?: string;
  /** SSH only: the known_hosts file to check (`playwatch_known_hosts`); default `~/.ssh/known_hosts`. */
  knownHostsFile?: string;
  /** SSH only: jump hosts (`ansible.cfg` ssh_args `-o ProxyJump=`), before `~/.ssh/config`'s. */
  proxyJump?: string;
}
