/**
 * Repositories from git history, on a bare repository the test makes: commits by three authors on
 * known dates and a few tags. Contributors, activity, the bus factor from history, tag overlap,
 * identities linked by email hash, fetching again on a later run, and hostile URLs refused.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitError, InvalidInputError } from '../../core/errors.js';
import { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import type { GraphStore } from '../../graph/store.js';
import { emailHash } from '../../ingest/identity.js';
import { enrichRepositories } from '../../ingest/enrich-repositories.js';
import { FailureStreaks, hostFailure, ingestRepositories } from '../../ingest/repositories.js';
import {
  busFactorFromHistory,
  readHistory,
  runGit,
  syncRepository,
  tagOverlap,
} from '../../ingest/sources/git/git-history.js';
import { loadTrustGraph } from '../../trust/load.js';
import { computeScores } from '../../trust/score.js';
import { identityLinks } from '../helpers/graph-snapshot.js';
import { tempDir } from '../helpers/temp.js';

const NOW = new Date('2026-11-01T00:00:00Z');
const AUTHORS = {
  alice: 'Alice@Example.org',
  bob: 'bob@example.org',
  carol: 'carol@example.org',
} as const;

let temp: { dir: string; cleanup: () => void };
let work: string;
let bare: string;
let store: GraphStore;

function git(cwd: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: cwd, GIT_CONFIG_NOSYSTEM: '1', ...env },
  });
}

function commit(author: keyof typeof AUTHORS, date: string, file: string): void {
  fs.appendFileSync(path.join(work, file), `${author} ${date}\n`);
  git(work, ['add', '.']);
  const who = {
    GIT_AUTHOR_NAME: author,
    GIT_AUTHOR_EMAIL: AUTHORS[author],
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_NAME: author,
    GIT_COMMITTER_EMAIL: AUTHORS[author],
    GIT_COMMITTER_DATE: date,
  };
  git(work, ['commit', '--quiet', '-m', `${author} at ${date}`], who);
}

beforeAll(async () => {
  temp = tempDir('trustmap-git-');
  work = path.join(temp.dir, 'work');
  fs.mkdirSync(work);
  git(work, ['init', '--quiet', '--initial-branch=main']);
  commit('carol', '2024-01-10T10:00:00Z', 'a.txt'); // more than a year before NOW
  git(work, ['tag', 'v1.0.0']);
  for (const [i, date] of ['2026-02-01', '2026-03-01', '2026-08-20', '2026-10-15'].entries()) {
    commit('alice', `${date}T10:00:00Z`, 'a.txt');
    commit('bob', `${date}T12:00:00Z`, `b${i}.txt`);
  }
  git(work, ['tag', 'v1.1.0']);
  git(work, ['tag', 'demo@2.0.0']);
  bare = path.join(temp.dir, 'demo.git');
  git(temp.dir, ['clone', '--quiet', '--bare', work, bare]);
  store = await EmbeddedStore.open(path.join(temp.dir, 'graph.grafeo'));
  await store.upsertNodes('Package', [{ key: 'pkg:npm/demo', props: { name: 'demo' } }]);
  await store.upsertNodes(
    'Version',
    ['1.0.0', '1.1.0', '2.0.0', '2.1.0'].map((v) => ({
      key: `pkg:npm/demo@${v}`,
      props: { version: v },
    })),
  );
  await store.upsertRelationships(
    'HAS_VERSION',
    ['1.0.0', '1.1.0', '2.0.0', '2.1.0'].map((v) => ({
      from: 'pkg:npm/demo',
      to: `pkg:npm/demo@${v}`,
      props: {},
    })),
  );
  await store.upsertRelationships('HOSTED_AT', [
    { from: 'pkg:npm/demo', to: 'repo:example.com/demo/demo', props: {} },
  ]);
  await store.upsertRelationships('MAINTAINS', [
    {
      from: 'person:npm:alice',
      to: 'pkg:npm/demo',
      props: { emailHash: emailHash('alice@example.org') },
    },
  ]);
});
afterAll(async () => {
  await store.close();
  temp.cleanup();
});

describe('git history', () => {
  it('reads contributors, activity and tags from a blobless bare clone', async () => {
    const dir = await syncRepository(`file://${bare}`, path.join(temp.dir, 'cache'));
    const history = await readHistory(dir, NOW);
    expect(history.commits).toBe(9);
    expect(history.commitsLast90Days).toBe(4); // alice and bob on 2026-08-20 and 2026-10-15
    expect(history.lastCommitAt).toBe('2026-10-15T12:00:00.000Z');
    expect(history.tags.sort()).toEqual(['demo@2.0.0', 'v1.0.0', 'v1.1.0']);
    expect(
      history.contributors.map((c) => [c.name, c.commits, c.commitsLast12Months, c.emailHash]),
    ).toEqual([
      // Equal counts are ordered by email hash; emails themselves are never kept.
      ...[
        ['alice', 4, 4, emailHash('alice@example.org')],
        ['bob', 4, 4, emailHash('bob@example.org')],
      ].sort((a, b) => String(a[3]).localeCompare(String(b[3]))),
      ['carol', 1, 0, emailHash('carol@example.org')],
    ]);
    // Alice alone made half of the last year's commits; one more commit by Carol and it takes two.
    expect(busFactorFromHistory(history.contributors)).toBe(1);
    const [first, second, third] = history.contributors;
    if (first === undefined || second === undefined || third === undefined) throw new Error('3');
    expect(busFactorFromHistory([first, second, { ...third, commitsLast12Months: 1 }])).toBe(2);
    expect(tagOverlap('demo', ['1.0.0', '1.1.0', '2.0.0', '2.1.0'], history.tags)).toEqual({
      overlap: 0.75,
      untagged: ['2.1.0'],
    });
  });

  it('enriches the graph: people, contributions, activity, tag overlap, identities linked', async () => {
    const summary = await enrichRepositories({
      store,
      cacheDir: path.join(temp.dir, 'cache'),
      cloneUrl: () => `file://${bare}`,
      now: NOW,
    });
    expect(summary).toMatchObject({
      repositories: 1,
      read: 1,
      failures: [],
      contributors: 3,
      linked: 1,
      through: { git: 1, github: 0 },
    });
    const repo = await store.node('repo:example.com/demo/demo');
    expect(repo?.properties).toMatchObject({
      commits: 9,
      commitsLast90Days: 4,
      activeContributors12Months: 2,
      contributors: 3,
      busFactor: 1,
      tags: 3,
      lastCommitAt: '2026-10-15T12:00:00.000Z',
    });
    const alice = `person:git:${emailHash('alice@example.org')}`;
    expect((await store.node(alice))?.properties.name).toBe('alice');
    expect(await identityLinks(store)).toEqual([
      { a: alice, b: 'person:npm:alice', evidence: 'commit-email', confidence: 0.6 },
    ]);
    expect((await store.node('pkg:npm/demo'))?.properties).toMatchObject({
      tagOverlap: 0.75,
      untaggedVersions: '2.1.0',
    });
    // Per version, for the untagged flag.
    expect((await store.node('pkg:npm/demo@2.1.0'))?.properties.tagged).toBe(false);
    expect((await store.node('pkg:npm/demo@2.0.0'))?.properties.tagged).toBe(true);

    // The trust engine reads it: activity, tag overlap, and the bus factor from history.
    await store.upsertNodes('Version', [{ key: 'pkg:npm/app@1.0.0', props: { version: '1.0.0' } }]);
    await store.upsertRelationships('RESOLVES_TO', [
      {
        from: 'pkg:npm/app@1.0.0',
        to: 'pkg:npm/demo@2.1.0',
        props: { root: 'pkg:npm/app@1.0.0', range: '^2' },
      },
    ]);
    const scored = computeScores(await loadTrustGraph(store), { anchors: [], now: NOW });
    const demo = scored.versions.get('pkg:npm/demo@2.1.0');
    expect(demo?.busFactorSource).toBe('contributors');
    expect(demo?.busFactor).toBe(1);
    const raw = (signal: string) => demo?.local.contributions.find((c) => c.signal === signal)?.raw;
    expect(raw('commits in 90 days')).toBe(4);
    expect(raw('active contributors')).toBe(2);
    expect(raw('tag overlap')).toBe(0.75);

    // A later run fetches what is new and changes only that.
    commit('bob', '2026-10-30T09:00:00Z', 'c.txt');
    git(work, ['push', '--quiet', bare, 'main']);
    await ingestRepositories({
      store,
      cacheDir: path.join(temp.dir, 'cache'),
      cloneUrl: () => `file://${bare}`,
      now: NOW,
    });
    expect((await store.node('repo:example.com/demo/demo'))?.properties.commits).toBe(10);
  });

  it('reads the main branch when HEAD names a branch that does not exist', async () => {
    const odd = path.join(temp.dir, 'odd-head.git');
    git(temp.dir, ['clone', '--quiet', '--bare', bare, odd]);
    git(odd, ['symbolic-ref', 'HEAD', 'refs/heads/gone']);
    const dir = await syncRepository(`file://${odd}`, path.join(temp.dir, 'cache-odd'));
    const usual = await syncRepository(`file://${bare}`, path.join(temp.dir, 'cache-odd'));
    const { commits } = await readHistory(usual, NOW);
    expect(commits).toBeGreaterThanOrEqual(9);
    expect((await readHistory(dir, NOW)).commits).toBe(commits);
  });

  it('git failures are classified where git fails: the host (retriable) or the repository', async () => {
    // A loopback git host: 503 for /down/, 404 for anything else.
    const server = http.createServer((request, response) => {
      response.statusCode = request.url?.startsWith('/down/') === true ? 503 : 404;
      response.end('no');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const failure = (url: string) =>
      runGit(['ls-remote', '--', url], { timeoutMs: 30_000 }).then(
        () => undefined,
        (error: unknown) => error,
      );
    // The tests let git use file:// only (vitest.config.ts); that refusal is a host-level one.
    const refused = await failure(`http://127.0.0.1:${String(port)}/gone/a.git`);
    const allowed = process.env.GIT_ALLOW_PROTOCOL;
    process.env.GIT_ALLOW_PROTOCOL = 'file:http';
    try {
      const down = await failure(`http://127.0.0.1:${String(port)}/down/a.git`);
      const gone = await failure(`http://127.0.0.1:${String(port)}/gone/a.git`);
      expect(refused).toMatchObject({ name: 'GitError', kind: 'host', retriable: true });
      const missing = await failure(`file://${path.join(temp.dir, 'no-such.git')}`);
      expect(down).toBeInstanceOf(GitError);
      expect(down).toMatchObject({ name: 'GitError', kind: 'host', retriable: true });
      expect(gone).toMatchObject({ name: 'GitError', kind: 'repository', retriable: false });
      expect(missing).toMatchObject({ name: 'GitError', kind: 'repository', retriable: false });
      expect([down, gone, missing].map(hostFailure)).toEqual([true, false, false]);
    } finally {
      if (allowed === undefined) delete process.env.GIT_ALLOW_PROTOCOL;
      else process.env.GIT_ALLOW_PROTOCOL = allowed;
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('skips a host after four host failures in a row, never for repositories that are gone', () => {
    const streaks = new FailureStreaks();
    const gone = new GitError(
      'repository',
      "git clone failed: fatal: repository 'https://github.com/a/b.git/' not found",
    );
    const privateRepo = new GitError(
      'repository',
      "git clone failed: fatal: could not read Username for 'https://github.com': terminal prompts disabled",
    );
    const down = new GitError(
      'host',
      "git clone failed: fatal: unable to access 'https://github.com/a/b.git/': Could not resolve host: github.com",
    );
    const slow = new GitError('timeout', 'git clone failed: timed out after 300 s');
    expect([gone, privateRepo, down, slow].map(hostFailure)).toEqual([false, false, true, true]);
    // Not a git failure at all (a bug, a store write): never the host's.
    expect(hostFailure(new Error('Could not resolve host: github.com'))).toBe(false);
    for (const i of [1, 2, 3, 4, 5])
      streaks.failed(`repo:github.com/gone/r${String(i)}`, gone.message, hostFailure(gone));
    expect(streaks.blocked('repo:github.com/a/b')).toBeUndefined();
    for (const i of [1, 2, 3])
      streaks.failed(`repo:github.com/a/r${String(i)}`, down.message, hostFailure(down));
    expect(streaks.blocked('repo:github.com/a/b')).toBeUndefined();
    streaks.failed('repo:github.com/a/r4', down.message, true);
    expect(streaks.blocked('repo:github.com/a/b')).toMatch(
      /^skipped: github\.com failed 4 times in a row \(last: git clone failed: fatal: unable to access/,
    );
    expect(streaks.blocked('repo:gitlab.com/a/b')).toBeUndefined();
  });

  it('refuses URLs git should never be given, and reports a repository it cannot read', async () => {
    const cache = path.join(temp.dir, 'cache');
    await expect(syncRepository('ext::sh -c touch% /tmp/pwned', cache)).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    await expect(syncRepository('--upload-pack=touch /tmp/pwned', cache)).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    expect(fs.existsSync('/tmp/pwned')).toBe(false);
    // Hosts a registry document must not make this machine contact.
    for (const url of [
      'https://localhost/a/b.git',
      'http://127.0.0.1:8080/a/b.git',
      'https://169.254.169.254/latest/meta-data.git',
      'https://10.0.0.5/a/b.git',
      'git://[::1]/a/b.git',
      'https://[fe80::1]/a/b.git',
    ])
      await expect(syncRepository(url, cache)).rejects.toThrow(/not a public host/);
    const summary = await ingestRepositories({
      store,
      cacheDir: cache,
      cloneUrl: () => `file://${path.join(temp.dir, 'no-such.git')}`,
      now: NOW,
    });
    expect(summary.read).toBe(0);
    expect(summary.failures[0]?.reason).toMatch(/git clone failed/);
    expect(summary.failures).toHaveLength(1);
  });
});
