/**
 * A TCP proxy on 127.0.0.1 in front of a real service (PostgreSQL, Redis), so a test can take the service
 * away from one twofold process — and give it back on the same port — without stopping the service.
 * Two ways to take it away: `down()` closes every connection (the service is gone), `stall()` keeps them
 * open but stops passing bytes, as a network partition does (nothing closes, nothing answers).
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  /** Stops listening and cuts every open connection: the service is gone for the proxied client. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  /** Keeps every connection, and accepts new ones, but passes no byte either way until `resume()`. */
  stall(): void;
  /**
   * Passes bytes again, the ones held back during the stall first. With `held: 'lost'` the connections open
   * during the stall stay silent for good (a firewall or NAT that lost their state, a fail-over): only new
   * connections pass.
   */
  resume(options?: { held?: 'resume' | 'lost' }): void;
  close(): Promise<void>;
}

interface Pair {
  readonly client: net.Socket;
  readonly upstream: net.Socket;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const pairs = new Set<Pair>();
  let server: net.Server | null = null;
  let port = 0;
  let stalled = false;

  function track(socket: net.Socket): void {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  }

  function connectPair(pair: Pair): void {
    pair.client.pipe(pair.upstream);
    pair.upstream.pipe(pair.client);
  }

  function holdPair(pair: Pair): void {
    pair.client.unpipe(pair.upstream);
    pair.upstream.unpipe(pair.client);
    pair.client.pause();
    pair.upstream.pause();
  }

  async function listen(): Promise<void> {
    const next = net.createServer((client) => {
      const upstream = net.connect(target.port, target.host);
      const pair = { client, upstream };
      track(client);
      track(upstream);
      pairs.add(pair);
      client.on('close', () => {
        pairs.delete(pair);
        upstream.destroy();
      });
      upstream.on('close', () => client.destroy());
      if (stalled) holdPair(pair);
      else connectPair(pair);
    });
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => resolve());
    });
    port = (next.address() as AddressInfo).port;
    server = next;
  }

  async function down(): Promise<void> {
    const current = server;
    server = null;
    for (const socket of sockets) socket.destroy();
    if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
  }

  await listen();
  return {
    get port() {
      return port;
    },
    down,
    up: listen,
    stall() {
      stalled = true;
      for (const pair of pairs) holdPair(pair);
    },
    resume(options = {}) {
      stalled = false;
      if (options.held === 'lost') pairs.clear();
      for (const pair of pairs) connectPair(pair);
    },
    close: down,
  };
}
