/**
 * A loopback HTTP proxy in front of a test server that cuts bodies short: for the first requests
 * of the names in `cuts`, it answers 200 with the first half of the upstream body and no
 * Content-Length, then destroys the socket. `chunked` cuts before the chunked terminator;
 * `close` sends a body delimited only by the connection's end (as an HTTP/1.0-style server does).
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Cut = 'chunked' | 'close';

export interface CuttingProxy {
  url: string;
  /** Cuts to make: each name's first requests get these, in order. */
  cuts: Map<string, Cut[]>;
  /** Bodies cut short so far, by name. */
  cut: Map<string, number>;
  close: () => Promise<void>;
}

export async function startCuttingProxy(upstream: string): Promise<CuttingProxy> {
  const cuts = new Map<string, Cut[]>();
  const cut = new Map<string, number>();
  const sockets = new Set<Socket>();
  const server = http.createServer((request, response) => {
    const name = decodeURIComponent((request.url ?? '/').slice(1).split('?')[0] ?? '');
    const target = new URL(request.url ?? '/', upstream);
    if (target.origin !== new URL(upstream).origin) {
      response.writeHead(400).end(); // forwards to its own upstream (on loopback) only
      return;
    }
    http
      .get(target, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const body = Buffer.concat(chunks);
          const how = answer.statusCode === 200 ? cuts.get(name)?.shift() : undefined;
          if (how === undefined) {
            response
              .writeHead(answer.statusCode ?? 502, {
                'content-type': answer.headers['content-type'] ?? 'application/json',
                'content-length': String(body.length),
              })
              .end(body);
            return;
          }
          cut.set(name, (cut.get(name) ?? 0) + 1);
          const half = body.subarray(0, Math.floor(body.length / 2));
          const socket = response.socket;
          if (socket === null) return;
          if (how === 'close') {
            // Written on the socket itself: Node's server would frame a body without a length.
            socket.write(
              Buffer.concat([
                Buffer.from(
                  'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n',
                ),
                half,
              ]),
              () => socket.destroy(),
            );
            return;
          }
          response.writeHead(200, { 'content-type': 'application/json' });
          response.write(half, () => socket.destroy());
        });
      })
      .on('error', () => {
        response.writeHead(502).end();
      });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    cuts,
    cut,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}
