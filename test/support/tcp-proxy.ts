/*
 * TcpProxy: a TCP forwarder on 127.0.0.1 in front of a real server, so a test can
 * cut one app off its database without touching the PostgreSQL other suites share.
 *
 *   const proxy = await TcpProxy.inFrontOf(database.url);  // DATABASE_URL: proxy.url
 *   proxy.pause();                 // open connections reset, new ones refused (database down)
 *   proxy.blackhole();             // connections stay open but no byte gets through (partition)
 *   await proxy.resume();          // accepts and forwards again, on the same port
 *   await proxy.close();
 */
import { once } from 'node:events';
import { AddressInfo, createConnection, createServer, Server, Socket } from 'node:net';

interface Pair {
  client: Socket;
  upstream: Socket;
}

export class TcpProxy {
  private readonly pairs = new Set<Pair>();
  private server: Server;
  private listenPort = 0;
  private forwarding = true;

  private constructor(private readonly target: URL) {
    this.server = this.createServer();
  }

  /** A proxy to the host and port of `url` (e.g. a `postgres://` URL). */
  static async inFrontOf(url: string): Promise<TcpProxy> {
    const proxy = new TcpProxy(new URL(url));
    await proxy.listen();
    return proxy;
  }

  get port(): number {
    return this.listenPort;
  }

  /** The target URL with host and port replaced by the proxy's. */
  get url(): string {
    const proxied = new URL(this.target);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(this.port);
    return proxied.toString();
  }

  /** Resets every open connection and stops listening: new connections are refused. */
  pause(): void {
    if (!this.server.listening) return;
    this.server.close();
    for (const { client, upstream } of this.pairs) {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    }
    this.pairs.clear();
  }

  /** Keeps every connection open, accepts new ones, and forwards nothing until `resume()`. */
  blackhole(): void {
    this.forwarding = false;
    for (const pair of this.pairs) stopForwarding(pair);
  }

  /** Forwards again; after `pause()` listens again on the same port. */
  async resume(): Promise<void> {
    if (!this.forwarding) {
      this.forwarding = true;
      for (const pair of this.pairs) startForwarding(pair);
    }
    if (this.server.listening) return;
    this.server = this.createServer();
    await this.listen();
  }

  close(): Promise<void> {
    this.pause();
    return Promise.resolve();
  }

  private async listen(): Promise<void> {
    this.server.listen(this.listenPort, '127.0.0.1');
    await once(this.server, 'listening');
    this.listenPort = (this.server.address() as AddressInfo).port;
  }

  private createServer(): Server {
    return createServer((client) => {
      const pair = { client, upstream: createConnection(Number(this.target.port), this.target.hostname) };
      this.pairs.add(pair);
      for (const socket of [pair.client, pair.upstream]) {
        socket.on('close', () => this.pairs.delete(pair));
        // Either side failing ends the pair; the app sees the reset as a real database fault.
        socket.on('error', () => {
          pair.client.destroy();
          pair.upstream.destroy();
        });
      }
      if (this.forwarding) startForwarding(pair);
      else stopForwarding(pair);
    });
  }
}

function startForwarding({ client, upstream }: Pair): void {
  client.pipe(upstream);
  upstream.pipe(client);
}

function stopForwarding({ client, upstream }: Pair): void {
  client.unpipe(upstream);
  upstream.unpipe(client);
  client.pause();
  upstream.pause();
}
