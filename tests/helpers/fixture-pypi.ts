/**
 * A local PyPI for tests, serving the real documents of ../shared/fixtures/pypi: the JSON Simple
 * API (`/simple/<project>/`, PEP 691, only with its Accept type), `/pypi/<project>/<version>/json`
 * and `/pypi/<project>/json`. Requests are counted; a test may add documents of its own.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { FIXTURES } from './fixture-registry.js';

const PYPI = path.join(FIXTURES, 'pypi');

export interface FixturePyPi {
  url: string;
  requests: string[];
  /** Documents a test writes, by request path; served before the fixtures. */
  overrides: Map<string, unknown>;
  close: () => Promise<void>;
}

export async function startFixturePyPi(): Promise<FixturePyPi> {
  const requests: string[] = [];
  const overrides = new Map<string, unknown>();
  const server = http.createServer((request, response) => {
    const url = request.url ?? '/';
    requests.push(url);
    if (overrides.has(url)) {
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(overrides.get(url)));
      return;
    }
    let file: string | undefined;
    let match = /^\/simple\/([a-z0-9-]+)\/$/.exec(url);
    if (match !== null) {
      if (!(request.headers.accept ?? '').includes('application/vnd.pypi.simple.v1+json')) {
        response.writeHead(406).end('this fixture serves only the JSON Simple API');
        return;
      }
      file = path.join(PYPI, 'simple', `${match[1] ?? ''}.json`);
    } else if ((match = /^\/pypi\/([a-z0-9-]+)\/([^/]+)\/json$/.exec(url)) !== null) {
      file = path.join(PYPI, match[1] ?? '', `${decodeURIComponent(match[2] ?? '')}.json`);
    } else if ((match = /^\/pypi\/([a-z0-9-]+)\/json$/.exec(url)) !== null) {
      file = path.join(PYPI, `${match[1] ?? ''}.json`);
    }
    if (file === undefined || !file.startsWith(PYPI) || !fs.existsSync(file)) {
      response
        .writeHead(404, { 'content-type': 'application/json' })
        .end('{"message": "Not Found"}');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(fs.readFileSync(file));
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    overrides,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
