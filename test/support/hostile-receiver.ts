/*
 * A channel receiver on 127.0.0.1 that answers the way an attacker who controls it would:
 * a redirect to another address, an endless body, or text shaped to forge log lines.
 * It counts requests and the bytes it managed to send before the client hung up.
 */
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';

export type HostileAnswer =
  { kind: 'redirect'; location: string } | { kind: 'endless'; status: number } | { kind: 'text'; status: number; body: string };

const CHUNK = Buffer.alloc(64 * 1024, 'x');
// Stops an endless answer nobody reads, so a broken client cannot hang the suite.
const MAX_ENDLESS_BYTES = 256 * 1024 * 1024;

export class HostileReceiver {
  requests = 0;
  bytesSent = 0;
  answer: HostileAnswer = { kind: 'text', status: 200, body: 'ok' };

  private constructor(private readonly server: Server) {}

  static async start(): Promise<HostileReceiver> {
    const server = createServer();
    const receiver = new HostileReceiver(server);
    server.on('request', (request, response) => {
      request.resume();
      request.on('end', () => {
        receiver.requests++;
        const answer = receiver.answer;
        if (answer.kind === 'redirect') return void response.writeHead(307, { location: answer.location }).end();
        if (answer.kind === 'text') return void response.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body);
        response.writeHead(answer.status, { 'content-type': 'text/plain' });
        const pump = (): void => {
          while (!response.destroyed && receiver.bytesSent < MAX_ENDLESS_BYTES) {
            receiver.bytesSent += CHUNK.length;
            if (!response.write(CHUNK)) return void response.once('drain', pump);
          }
          response.end();
        };
        response.on('error', () => undefined);
        pump();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  reset(answer: HostileAnswer): void {
    this.answer = answer;
    this.requests = 0;
    this.bytesSent = 0;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
