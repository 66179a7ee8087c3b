/**
 * A TCP proxy in front of a test server, for network faults: `cut()` drops
 * every connection through it (as a host that crashed or a link that went
 * away), `refuse(n)` closes the next n connections at once, before the SSH
 * handshake (as a host still rebooting).
 */
import * as net from 'node:net';

export interface TcpProxy {
  readonly port: number;
  /** Connections forwarded, and connections closed by `refuse`. */
  readonly counts: { forwarded: number; refused: number };
  cut(): void;
  refuse(n: number): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const counts = { forwarded: 0, refused: 0 };
  let refusing = 0;
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
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
    const outbound = net.connect(targetPort, '127.0.0.1');
    track(outbound);
    inbound.pipe(outbound).pipe(inbound);
    inbound.on('close', () => outbound.destroy());
    outbound.on('close', () => inbound.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    counts,
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
