/**
 * The API over real HTTP on an ephemeral port, against the embedded store loaded with the yargs
 * closure from the local fixture registry and scored: every endpoint, bad input, writes on
 * /api/cypher, the token rule, the headers.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphStore } from '../../graph/store.js';
import { assertSafeBinding } from '../../server/auth.js';
import { loadTrustGraph } from '../../trust/load.js';
import { computeScores, type ScoreResult } from '../../trust/score.js';
import { writeScores } from '../../trust/write-scores.js';
import { listenApi, type TestApi } from '../helpers/api-server.js';
import { CLIENT_DIR } from '../helpers/explorer-fixture.js';
import { startFixturePyPi, type FixturePyPi } from '../helpers/fixture-pypi.js';
import {
  addFlaggedPackuments,
  FLAG_CONSUMER,
  FLAGGED_PACKAGE,
  FLAGGED_VERSION,
  HOSTILE_SCRIPT,
} from '../helpers/flagged-packuments.js';
import { startFixtureRegistry, type FixtureRegistry } from '../helpers/fixture-registry.js';
import { ingestedStore } from '../helpers/fixture-store.js';
import { tempDir } from '../helpers/temp.js';

let registry: FixtureRegistry;
let pypi: FixturePyPi;
let store: GraphStore;
let cleanup: () => void;
/** The scores the engine computed and the API serves (stored with writeScores). */
let scores: ScoreResult;
const apis: TestApi[] = [];

async function serve(token?: string, clientDir?: string): Promise<string> {
  const api = await listenApi(store, {
    token,
    clientDir,
    npmRegistry: registry.url,
    pypiUrl: pypi.url,
  });
  apis.push(api);
  return api.base;
}

let base: string;
beforeAll(async () => {
  registry = await startFixtureRegistry();
  pypi = await startFixturePyPi();
  registry.overrides.set('evil-description', {
    name: 'evil-description',
    description: '<img src=x onerror=alert(1)>',
    'dist-tags': { latest: '1.0.0' },
    versions: { '1.0.0': { name: 'evil-description', version: '1.0.0' } },
  });
  addFlaggedPackuments(registry);
  ({ store, cleanup } = await ingestedStore(
    ['npm:yargs@16.1.0', 'npm:evil-description', FLAG_CONSUMER],
    registry.url,
  ));
  scores = computeScores(await loadTrustGraph(store), { anchors: ['org:github:yargs'] });
  await writeScores(store, scores, new Date().toISOString());
  base = await serve();
});
afterAll(async () => {
  await Promise.all(apis.map((api) => api.close()));
  await store.close();
  await registry.close();
  await pypi.close();
  cleanup();
});

async function get(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(url, init);
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}
const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  get(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('the API', () => {
  it('answers health, with security headers and a CSP without inline script', async () => {
    const { status, body, headers } = await get(`${base}/api/health`);
    expect(status).toBe(200);
    expect(body).toEqual({ status: 'ok', store: 'embedded', version: '0.0.0-test' });
    const csp = headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).not.toMatch(/unsafe-inline/);
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('x-powered-by')).toBeNull();
  });

  it('searches by prefix first, then substring', async () => {
    const { body } = await get(`${base}/api/search?q=cli`);
    const results = body.results as { key: string; label: string }[];
    expect(results[0]).toMatchObject({ key: 'pkg:npm/cliui', label: 'Package' });
    const substring = await get(`${base}/api/search?q=ansi`);
    expect((substring.body.results as { key: string }[]).map((r) => r.key)).toEqual(
      expect.arrayContaining([
        'pkg:npm/ansi-regex',
        'pkg:npm/ansi-styles',
        'pkg:npm/strip-ansi',
        'pkg:npm/wrap-ansi',
      ]),
    );
    expect((await get(`${base}/api/search?q=`)).body).toMatchObject({
      error: { code: 'INVALID_INPUT' },
    });
    expect((await get(`${base}/api/search?q=a&limit=5000`)).status).toBe(400);
  });

  it('gives a node with its scores, explanation and neighbours; registry text comes back as data', async () => {
    const { status, body } = await get(
      `${base}/api/nodes/${encodeURIComponent('pkg:npm/cliui@7.0.2')}`,
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({
      key: 'pkg:npm/cliui@7.0.2',
      labels: ['Version'],
      explanation: { metric: 'E', node: 'pkg:npm/cliui@7.0.2' },
    });
    expect((body.neighbours as { byType: Record<string, unknown> }).byType).toHaveProperty(
      'RESOLVES_TO',
    );
    const evil = await get(`${base}/api/nodes/${encodeURIComponent('pkg:npm/evil-description')}`);
    expect((evil.body.properties as { description: string }).description).toBe(
      '<img src=x onerror=alert(1)>',
    );
    expect(
      (await get(`${base}/api/nodes/${encodeURIComponent('pkg:npm/nothing')}`)).body,
    ).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it("gives a node's change flags as the engine computed them, and chokepoint rows carry them", async () => {
    const wire = (key: string) =>
      (scores.versions.get(key)?.flags ?? []).map(({ id, severity, evidence, since }) => ({
        id,
        severity,
        evidence,
        since,
      }));
    // Every flagged version the engine found, a low one of the yargs closure and the high one.
    const flagged = [...scores.versions.values()].filter((v) => v.flags.length > 0);
    expect(flagged.map((v) => v.key)).toEqual(
      expect.arrayContaining([FLAGGED_VERSION, 'pkg:npm/color-name@1.1.4']),
    );
    for (const { key } of flagged) {
      const { body } = await get(`${base}/api/nodes/${encodeURIComponent(key)}`);
      expect(body.flags, key).toEqual(wire(key));
    }
    const high = wire(FLAGGED_VERSION);
    expect(high[0]).toMatchObject({ id: 'install-script-added', severity: 'high' });
    expect(high[0]?.evidence).toContain(HOSTILE_SCRIPT);
    // A package's flags are its selected version's; an unflagged or unscored node has [].
    expect(
      (await get(`${base}/api/nodes/${encodeURIComponent(FLAGGED_PACKAGE)}`)).body.flags,
    ).toEqual(high);
    expect(
      (await get(`${base}/api/nodes/${encodeURIComponent('pkg:npm/yargs@16.1.0')}`)).body.flags,
    ).toEqual(wire('pkg:npm/yargs@16.1.0'));
    expect(
      (await get(`${base}/api/nodes/${encodeURIComponent('person:npm:bcoe')}`)).body.flags,
    ).toEqual([]);

    const ranked = await get(`${base}/api/chokepoints?limit=1000`);
    const rows = ranked.body.chokepoints as {
      key: string;
      flags: unknown[];
      flagSeverity: unknown;
    }[];
    const row = rows.find((r) => r.key === FLAGGED_VERSION);
    expect(row).toMatchObject({ flags: high, flagSeverity: 'high' });
    for (const r of rows) {
      expect(r.flags, r.key).toEqual(wire(r.key));
      expect(r.flagSeverity, r.key).toBe(wire(r.key)[0]?.severity ?? null);
    }
    // The graph view marks the flagged versions with their worst severity.
    const graph = await get(`${base}/api/graph?root=${FLAG_CONSUMER}&layers=deps`);
    const nodes = graph.body.nodes as { key: string; attributes: { flagSeverity: unknown } }[];
    expect(nodes.find((n) => n.key === FLAGGED_VERSION)?.attributes.flagSeverity).toBe('high');
    expect(
      nodes.find((n) => n.key === 'pkg:npm/flag-consumer@2.0.0')?.attributes.flagSeverity,
    ).toBe(wire('pkg:npm/flag-consumer@2.0.0')[0]?.severity ?? null);
  });

  it("gives a package's releases over time: publisher, install scripts, dependencies added, flags", async () => {
    const { status, body } = await get(
      `${base}/api/packages/${encodeURIComponent(FLAGGED_PACKAGE)}/timeline`,
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({ key: FLAGGED_PACKAGE, total: 2, truncated: false });
    const releases = body.releases as Record<string, unknown>[];
    expect(releases.map((r) => r.version)).toEqual(['1.0.0', '1.0.1']);
    expect(releases[0]).toMatchObject({
      publishedAt: '2019-01-01T00:00:00.000Z',
      publishers: ['person:npm:victim-dev'],
      installScripts: [],
      flagSeverity: null,
      flagIds: [],
    });
    expect(releases[1]).toMatchObject({
      key: FLAGGED_VERSION,
      installScripts: ['preinstall'],
      installScriptsAdded: ['preinstall'],
      dependenciesAdded: ['ansi-regex@^5.0.0'],
      dependenciesRemoved: [],
      flagSeverity: 'high',
      flagIds: (scores.versions.get(FLAGGED_VERSION)?.flags ?? []).map((f) => f.id),
    });
    // yargs's releases in the fixture: oldest first, each with a publish time.
    const yargs = await get(`${base}/api/packages/${encodeURIComponent('pkg:npm/yargs')}/timeline`);
    const times = (yargs.body.releases as { publishedAt: string }[]).map((r) => r.publishedAt);
    expect(times.length).toBeGreaterThan(10);
    expect(times).toEqual([...times].sort());
    expect(yargs.body.total).toBe(times.length);
    const version = await get(
      `${base}/api/packages/${encodeURIComponent(FLAGGED_VERSION)}/timeline`,
    );
    expect(version.body).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('ranks chokepoints under a root', async () => {
    const { body } = await get(`${base}/api/chokepoints?root=npm:yargs&limit=3`);
    const rows = body.chokepoints as { key: string; path: string[] }[];
    expect(rows).toHaveLength(3);
    expect(rows[0]?.path[0]).toBe('pkg:npm/yargs@16.1.0');
    expect((await get(`${base}/api/chokepoints?root=npm:unknown`)).status).toBe(404);
  });

  it('gives the supply chain of a root in the graphology format, with layers and positions', async () => {
    const { status, body } = await get(
      `${base}/api/graph?root=npm:yargs&layers=deps,people,repos,orgs`,
    );
    expect(status).toBe(200);
    expect(body.options).toEqual({ type: 'directed', multi: true, allowSelfLoops: false });
    const nodes = body.nodes as {
      key: string;
      attributes: { kind: string; x: number; y: number };
    }[];
    const edges = body.edges as { source: string; target: string; attributes: { type: string } }[];
    expect(nodes.filter((n) => n.attributes.kind === 'version')).toHaveLength(16);
    expect(new Set(nodes.map((n) => n.attributes.kind))).toEqual(
      new Set(['version', 'person', 'repository', 'organisation']),
    );
    expect(
      nodes.every((n) => Number.isFinite(n.attributes.x) && Number.isFinite(n.attributes.y)),
    ).toBe(true);
    const keys = new Set(nodes.map((n) => n.key));
    expect(edges.every((e) => keys.has(e.source) && keys.has(e.target))).toBe(true);
    // No edge keys on the wire: graphology's import gives each edge its own.
    expect(edges.some((e) => 'key' in e)).toBe(false);
    expect(edges).toContainEqual(
      expect.objectContaining({ source: 'pkg:npm/yargs@16.1.0', target: 'pkg:npm/cliui@7.0.2' }),
    );
    const shallow = await get(`${base}/api/graph?root=npm:yargs&depth=1&layers=deps`);
    expect((shallow.body.nodes as unknown[]).length).toBe(8);
    expect((await get(`${base}/api/graph?root=npm:yargs&layers=deps,bogus`)).status).toBe(400);
    expect((await get(`${base}/api/graph?root=npm:yargs&limit=3`)).body.attributes).toEqual({
      root: 'pkg:npm/yargs@16.1.0',
      truncated: true,
    });
  });

  it('lists and runs saved investigations, checking their parameters', async () => {
    const list = (await get(`${base}/api/investigations`)).body.investigations as {
      name: string;
      params: unknown[];
    }[];
    expect(list.map((i) => i.name)).toContain('dependents');
    const run = await post(`${base}/api/investigations/dependents`, {
      params: { package: 'pkg:npm/ansi-regex', limit: 10 },
    });
    expect(run.status).toBe(200);
    expect((run.body.rows as { dependent: string }[]).map((r) => r.dependent)).toContain(
      'pkg:npm/strip-ansi@6.0.0',
    );
    expect(
      (await post(`${base}/api/investigations/dependents`, { params: { limit: 10 } })).body,
    ).toMatchObject({ error: { code: 'INVALID_INPUT' } });
    expect(
      (await post(`${base}/api/investigations/dependents`, { params: { package: 'x', limit: -1 } }))
        .status,
    ).toBe(400);
    expect((await post(`${base}/api/investigations/nope`, {})).status).toBe(404);
  });

  it('runs read-only Cypher, refuses writes and leaves the graph unchanged', async () => {
    const before = await post(`${base}/api/cypher`, { query: 'MATCH (n) RETURN count(n) AS n' });
    expect(before.status).toBe(200);
    for (const query of [
      'CREATE (:Package {key: "x"})',
      'MATCH (n) DETACH DELETE n',
      'MATCH (n) CALL (n) { SET n.x = 1 } RETURN n',
    ]) {
      const refused = await post(`${base}/api/cypher`, { query });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ error: { code: 'QUERY_NOT_READ_ONLY' } });
    }
    const after = await post(`${base}/api/cypher`, { query: 'MATCH (n) RETURN count(n) AS n' });
    expect(after.body.rows).toEqual(before.body.rows);
    const slow = await post(`${base}/api/cypher`, {
      query: 'MATCH (a), (b), (c), (d), (e) RETURN count(*)',
    });
    expect(slow.status).toBe(504);
    expect(slow.body).toMatchObject({ error: { code: 'QUERY_TIMEOUT' } });
    const limited = await post(`${base}/api/cypher`, {
      query: 'UNWIND range(1, 500) AS i RETURN i',
    });
    expect(limited.body).toMatchObject({ truncated: true });
    expect((limited.body.rows as unknown[]).length).toBe(100);
  }, 30_000);

  it('refuses, by the parser, a query that walked around the old guard, and reads no file (finding 1)', async () => {
    const { dir, cleanup } = tempDir();
    const canary = path.join(dir, 'canary.csv');
    fs.writeFileSync(canary, 'canary-5d1b2e8f\n');
    try {
      const glued = await post(`${base}/api/cypher`, {
        query: `WITH 1 AS x WHERE x < 1e9LOAD CSV FROM '${canary}' AS r RETURN r`,
      });
      expect(glued.status).toBe(400);
      expect(glued.body).toMatchObject({ error: { code: 'QUERY_INVALID' } });
      expect((glued.body as { error: { message: string } }).error.message).toMatch(
        /^Neo4j's parser refused this query: .*\(line 1, column \d+\)$/,
      );
      for (const query of [
        `LOAD CSV FROM '${canary}' AS r RETURN r`,
        'CALL grafeo.procedures() YIELD name RETURN name',
        'CALL `grafeo`.`pagerank`() YIELD node_id RETURN node_id',
      ]) {
        const refused = await post(`${base}/api/cypher`, { query });
        expect(refused.status).toBe(403);
        expect(JSON.stringify(refused.body)).not.toContain('canary-5d1b2e8f');
      }
    } finally {
      cleanup();
    }
  });

  it('refuses bad bodies with a code', async () => {
    expect((await post(`${base}/api/cypher`, '{not json')).status).toBe(400);
    expect((await post(`${base}/api/cypher`, { params: {} })).body).toMatchObject({
      error: { code: 'INVALID_INPUT' },
    });
    expect(
      (await post(`${base}/api/cypher`, { query: 'RETURN 1', params: { 'bad name': 1 } })).status,
    ).toBe(400);
    const huge = await post(`${base}/api/cypher`, { query: `RETURN '${'x'.repeat(300_000)}'` });
    expect(huge.status).toBe(413);
    expect((await get(`${base}/api/nope`)).body).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('needs the Bearer token when one is configured, and a token off loopback', async () => {
    const secured = await serve('0123456789abcdef-token');
    const search = `${secured}/api/search?q=cli`;
    expect((await get(search)).body).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    expect((await get(search, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const authorized = { headers: { authorization: 'Bearer 0123456789abcdef-token' } };
    expect((await get(search, authorized)).status).toBe(200);
    // The health check needs no token: container health checks carry none.
    expect((await get(`${secured}/api/health`)).status).toBe(200);
    expect(() => {
      assertSafeBinding('0.0.0.0', undefined);
    }).toThrow(/TRUSTMAP_TOKEN/);
    expect(() => {
      assertSafeBinding('127.0.0.1', undefined);
    }).not.toThrow();
  });

  it('ingests on request and streams the progress as server-sent events', async () => {
    const started = await post(`${base}/api/ingest`, { specs: ['npm:chalk@4.1.0'] });
    expect(started.status).toBe(202);
    const response = await fetch(`${base}${String(started.body.events)}`);
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const text = await response.text();
    const events = [...text.matchAll(/event: (\w+)\ndata: (.*)\n\n/g)].map((m) => ({
      type: m[1],
      data: JSON.parse(m[2] ?? 'null') as Record<string, unknown>,
    }));
    const done = events.at(-1);
    expect(done?.type).toBe('done');
    expect((done?.data.resolved as string[]).length).toBe(6);
    // A late follower gets the end at once.
    expect(await (await fetch(`${base}${String(started.body.events)}`)).text()).toMatch(
      /^event: done/m,
    );
    expect((await post(`${base}/api/ingest`, { specs: ['/etc/passwd'] })).status).toBe(400);
    expect((await post(`${base}/api/ingest`, { specs: [] })).status).toBe(400);
    expect((await get(`${base}/api/ingest/nope/events`)).status).toBe(404);
  });

  it('answers only requests addressed to a loopback name when it has no token (no DNS rebinding)', async () => {
    const { port } = new URL(base);
    const status = await new Promise<number>((resolve, reject) => {
      const request = http.request(
        { host: '127.0.0.1', port, path: '/api/health', headers: { host: `evil.example:${port}` } },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      request.on('error', reject);
      request.end();
    });
    expect(status).toBe(401);
  });

  it('refuses parameters nested absurdly deep with a 400, not a crash', async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 1000; i++) deep = { a: deep };
    const response = await post(`${base}/api/cypher`, { query: 'RETURN 1', params: { deep } });
    expect(response.status).toBe(400);
    expect((await get(`${base}/api/health`)).status).toBe(200);
  });

  it('answers ?asOf= only with scores of that instant, and says how to get them', async () => {
    const other = await get(`${base}/api/chokepoints?asOf=2020-01-01`);
    expect(other.status).toBe(400);
    expect(JSON.stringify(other.body)).toMatch(
      /the stored scores are as of .*: run \\"trustmap score --as-of 2020-01-01T00:00:00.000Z\\" first/,
    );
    const bad = await get(`${base}/api/whatif?person=person:npm:bcoe&asOf=yesterday`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/asOf: must be an ISO 8601 date or instant/);
    const stored = (await get(`${base}/api/chokepoints`)).body as { scoring: { asOf: string } };
    const same = await get(
      `${base}/api/chokepoints?asOf=${encodeURIComponent(stored.scoring.asOf)}`,
    );
    expect(same.status).toBe(200);
  });

  it('describes itself in OpenAPI', async () => {
    const { body } = await get(`${base}/api/openapi.json`);
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths as object)).toEqual(
      expect.arrayContaining([
        '/api/health',
        '/api/search',
        '/api/nodes/{key}',
        '/api/packages/{key}/timeline',
        '/api/chokepoints',
        '/api/investigations',
        '/api/cypher',
        '/api/whatif',
        '/api/diff',
        '/api/roots',
        '/api/schema',
      ]),
    );
  });

  it('lists the roots and the schema the console completes from', async () => {
    const { body } = await get(`${base}/api/roots`);
    expect(body.roots).toEqual(expect.arrayContaining(['pkg:npm/yargs@16.1.0']));
    const schema = (await get(`${base}/api/schema`)).body;
    expect(schema.labels).toEqual(expect.arrayContaining(['Package', 'Person']));
    expect(schema.relationshipTypes).toEqual(expect.arrayContaining(['MAINTAINS']));
    expect(schema.propertyKeys).toEqual(expect.arrayContaining(['key', 'trust']));
  });

  it('says what a compromised account reaches, with paths from the root', async () => {
    const { status, body } = await get(
      `${base}/api/whatif?person=person:npm:bcoe&root=pkg:npm/yargs@16.1.0`,
    );
    expect(status).toBe(200);
    const publishes = body.publishesInto as string[];
    expect(publishes).toEqual(expect.arrayContaining(['pkg:npm/cliui@7.0.2']));
    const reached = body.reached as { key: string; path: string[] }[];
    expect(body.reaches).toBe(reached.length);
    // Everything bcoe publishes is reached, and so is the root that depends on it.
    for (const key of publishes) expect(reached.map((r) => r.key)).toContain(key);
    expect(body.rootsReached).toEqual(['pkg:npm/yargs@16.1.0']);
    const cliui = reached.find((r) => r.key === 'pkg:npm/cliui@7.0.2');
    expect(cliui?.path[0]).toBe('pkg:npm/yargs@16.1.0');
    expect(cliui?.path.at(-1)).toBe('pkg:npm/cliui@7.0.2');
    const unknown = await get(`${base}/api/whatif?person=person:npm:nobody`);
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ error: { code: 'INVALID_INPUT' } });
  });

  it("gives a version with its package's maintainers and its explanation in words", async () => {
    const { body } = await get(`${base}/api/nodes/${encodeURIComponent('pkg:npm/cliui@7.0.2')}`);
    const pkg = body.package as { key: string; neighbours: { type: string; key: string }[] };
    expect(pkg.key).toBe('pkg:npm/cliui');
    expect(pkg.neighbours.filter((n) => n.type === 'MAINTAINS').map((n) => n.key)).toEqual(
      expect.arrayContaining(['person:npm:bcoe', 'person:npm:oss-bot']),
    );
    expect(body.explanationText).toMatch(/can publish it/);
  });

  it('ingests an uploaded lockfile, scores the graph, and keeps no copy of it', async () => {
    const content = fs.readFileSync(
      path.resolve(import.meta.dirname, '../fixtures/lockfiles/npm-v3/package-lock.json'),
      'utf8',
    );
    const before = fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('trustmap-upload-'));
    const started = await post(`${base}/api/ingest`, {
      lockfile: { name: 'package-lock.json', content },
    });
    expect(started.status).toBe(202);
    const text = await (await fetch(`${base}${String(started.body.events)}`)).text();
    const types = [...text.matchAll(/event: (\w+)/g)].map((m) => m[1]);
    expect(types).toContain('scoring');
    expect(types.at(-1)).toBe('done');
    const done = JSON.parse(text.trim().split('\n').at(-1)?.slice('data: '.length) ?? '{}') as {
      scored: string;
      roots: { spec: string; resolved: string | null }[];
    };
    expect(done.scored).toMatch(/^scored \d+ resolved versions/);
    expect(done.roots[0]?.resolved).toBe('pkg:npm/lock-demo@1.0.0');
    expect(
      (await get(`${base}/api/nodes/${encodeURIComponent('pkg:npm/cross-spawn@7.0.3')}`)).status,
    ).toBe(200);
    const after = fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('trustmap-upload-'));
    expect(after).toEqual(before);

    const badName = await post(`${base}/api/ingest`, { lockfile: { name: 'passwd', content } });
    expect(badName.status).toBe(400);
    expect((await post(`${base}/api/ingest`, {})).status).toBe(400);
    const broken = await post(`${base}/api/ingest`, {
      lockfile: { name: 'package-lock.json', content: '{"lockfileVersion": 3, "packages": ' },
    });
    const brokenEvents = await (await fetch(`${base}${String(broken.body.events)}`)).text();
    expect(brokenEvents).toMatch(/^event: error/m);
    // It names the file as uploaded, not where the server keeps it.
    expect(brokenEvents).toContain('uploaded/package-lock.json');
    expect(brokenEvents).not.toContain(os.tmpdir());
  });

  it('ingests an uploaded SBOM, uv.lock or requirements file, and never reads a server file for one', async () => {
    const events = async (upload: Record<string, string>): Promise<string> => {
      const started = await post(`${base}/api/ingest`, { lockfile: upload });
      expect(started.status).toBe(202);
      return (await fetch(`${base}${String(started.body.events)}`)).text();
    };
    const fixture = (file: string): string =>
      fs.readFileSync(path.resolve(import.meta.dirname, '../fixtures', file), 'utf8');
    const resolved = (text: string): unknown =>
      (
        JSON.parse(text.trim().split('\n').at(-1)?.slice('data: '.length) ?? '{}') as {
          roots?: { resolved: string | null }[];
        }
      ).roots?.[0]?.resolved;

    const sbom = await events({ name: 'bom.json', content: fixture('sbom/lock-demo.cdx.json') });
    expect(sbom).toMatch(/^event: done/m);
    expect(resolved(sbom)).toBe('pkg:npm/lock-demo@1.0.0');
    const uv = await events({ name: 'uv.lock', content: fixture('python-lockfiles/uv/uv.lock') });
    expect(uv).toMatch(/^event: done/m);
    expect(
      (await get(`${base}/api/nodes/${encodeURIComponent('pkg:pypi/pytest@3.5.0')}`)).status,
    ).toBe(200);
    // What pip-compile --generate-hashes writes, with a private index and its token.
    const requirements = await events({
      name: 'requirements.txt',
      content: [
        '# This file is autogenerated by pip-compile with Python 3.12',
        '--index-url https://deploy:s3cret@pypi.example.org/simple',
        '',
        'colorama==0.3.9 \\',
        `    --hash=sha256:${'a'.repeat(64)} \\`,
        `    --hash=sha256:${'b'.repeat(64)}`,
        '    # via -r requirements.in',
        '',
      ].join('\n'),
      project: 'my-service',
    });
    expect(requirements).toMatch(/^event: done/m);
    expect(requirements).not.toContain('s3cret');
    expect(resolved(requirements)).toBe('project:my-service');
    expect(
      (await get(`${base}/api/nodes/${encodeURIComponent('pkg:pypi/colorama@0.3.9')}`)).status,
    ).toBe(200);

    // An include would make the server read its own files: refused, in words.
    const include = await events({ name: 'requirements.txt', content: '-r /etc/passwd\n' });
    expect(include).toMatch(/^event: error/m);
    expect(include).toContain('includes outside the upload are not read');
    const climb = await events({ name: 'requirements.txt', content: '-r ../../x.txt\n' });
    expect(climb).toContain('includes outside the upload are not read');
    // A .json that is not an SBOM, a folder in the name, a bad project name: 400.
    const notSbom = await post(`${base}/api/ingest`, {
      lockfile: { name: 'data.json', content: '{"hello": 1}' },
    });
    expect(notSbom.status).toBe(400);
    expect(JSON.stringify(notSbom.body)).toMatch(/nor a CycloneDX or SPDX JSON SBOM/);
    for (const lockfile of [
      { name: '../package-lock.json', content: '{}' },
      { name: 'requirements.txt', content: 'six\n', project: '../etc' },
    ])
      expect((await post(`${base}/api/ingest`, { lockfile })).status).toBe(400);
  });

  it('ingests PyPI specs too', async () => {
    const started = await post(`${base}/api/ingest`, { specs: ['pypi:six@1.11.0'] });
    expect(started.status).toBe(202);
    const text = await (await fetch(`${base}${String(started.body.events)}`)).text();
    expect(text).toMatch(/^event: done/m);
    expect(text).toContain('"resolved":"pkg:pypi/six@1.11.0"');
  });

  it('ingests PyPI specs for the environment asked for, and refuses one it cannot read', async () => {
    const done = async (body: Record<string, unknown>): Promise<string> => {
      const started = await post(`${base}/api/ingest`, body);
      expect(started.status).toBe(202);
      return (await fetch(`${base}${String(started.body.events)}`)).text();
    };
    const spec = { specs: ['pypi:pytest==3.5.0'], python: '3.6' };
    // colorama is pytest 3.5.0's only on Windows.
    expect(await done({ ...spec, platform: 'windows' })).toContain('pkg:pypi/colorama@');
    const linux = await done({ ...spec, platform: 'linux' });
    expect(linux).toContain('pkg:pypi/setuptools@39.2.0');
    expect(linux).not.toContain('pkg:pypi/colorama@');
    for (const bad of [{ platform: 'beos' }, { python: 'three' }, { implementation: 'jython' }])
      expect((await post(`${base}/api/ingest`, { ...spec, ...bad })).status).toBe(400);
  });

  it('serves the built explorer beside the API, under the same CSP', async () => {
    const withClient = await serve(undefined, CLIENT_DIR);
    const page = await fetch(`${withClient}/?root=pkg:npm/yargs@16.1.0`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const html = await page.text();
    expect(html).toContain('<aside aria-label="Details"');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect((await fetch(`${withClient}${script ?? ''}`)).status).toBe(200);
    // Explorer routes load the page; unknown API routes stay JSON 404s.
    expect(await (await fetch(`${withClient}/anything/else`)).text()).toContain('trustmap');
    const missing = await get(`${withClient}/api/nope`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});
