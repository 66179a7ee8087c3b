/**
 * A TCP proxy in front of a test server (Node `net`, loopback only), for
 * network faults:
 * - `delay(up, down)`: each chunk waits N ms before it is passed on, per
 *   direction (up: client → server, down: server → client), order kept;
 * - `drop()`: stops forwarding in both directions without closing anything,
 *   as a link that silently loses every packet (what only keepalives can
 *   detect); `restore()` forwards again (what was dropped stays lost);
 * - `reset()`: ends every connection with a TCP RST (ECONNRESET on both sides);
 * - `cut()`: closes every connection (a host that crashed);
 * - `refuse(n)`: closes the next n connections at once, before the SSH
 *   handshake (a host still rebooting).
 */
import * as net from 'node:net';

export interface TcpProxy {
  readonly port: number;
  /** Connections forwarded, and connections closed by `refuse`. */
  readonly counts: { forwarded: number; refused: number };
  /** Chunks `drop` has thrown away so far. */
  dropped(): number;
  delay(upMs: number, downMs?: number): void;
  drop(): void;
  restore(): void;
  reset(): void;
  cut(): void;
  refuse(n: number): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const counts = { forwarded: 0, refused: 0 };
  let droppedChunks = 0;
  let refusing = 0;
  let dropping = false;
  const delays = { up: 0, down: 0 };
  const track = (s: net.Socket) => {
    // A wire, not a host: Nagle here would hold a chunk until the previous one is acknowledged, a delay real links do not add.
    s.setNoDelay(true);
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  };
  /** Passes `from`'s data to `to`, through the drop switch and the direction's delay. */
  const forward = (from: net.Socket, to: net.Socket, dir: 'up' | 'down') => {
    // Chunks leave in order even when the delay changes meanwhile.
    let last = Promise.resolve();
    from.on('data', (chunk) => {
      if (dropping) {
        droppedChunks++;
        return;
      }
      const ms = delays[dir];
      if (ms <= 0) {
        last = last.then(() => void (to.destroyed || to.write(chunk)));
        return;
      }
      const due = Date.now() + ms;
      last = last.then(() => new Promise<void>((r) => setTimeout(() => (to.destroyed || to.write(chunk), r()), Math.max(0, due - Date.now()))));
    });
    from.on('end', () => void last.then(() => to.end()));
  };
  const server = net.createServer((inbound) => {
    track(inbound);
    if (refusing > 0) {
      refusing--;
      counts.refused++;
      inbound.destroy();
      return;
    }
    counts.forwarded++;
    const outbound = net.connect(targetPort, targetHost);
    track(outbound);
    forward(inbound, outbound, 'up');
    forward(outbound, inbound, 'down');
    inbound.on('close', () => outbound.destroy());
    outbound.on('close', () => inbound.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    counts,
    dropped: () => droppedChunks,
    delay: (up, down = up) => {
      delays.up = up;
      delays.down = down;
    },
    drop: () => {
      dropping = true;
    },
    restore: () => {
      dropping = false;
    },
    reset: () => {
      for (const s of sockets) s.resetAndDestroy();
    },
    cut: () => {
      for (const s of sockets) s.destroy();
    },
    refuse: (n) => {
      refusing = n;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
