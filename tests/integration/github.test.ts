/**
 * The GitHub client and stage over real HTTP from a local server with the fixture documents
 * (PyGithub): repository, contributors, owner organisation, tags across pages and releases
 * mapped; a 403 with `x-ratelimit-remaining: 0` waited out (shortened here) and continued; a
 * secondary limit's retry-after honoured; ETags making repeat requests 304s; the weekly
 * contributor statistics (asked again while GitHub answers 202) giving activity and the bus factor.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import type { GraphStore } from '../../graph/store.js';
import { ingestGitHub } from '../../ingest/github.js';
import { GitHubClient } from '../../ingest/sources/github/github-client.js';
import { FIXTURES } from '../helpers/fixture-registry.js';
import { PYGITHUB_REPOSITORY } from '../helpers/pygithub.js';
import { tempDir } from '../helpers/temp.js';
import { loadTrustGraph } from '../../trust/load.js';

const GH = path.join(FIXTURES, 'github');
const read = (file: string): unknown => JSON.parse(fs.readFileSync(path.join(GH, file), 'utf8'));

let server: http.Server;
let base: string;
const seen: { path: string; auth: string | undefined; ifNoneMatch: string | undefined }[] = [];
/** Paths whose next request gets this answer first. */
const limits = new Map<string, 'primary' | 'secondary' | 'secondary-without-headers'>();
/** A next-page link on another origin (another local server), which must not be followed. */
let foreign = '';
/** Paths GitHub is still computing: their next request is answered 202. */
const computing = new Set<string>();
/** When the statistics were recorded (the fixture's last week is 2013-11-10). */
const STATS_NOW = new Date('2013-11-15T00:00:00Z');

beforeAll(async () => {
  const tags = read('tags/PyGithub__PyGithub.json') as unknown[];
  const routes: Record<string, () => unknown> = {
    '/repos/PyGithub/PyGithub': () => read('repos/PyGithub__PyGithub.json'),
    '/repos/PyGithub/PyGithub/contributors': () => read('contributors/PyGithub__PyGithub.json'),
    '/repos/PyGithub/PyGithub/releases': () => read('releases/PyGithub__PyGithub.json'),
    '/users/PyGithub': () => read('users/PyGithub.json'),
    '/repos/PyGithub/PyGithub/stats/contributors': () =>
      read('contributors/PyGithub__PyGithub.stats.json'),
  };
  server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    seen.push({
      path: url.pathname,
      auth: request.headers.authorization,
      ifNoneMatch: request.headers['if-none-match'],
    });
    const limit = limits.get(url.pathname);
    if (limit === 'secondary-without-headers') {
      limits.delete(url.pathname);
      response
        .writeHead(403, { 'content-type': 'application/json' })
        .end(
          '{"message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}',
        );
      return;
    }
    if (limit !== undefined) {
      limits.delete(url.pathname);
      const headers: Record<string, string> =
        limit === 'primary'
          ? {
              'x-ratelimit-remaining': '0',
              'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 2),
            }
          : { 'retry-after': '3' };
      response.writeHead(403, headers).end('{"message": "API rate limit exceeded"}');
      return;
    }
    if (url.pathname === '/repos/refused/here') {
      response.writeHead(403).end('{"message": "Resource not accessible by integration"}');
      return;
    }
    if (url.pathname === '/repos/evil/links/tags') {
      response
        .writeHead(200, {
          'content-type': 'application/json',
          link: `<${foreign}/steal?page=2>; rel="next"`,
        })
        .end('[{"name": "v1.0.0"}]');
      return;
    }
    if (computing.delete(url.pathname)) {
      response.writeHead(202, { 'content-type': 'application/json' }).end('{}');
      return;
    }
    const etag = `"${url.pathname}${url.search}"`;
    if (request.headers['if-none-match'] === etag) {
      response.writeHead(304, { etag }).end();
      return;
    }
    if (url.pathname === '/repos/PyGithub/PyGithub/tags') {
      const page = Number(url.searchParams.get('page') ?? 1);
      const next =
        page < 3 ? `<${base}${url.pathname}?per_page=100&page=${page + 1}>; rel="next"` : '';
      response
        .writeHead(200, {
          'content-type': 'application/json',
          etag,
          ...(next === '' ? {} : { link: next }),
        })
        .end(JSON.stringify(tags.slice((page - 1) * 10, page * 10)));
      return;
    }
    const route = routes[url.pathname];
    if (route === undefined) {
      response.writeHead(404).end('{"message": "Not Found"}');
      return;
    }
    response
      .writeHead(200, { 'content-type': 'application/json', etag })
      .end(JSON.stringify(route()));
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** A client with the test token whose waits are recorded instead of slept. */
function recordingClient(): { client: GitHubClient; waits: number[] } {
  const waits: number[] = [];
  const client = new GitHubClient({
    url: base,
    token: 'test-token-0123456789',
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
  });
  return { client, waits };
}

describe('GitHub', () => {
  let store: GraphStore;
  let temp: { dir: string; cleanup: () => void };
  beforeAll(async () => {
    temp = tempDir();
    store = await EmbeddedStore.open(path.join(temp.dir, 'graph.grafeo'));
    await store.upsertNodes('Package', [{ key: 'pkg:pypi/pygithub', props: { name: 'PyGithub' } }]);
    await store.upsertNodes(
      'Version',
      ['2.5.0', '2.4.0', '0.0.1'].map((v) => ({
        key: `pkg:pypi/pygithub@${v}`,
        props: { version: v },
      })),
    );
    await store.upsertRelationships(
      'HAS_VERSION',
      ['2.5.0', '2.4.0', '0.0.1'].map((v) => ({
        from: 'pkg:pypi/pygithub',
        to: `pkg:pypi/pygithub@${v}`,
        props: {},
      })),
    );
    await store.upsertRelationships('HOSTED_AT', [
      { from: 'pkg:pypi/pygithub', to: 'repo:github.com/PyGithub/PyGithub', props: {} },
    ]);
  });
  afterAll(async () => {
    await store.close();
    temp.cleanup();
  });

  it('maps repository, contributors, organisation, tags and releases, waiting out the rate limits', async () => {
    const { client, waits } = recordingClient();
    limits.set('/repos/PyGithub/PyGithub', 'primary');
    limits.set('/repos/PyGithub/PyGithub/releases', 'secondary');
    computing.add('/repos/PyGithub/PyGithub/stats/contributors');
    const summary = await ingestGitHub({ store, client, now: STATS_NOW });
    // jacquev6 from the contributors list, and 20 more authors from the statistics.
    expect(summary).toMatchObject({ repositories: 1, read: 1, failures: [], contributors: 21 });
    // It waited for the reset (about 2 s, plus a second), for the statistics (3 s) and for
    // retry-after (3 s), then went on.
    expect(waits).toHaveLength(3);
    expect(waits[0]).toBeGreaterThan(1000);
    expect(waits[0]).toBeLessThanOrEqual(3000);
    expect(waits.slice(1)).toEqual([3000, 3000]);
    expect(seen.every((s) => s.auth === 'Bearer test-token-0123456789')).toBe(true);

    const repo = await store.node('repo:github.com/PyGithub/PyGithub');
    expect(repo?.properties).toMatchObject(PYGITHUB_REPOSITORY);
    const owner = await store.query(
      'MATCH (:Repository {key: $key})-[:OWNED_BY]->(o:Organisation) RETURN o.key AS key, o.kind AS kind',
      { key: 'repo:github.com/PyGithub/PyGithub' },
      { rowLimit: 10, timeoutMs: 10_000 },
    );
    expect(owner.rows).toEqual([{ key: 'org:github:pygithub', kind: 'github' }]);
    const contributions = await store.query(
      'MATCH (p:Person)-[c:CONTRIBUTES_TO]->(:Repository) RETURN p.key AS key, c.commits AS commits, c.commitsLast12Months AS year ORDER BY c.commits DESC, key LIMIT 3',
      {},
      { rowLimit: 10, timeoutMs: 10_000 },
    );
    // The list's all-time count wins for an account in both (it covers more than the top 100).
    expect(contributions.rows).toEqual([
      { key: 'person:github:jacquev6', commits: 355, year: 252 },
      { key: 'person:github:akfish', commits: 67, year: 67 },
      { key: 'person:github:martinqt', commits: 18, year: 18 },
    ]);
    // The trust engine reads that activity as it reads git history's.
    expect(
      (await loadTrustGraph(store)).repositories.get('repo:github.com/PyGithub/PyGithub'),
    ).toEqual({ commitsLast90Days: 137, activeContributors12Months: 15, busFactor: 1 });
    // Tags across three pages: v2.5.0 and v2.4.0 are tagged, 0.0.1 is not.
    expect((await store.node('pkg:pypi/pygithub'))?.properties).toMatchObject({
      untaggedVersions: '0.0.1',
    });
    expect((await store.node('pkg:pypi/pygithub'))?.properties.tagOverlap).toBeCloseTo(2 / 3, 6);

    // The same client again: conditional requests, answered 304 from its cache.
    const before = client.notModified;
    await ingestGitHub({ store, client, now: STATS_NOW });
    expect(client.notModified - before).toBeGreaterThanOrEqual(7);

    // Years later the same statistics show a dormant repository: no commit in 12 months, so no
    // bus factor from them (as from git history), not the all-time one.
    await ingestGitHub({ store, client, now: new Date('2020-01-01T00:00:00Z') });
    const dormant = (await store.node('repo:github.com/PyGithub/PyGithub'))?.properties;
    expect(dormant).toMatchObject({ commitsLast90Days: 0, activeContributors12Months: 0 });
    expect(dormant?.busFactor ?? null).toBeNull();
    expect(seen.filter((s) => s.ifNoneMatch !== undefined).length).toBeGreaterThanOrEqual(6);
  });

  it('waits a minute for a secondary limit that comes without headers, then goes on', async () => {
    const { client, waits } = recordingClient();
    limits.set('/users/PyGithub', 'secondary-without-headers');
    expect(await client.get('/users/PyGithub')).toMatchObject({ login: 'PyGithub' });
    expect(waits).toEqual([60_000]);
    // A 403 that is no limit is a refusal: said, not waited for.
    await expect(client.get('/repos/refused/here')).rejects.toThrow(/HTTP 403/);
  });

  it('keeps answers on disk only in a private folder of its own', async () => {
    const temp = tempDir();
    try {
      const own = path.join(temp.dir, 'own');
      const client = new GitHubClient({ url: base, cacheDir: own });
      await client.get('/users/PyGithub');
      expect(fs.statSync(own).mode & 0o777).toBe(0o700);
      const entries = fs.readdirSync(own);
      expect(entries).toHaveLength(1);
      expect(fs.statSync(path.join(own, entries[0] ?? '')).mode & 0o777).toBe(0o600);
      // A new client (a later run) asks conditionally from that entry.
      const later = new GitHubClient({ url: base, cacheDir: own });
      await later.get('/users/PyGithub');
      expect(later.notModified).toBe(1);

      const shared = path.join(temp.dir, 'shared');
      fs.mkdirSync(shared);
      fs.chmodSync(shared, 0o777);
      await new GitHubClient({ url: base, cacheDir: shared }).get('/users/PyGithub');
      expect(fs.readdirSync(shared)).toEqual([]);
    } finally {
      temp.cleanup();
    }
  });

  it('follows next pages only on the API itself: the token goes nowhere else', async () => {
    const stolen: (string | undefined)[] = [];
    const other = http.createServer((request, response) => {
      stolen.push(request.headers.authorization);
      response.writeHead(200, { 'content-type': 'application/json' }).end('[]');
    });
    other.listen(0, '127.0.0.1');
    await new Promise((resolve) => other.once('listening', resolve));
    foreign = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    try {
      const client = new GitHubClient({ url: base, token: 'test-token-0123456789' });
      expect(await client.list('/repos/evil/links/tags')).toEqual([{ name: 'v1.0.0' }]);
      expect(stolen).toEqual([]);
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });

  it('fails a request whose limit resets later than allowed, and says so', async () => {
    const client = new GitHubClient({ url: base, maxWaitMs: 500, sleep: () => Promise.resolve() });
    limits.set('/repos/PyGithub/PyGithub', 'secondary');
    const summary = await ingestGitHub({ store, client });
    expect(summary.read).toBe(0);
    expect(summary.failures[0]?.reason).toMatch(
      /secondary rate limit for 3 s, longer than allowed/,
    );
  });
});
