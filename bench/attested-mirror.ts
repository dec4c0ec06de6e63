/**
 * Real packuments, every version attested (bench/provenance-ingest.ts --real): a loopback registry
 * in front of the npm registry. Each packument is fetched from upstream once per process and kept
 * in memory, so every run after the first is served the same bytes at loopback speed. With
 * `attestations`, every version's `dist` names attestations at this server, and each request for
 * them gets the next of the given bodies (round robin), as serveGeneratedRegistry does; with
 * `attestationsByVersion`, each version gets its own (404 for one without). With `prepared`, the
 * packuments fetched so far are rewritten before the server is handed out, not on request.
 */
import http from 'node:http';
import { listenOnLoopback, type ServeOptions, type ServedRegistry } from './generated-registry.js';

const upstreamBodies = new Map<string, { status: number; body: Buffer }>();

async function upstreamPackument(
  upstream: string,
  path: string,
): Promise<{ status: number; body: Buffer }> {
  const kept = upstreamBodies.get(path);
  if (kept !== undefined) return kept;
  const response = await fetch(new URL(path, upstream), {
    headers: { accept: 'application/json' },
  });
  const got = { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
  if (got.status === 200 || got.status === 404) upstreamBodies.set(path, got);
  return got;
}

/** The packument with every version's dist naming attestations served at `url`. */
function attest(body: Buffer, url: string): Buffer {
  const document = JSON.parse(body.toString('utf8')) as {
    name?: string;
    versions?: Record<string, { dist?: Record<string, unknown> }>;
  };
  for (const [version, manifest] of Object.entries(document.versions ?? {}))
    if (manifest.dist !== undefined)
      manifest.dist.attestations = {
        url: `${url}-/npm/v1/attestations/${String(document.name)}@${version}`,
        provenance: { predicateType: 'https://slsa.dev/provenance/v0.2' },
      };
  return Buffer.from(JSON.stringify(document));
}

export async function serveAttestedMirror(
  upstream: string,
  options: ServeOptions = {},
): Promise<ServedRegistry> {
  const attested = options.attestations ?? [];
  const byVersion = options.attestationsByVersion;
  const attesting = attested.length > 0 || byVersion !== undefined;
  const rewritten = new Map<string, Buffer>();
  let requests = 0;
  let attestations = 0;
  let url = '';
  const server = http.createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    if (path.startsWith('/-/npm/v1/attestations/') && attested.length > 0) {
      const document = attested[attestations++ % attested.length] as Buffer;
      response.writeHead(200, { 'content-type': 'application/json' }).end(document);
      return;
    }
    if (path.startsWith('/-/npm/v1/attestations/') && byVersion !== undefined) {
      let document: Buffer | undefined;
      try {
        document = byVersion.get(decodeURIComponent(path.slice('/-/npm/v1/attestations/'.length)));
      } catch {
        document = undefined;
      }
      if (document === undefined) response.writeHead(404).end();
      else {
        attestations += 1;
        response.writeHead(200, { 'content-type': 'application/json' }).end(document);
      }
      return;
    }
    upstreamPackument(upstream, path.slice(1)).then(
      ({ status, body }) => {
        requests += 1;
        let served = body;
        if (status === 200 && attesting) {
          served = rewritten.get(path) ?? attest(body, url);
          rewritten.set(path, served);
        }
        response
          .writeHead(status, {
            'content-type': 'application/json',
            'content-length': String(served.length),
          })
          .end(served);
      },
      () => response.writeHead(502).end(),
    );
  });
  const listening = await listenOnLoopback(server);
  url = listening.url;
  // What the run will ask for is what an earlier run fetched: rewritten before the run, not in it.
  if (options.prepared === true && attesting)
    for (const [path, { status, body }] of upstreamBodies)
      if (status === 200) rewritten.set(`/${path}`, attest(body, url));
  return {
    url,
    requests: () => requests,
    attestations: () => attestations,
    close: listening.close,
  };
}
