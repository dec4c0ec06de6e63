/**
 * `trustmap ingest` reads the closure's repositories by default: from git history without a token
 * (git's own `url.<base>.insteadOf` points github.com at a bare repository the test makes), through
 * GitHub's API with one (a local server: the real is-number tags, the repository and contributors
 * written here), not at all with `--no-repos`. Identities across npm, git and GitHub are linked
 * with their evidence, and a later run asks GitHub conditionally from the ETags kept on disk.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FIXTURES,
  startFixtureRegistry,
  type FixtureRegistry,
} from '../helpers/fixture-registry.js';
import { runCli } from '../helpers/cli.js';
import { IDENTITY_LINKS } from '../helpers/graph-snapshot.js';
import { makeBareRepository } from '../helpers/git-repo.js';
import { tempDir } from '../helpers/temp.js';
import { emailHash } from '../../ingest/identity.js';

let registry: FixtureRegistry;
let temp: { dir: string; cleanup: () => void };

const IS_NUMBER_VERSIONS = Object.keys(
  (
    JSON.parse(fs.readFileSync(path.join(FIXTURES, 'npm/packuments/is-number.json'), 'utf8')) as {
      versions: Record<string, unknown>;
    }
  ).versions,
);

interface Link {
  a: string;
  b: string;
  evidence: string;
  confidence: number;
}

async function sameAs(work: string, env: Record<string, string>): Promise<Link[]> {
  const result = await runCli(['query', IDENTITY_LINKS, '--json'], work, env);
  expect(result.code).toBe(0);
  return (JSON.parse(result.stdout) as { rows: Link[] }).rows;
}

beforeAll(async () => {
  registry = await startFixtureRegistry();
  temp = tempDir('trustmap-cli-repos-');
});
afterAll(async () => {
  await registry.close();
  temp.cleanup();
});

describe('trustmap ingest, repositories from git history (no token)', () => {
  let mirror: string;

  beforeAll(() => {
    // jonschlinkert/is-number as the test writes it: three authors, two of the real tags.
    mirror = path.join(temp.dir, 'mirror');
    makeBareRepository(path.join(mirror, 'jonschlinkert', 'is-number.git'), [
      {
        name: 'Jon Schlinkert',
        email: 'github@sellside.com',
        date: '2026-01-01T10:00:00Z',
        tag: '3.0.0',
      },
      {
        name: 'Jon Schlinkert',
        email: '383994+JonSchlinkert@users.noreply.github.com',
        date: '2026-02-01T10:00:00Z',
        tag: '4.0.0',
      },
      {
        name: 'Brian Woodward',
        email: 'brian.woodward@gmail.com',
        date: '2026-03-01T10:00:00Z',
        tag: 'not-a-version',
      },
    ]);
  });

  // What a user with a mirror does: git's configuration, not trustmap's, says where github.com is.
  const gitEnv = (): Record<string, string> => ({
    NPM_REGISTRY: registry.url,
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: `url.file://${mirror}/.insteadOf`,
    GIT_CONFIG_VALUE_0: 'https://github.com/',
  });

  it('reads the repository of every package in the closure, and links the people', async () => {
    const work = tempDir('trustmap-cli-repos-git-');
    try {
      const result = await runCli(['ingest', 'npm:is-number@4.0.0', '--json'], work.dir, gitEnv());
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const summary = JSON.parse(result.stdout) as {
        resolved: string[];
        repositories: Record<string, unknown>;
      };
      expect(summary.resolved).toEqual(['pkg:npm/is-number@4.0.0']);
      expect(summary.repositories).toMatchObject({
        repositories: 1,
        read: 1,
        failures: [],
        contributors: 3,
        through: { git: 1, github: 0 },
        linked: 3,
      });
      const clones = fs.readdirSync(path.join(work.dir, '.trustmap', 'git'));
      expect(clones.filter((d) => d.endsWith('.git'))).toHaveLength(1);

      const repository = await runCli(
        [
          'query',
          'MATCH (r:Repository {key: "repo:github.com/jonschlinkert/is-number"}) MATCH (p:Package {key: "pkg:npm/is-number"}) RETURN r.commits AS commits, r.contributors AS contributors, p.tagOverlap AS overlap',
          '--json',
        ],
        work.dir,
        gitEnv(),
      );
      expect(JSON.parse(repository.stdout)).toMatchObject({
        rows: [{ commits: 3, contributors: 3, overlap: 2 / IS_NUMBER_VERSIONS.length }],
      });

      const jon = `person:git:${emailHash('github@sellside.com')}`;
      const jonWeb = `person:git:${emailHash('383994+JonSchlinkert@users.noreply.github.com')}`;
      const brian = `person:git:${emailHash('brian.woodward@gmail.com')}`;
      expect(await sameAs(work.dir, gitEnv())).toEqual(
        [
          { a: jon, b: 'person:npm:jonschlinkert', evidence: 'commit-email', confidence: 0.6 },
          { a: brian, b: 'person:npm:doowb', evidence: 'commit-email', confidence: 0.6 },
          {
            a: jonWeb,
            b: 'person:github:jonschlinkert',
            evidence: 'github-noreply-email',
            confidence: 0.6,
          },
        ].sort((x, y) => x.a.localeCompare(y.a) || x.b.localeCompare(y.b)),
      );
    } finally {
      work.cleanup();
    }
  });

  it('stops asking a host that keeps failing, and still ends the ingest well', async () => {
    const work = tempDir('trustmap-cli-repos-down-');
    try {
      // No mirror: git may not use https here, so github.com "fails" as an unreachable host would.
      const result = await runCli(['ingest', 'npm:chalk@4.1.0'], work.dir, {
        NPM_REGISTRY: registry.url,
      });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^repositories: read 0 of 6 \(from git history\)/m);
      const lines = result.stdout.split('\n').filter((l) => l.startsWith('  repo:github.com/'));
      expect(lines).toHaveLength(6);
      // Four clones at once fail; the other two are not tried.
      expect(
        lines.filter((l) => /: git clone failed: fatal: transport 'https' not allowed$/.test(l)),
      ).toHaveLength(4);
      expect(
        lines.filter((l) =>
          /skipped: github\.com failed 4 times in a row \(last: git clone/.test(l),
        ),
      ).toHaveLength(2);
    } finally {
      work.cleanup();
    }
  });

  it('reads no repository with --no-repos', async () => {
    const work = tempDir('trustmap-cli-repos-none-');
    try {
      const result = await runCli(
        ['ingest', 'npm:is-number@4.0.0', '--no-repos', '--json'],
        work.dir,
        gitEnv(),
      );
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).not.toHaveProperty('repositories');
      expect(fs.existsSync(path.join(work.dir, '.trustmap', 'git'))).toBe(false);
      expect(await sameAs(work.dir, gitEnv())).toEqual([]);
    } finally {
      work.cleanup();
    }
  });
});

describe('trustmap ingest, repositories through GitHub (GITHUB_TOKEN)', () => {
  let server: http.Server;
  let api: string;
  const seen: { path: string; auth: string | undefined; conditional: boolean; status: number }[] =
    [];
  const tags = JSON.parse(
    fs.readFileSync(path.join(FIXTURES, 'github/tags/jonschlinkert__is-number.json'), 'utf8'),
  ) as unknown;
  const routes: Record<string, unknown> = {
    '/repos/jonschlinkert/is-number': {
      name: 'is-number',
      archived: false,
      pushed_at: '2025-06-01T00:00:00Z',
      stargazers_count: 250,
      default_branch: 'master',
      owner: { login: 'jonschlinkert', type: 'User' },
    },
    '/repos/jonschlinkert/is-number/contributors': [
      { login: 'jonschlinkert', contributions: 120, type: 'User' },
      { login: 'doowb', contributions: 12, type: 'User' },
      // A npm account of this name exists (chalk's maintainer), but maintains nothing here.
      { login: 'Qix-', contributions: 1, type: 'User' },
      { login: 'qix', contributions: 1, type: 'User' },
      { login: 'dependabot[bot]', contributions: 5, type: 'Bot' },
    ],
    '/repos/jonschlinkert/is-number/tags': tags,
    '/repos/jonschlinkert/is-number/releases': [],
  };

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const etag = `"${url.pathname}"`;
      const conditional = request.headers['if-none-match'] === etag;
      const body = routes[url.pathname];
      const status = body === undefined ? 404 : conditional ? 304 : 200;
      seen.push({ path: url.pathname, auth: request.headers.authorization, conditional, status });
      if (status === 200)
        response
          .writeHead(200, { 'content-type': 'application/json', etag })
          .end(JSON.stringify(body));
      else
        response.writeHead(status, { etag }).end(status === 404 ? '{"message":"Not Found"}' : '');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('maps the repository and contributors, links accounts by name and repository, and asks again conditionally', async () => {
    const work = tempDir('trustmap-cli-repos-github-');
    const env = { NPM_REGISTRY: registry.url, GITHUB_API_URL: api, GITHUB_TOKEN: 'test-token' };
    try {
      const result = await runCli(
        ['ingest', 'npm:is-number@4.0.0', 'npm:chalk@4.1.0', '--json'],
        work.dir,
        env,
      );
      expect(result.code).toBe(0);
      const summary = JSON.parse(result.stdout) as { repositories: Record<string, unknown> };
      // chalk's six repositories are not on this server: each is a failure of that repository.
      expect(summary.repositories).toMatchObject({
        read: 1,
        contributors: 4,
        through: { github: 1, git: 0 },
      });
      const failures = (summary.repositories as { failures: { reason: string }[] }).failures;
      expect(failures.length).toBe(
        (summary.repositories as { repositories: number }).repositories - 1,
      );
      expect(failures.every((f) => /404/.test(f.reason))).toBe(true);
      expect(seen.every((r) => r.auth === 'Bearer test-token')).toBe(true);
      expect(fs.existsSync(path.join(work.dir, '.trustmap', 'git'))).toBe(false);

      const links = await sameAs(work.dir, env);
      expect(links).toEqual([
        {
          a: 'person:github:doowb',
          b: 'person:npm:doowb',
          evidence: 'login-and-repository',
          confidence: 0.8,
        },
        {
          a: 'person:github:jonschlinkert',
          b: 'person:npm:jonschlinkert',
          evidence: 'login-and-repository',
          confidence: 0.8,
        },
      ]);

      // A later run (another process) sends the ETags it kept: nothing changed, nothing re-sent.
      const before = seen.length;
      const again = await runCli(['repos', '--json'], work.dir, env);
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ read: 1, contributors: 4 });
      // (The statistics are not on this server: a 404 has no ETag.)
      const isNumber = seen
        .slice(before)
        .filter((r) => r.path.includes('/is-number') && r.status !== 404);
      expect(isNumber.length).toBe(4);
      expect(isNumber.every((r) => r.conditional && r.status === 304)).toBe(true);
      const repository = await runCli(
        [
          'query',
          'MATCH (r:Repository {key: "repo:github.com/jonschlinkert/is-number"}) RETURN r.stars AS stars, r.busFactor AS busFactor, r.tags AS tags',
          '--json',
        ],
        work.dir,
        env,
      );
      expect(JSON.parse(repository.stdout)).toMatchObject({
        rows: [{ stars: 250, busFactor: 1, tags: 7 }],
      });
    } finally {
      work.cleanup();
    }
  });
});
