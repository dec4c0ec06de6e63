/**
 * A local npm registry for tests: serves the real packuments of ../shared/fixtures/npm/packuments
 * over HTTP on loopback, with faults injected on request (429 with Retry-After, 500, stalls,
 * truncated bodies, invalid JSON), so the real client code runs against real HTTP.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export const FIXTURES = path.resolve(import.meta.dirname, '../../../shared/fixtures');
export const PACKUMENTS = path.join(FIXTURES, 'npm/packuments');

export type Fault = 'rate-limit' | 'server-error' | 'stall' | 'truncate' | 'not-json';

export interface FixtureRegistry {
  url: string;
  /** Requests seen, by package name. */
  requests: Map<string, number>;
  /** Faults to inject: each package's first requests get these, in order. */
  faults: Map<string, Fault[]>;
  /** Documents to serve instead of (or in addition to) the fixtures. */
  overrides: Map<string, unknown>;
  /** Milliseconds to wait before answering each request (to make a run last). */
  delayMs: number;
  /**
   * Called with each request's package name as it arrives, before it is answered: a test acts at
   * a point it observes (kills a client that has had some of its packuments) instead of a time.
   */
  onRequest: ((name: string) => void) | undefined;
  close: () => Promise<void>;
}

export async function startFixtureRegistry(): Promise<FixtureRegistry> {
  const requests = new Map<string, number>();
  const faults = new Map<string, Fault[]>();
  const overrides = new Map<string, unknown>();
  const sockets = new Set<import('node:net').Socket>();
  const registry: Pick<FixtureRegistry, 'delayMs' | 'onRequest'> = {
    delayMs: 0,
    onRequest: undefined,
  };
  const server = http.createServer((request, response) => {
    registry.onRequest?.(packageName(request));
    if (registry.delayMs > 0) {
      setTimeout(() => {
        answer(request, response);
      }, registry.delayMs);
      return;
    }
    answer(request, response);
  });
  const answer = (request: http.IncomingMessage, response: http.ServerResponse): void => {
    const name = packageName(request);
    requests.set(name, (requests.get(name) ?? 0) + 1);
    const fault = faults.get(name)?.shift();
    if (fault === 'rate-limit') {
      response.writeHead(429, { 'retry-after': '1' }).end('slow down');
      return;
    }
    if (fault === 'server-error') {
      response.writeHead(500).end('oops');
      return;
    }
    if (fault === 'stall') return; // never answers: the client's timeout must fire
    let body: string | undefined;
    if (overrides.has(name)) body = JSON.stringify(overrides.get(name));
    else {
      const file = path.join(PACKUMENTS, `${name.replace('/', '__')}.json`);
      if (!name.includes('..') && fs.existsSync(file)) body = fs.readFileSync(file, 'utf8');
    }
    if (body === undefined) {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
      return;
    }
    if (fault === 'not-json') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('<html>gateway</html>');
      return;
    }
    const bytes = Buffer.from(body);
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': String(bytes.length),
    });
    if (fault === 'truncate') {
      response.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
      response.socket?.destroy();
      return;
    }
    response.end(bytes);
  };
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(registry, {
    url: `http://127.0.0.1:${port}/`,
    requests,
    faults,
    overrides,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  });
}

function packageName(request: http.IncomingMessage): string {
  return decodeURIComponent((request.url ?? '/').slice(1).split('?')[0] ?? '');
}
