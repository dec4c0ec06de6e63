/**
 * A local OSV API for tests, serving the real records of ../shared/fixtures/osv: `GET
 * /v1/vulns/<id>`, and `POST /v1/querybatch` answering for each package URL every record that
 * names the package, whatever the version (a deliberately loose server: trustmap must check the
 * ranges itself), `pageSize` ids per page with page tokens.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { PackageURL } from 'packageurl-js';
import { FIXTURES } from './fixture-registry.js';

export interface FixtureOsv {
  url: string;
  /** Query batches received, with their sizes. */
  batches: number[];
  pageSize: number;
  close: () => Promise<void>;
}

interface OsvRecord {
  id: string;
  affected: { package: { ecosystem: string; name: string } }[];
}

const normalise = (ecosystem: string, name: string): string =>
  ecosystem === 'PyPI' ? name.toLowerCase().replace(/[-_.]+/g, '-') : name;

export async function startFixtureOsv(): Promise<FixtureOsv> {
  const records = new Map<string, OsvRecord>();
  for (const folder of ['npm', 'pypi'])
    for (const file of fs.readdirSync(path.join(FIXTURES, 'osv', folder))) {
      const record = JSON.parse(
        fs.readFileSync(path.join(FIXTURES, 'osv', folder, file), 'utf8'),
      ) as OsvRecord;
      records.set(record.id, record);
    }
  const state = { pageSize: 1000 };
  const batches: number[] = [];
  const server = http.createServer((request, response) => {
    const url = request.url ?? '/';
    if (request.method === 'GET' && url.startsWith('/v1/vulns/')) {
      const record = records.get(decodeURIComponent(url.slice('/v1/vulns/'.length)));
      if (record === undefined) response.writeHead(404).end('{}');
      else
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(record));
      return;
    }
    if (request.method === 'POST' && url === '/v1/querybatch') {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        const { queries } = JSON.parse(body) as {
          queries: { package: { purl: string }; page_token?: string }[];
        };
        batches.push(queries.length);
        const results = queries.map((query) => {
          const purl = PackageURL.fromString(query.package.purl);
          const ecosystem = purl.type === 'pypi' ? 'PyPI' : purl.type;
          const name = normalise(
            ecosystem,
            purl.namespace == null ? purl.name : `${purl.namespace}/${purl.name}`,
          );
          const ids = [...records.values()]
            .filter((r) =>
              r.affected.some(
                (a) =>
                  a.package.ecosystem === ecosystem &&
                  normalise(ecosystem, a.package.name) === name,
              ),
            )
            .map((r) => r.id);
          const from = Number(query.page_token ?? 0);
          const page = ids.slice(from, from + state.pageSize);
          return {
            ...(page.length > 0
              ? { vulns: page.map((id) => ({ id, modified: '2025-01-01T00:00:00Z' })) }
              : {}),
            ...(from + state.pageSize < ids.length
              ? { next_page_token: String(from + state.pageSize) }
              : {}),
          };
        });
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ results }));
      });
      return;
    }
    response.writeHead(404).end('{}');
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const osv: FixtureOsv = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    batches,
    get pageSize() {
      return state.pageSize;
    },
    set pageSize(size: number) {
      state.pageSize = size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
  return osv;
}
