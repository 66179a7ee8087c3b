/**
 * Every fleet host is this machine: to keep hosts from sharing files, each
 * gets its own root directory, and its transport runs every command there
 * (relative paths land in it, as on the local transport's `root`). The
 * wrapper also counts the commands: each is one exec channel, one round
 * trip on a real network.
 */
import { shellQuote } from '../../src/transport/command.js';
import type { Transport } from '../../src/transport/types.js';

export interface Rooted extends Transport {
  /** Every command line sent, in order (without the `cd`). */
  readonly commands: string[];
}

/** `t` running its commands in `root` (which must exist); `keepOpen` makes close() a no-op, for a connection shared across runs. */
export function rooted(t: Transport, root: string, o: { keepOpen?: boolean } = {}): Rooted {
  const commands: string[] = [];
  return {
    host: t.host,
    commands,
    connect: () => t.connect(),
    exec: (command, opts) => {
      commands.push(command);
      return t.exec(`cd ${shellQuote(root)} || exit 125\n${command}`, opts);
    },
    put: (content, remotePath, mode) => t.put(content, remotePath, mode),
    get: (remotePath) => t.get(remotePath),
    close: () => (o.keepOpen ? Promise.resolve() : t.close()),
    ...(t.describe ? { describe: () => t.describe!() } : {}),
  };
}
