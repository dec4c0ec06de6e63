/**
 * Reading real GitHub answers (../shared/fixtures/github) into typed documents and mapping them to
 * graph records, with nothing fetched: the same records the stage writes for PyGithub, and hostile
 * answers (wrong types, `__proto__` keys, huge strings) read as absent or capped, never thrown.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RepositoryContext } from '../../ingest/repositories.js';
import {
  readContributorStatistics,
  readContributors,
  readOrganisation,
  readReleases,
  readRepository,
  readTags,
} from '../../ingest/sources/github/github-documents.js';
import {
  mapGitHubRepository,
  organisationLogin,
  type GitHubRepositoryDocuments,
} from '../../ingest/sources/github/map-repository.js';
import { FIXTURES } from '../helpers/fixture-registry.js';
import { PYGITHUB_REPOSITORY } from '../helpers/pygithub.js';

const GH = path.join(FIXTURES, 'github');
const read = (file: string): unknown => JSON.parse(fs.readFileSync(path.join(GH, file), 'utf8'));
const list = (file: string): unknown[] => read(file) as unknown[];

const KEY = 'repo:github.com/PyGithub/PyGithub';
/** When the statistics were recorded (the fixture's last week is 2013-11-10). */
const STATS_NOW = new Date('2013-11-15T00:00:00Z');

const context = (): RepositoryContext => ({
  repositories: new Set([KEY]),
  hosted: new Map([[KEY, ['pkg:pypi/pygithub']]]),
  names: new Map([['pkg:pypi/pygithub', 'PyGithub']]),
  versionsOf: new Map([['pkg:pypi/pygithub', ['2.5.0', '2.4.0', '0.0.1']]]),
});

/** PyGithub's answers as the stage reads them (its owner, an organisation, served from /users). */
function pyGithub(): GitHubRepositoryDocuments {
  const repository = readRepository(read('repos/PyGithub__PyGithub.json'));
  if (repository === undefined) throw new Error('the fixture is a repository');
  const login = organisationLogin(repository, 'PyGithub');
  return {
    repository,
    contributors: readContributors(list('contributors/PyGithub__PyGithub.json')),
    statistics: readContributorStatistics(read('contributors/PyGithub__PyGithub.stats.json')),
    tags: readTags(list('tags/PyGithub__PyGithub.json')),
    releases: readReleases(list('releases/PyGithub__PyGithub.json')),
    ...(login === undefined
      ? {}
      : { organisation: { login, account: readOrganisation(read('users/PyGithub.json')) } }),
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value as object)) deepFreeze(inner);
  }
  return value;
}

describe('mapGitHubRepository', () => {
  it("maps PyGithub's real answers to what the stage writes, without changing them", () => {
    const documents = deepFreeze(pyGithub());
    const records = mapGitHubRepository(KEY, documents, context(), STATS_NOW).check();
    expect(records.nodeRows('Repository')).toEqual([
      {
        key: KEY,
        props: expect.objectContaining({
          ...PYGITHUB_REPOSITORY,
          historyReadAt: STATS_NOW.toISOString(),
          githubReadAt: STATS_NOW.toISOString(),
        }) as unknown,
      },
    ]);
    expect(records.relationshipRows('CONTRIBUTES_TO')).toHaveLength(21);
    const top = records
      .relationshipRows('CONTRIBUTES_TO')
      .map((r) => ({ from: r.from, commits: r.props.commits, year: r.props.commitsLast12Months }))
      .sort((a, b) => Number(b.commits) - Number(a.commits))
      .slice(0, 3);
    // The list's all-time count wins for an account in both.
    expect(top).toEqual([
      { from: 'person:github:jacquev6', commits: 355, year: 252 },
      { from: 'person:github:akfish', commits: 67, year: 67 },
      { from: 'person:github:martinqt', commits: 18, year: 18 },
    ]);
    expect(records.relationshipRows('OWNED_BY')).toEqual([
      { from: KEY, to: 'org:github:pygithub', props: {} },
    ]);
    // The account has no display name: the login stands in.
    expect(records.nodeRows('Organisation')).toEqual([
      {
        key: 'org:github:pygithub',
        props: expect.objectContaining({
          name: 'PyGithub',
          kind: 'github',
          verified: false,
        }) as unknown,
      },
    ]);
    const pkg = records.nodeRows('Package')[0]?.props;
    expect(pkg?.untaggedVersions).toBe('0.0.1');
    expect(pkg?.tagOverlap).toBeCloseTo(2 / 3, 6);
    // Pure: the same documents give the same records.
    expect(mapGitHubRepository(KEY, documents, context(), STATS_NOW)).toEqual(records);
  });

  it('gives no bus factor from statistics without a commit in 12 months, and the all-time one without statistics', () => {
    const dormant = mapGitHubRepository(KEY, pyGithub(), context(), new Date('2020-01-01'));
    expect(dormant.nodeRows('Repository')[0]?.props).toMatchObject({
      commitsLast90Days: 0,
      activeContributors12Months: 0,
      busFactor: null,
    });
    const none = mapGitHubRepository(
      KEY,
      { ...pyGithub(), statistics: undefined },
      context(),
      STATS_NOW,
    );
    const props = none.nodeRows('Repository')[0]?.props;
    // jacquev6 alone in the list: 355 commits.
    expect(props).toMatchObject({ contributors: 1, busFactor: 1 });
    expect(props).not.toHaveProperty('historySource');
    expect(props).not.toHaveProperty('commitsLast90Days');
  });

  it.each(fs.readdirSync(path.join(GH, 'repos')))('reads and maps repos/%s', (file) => {
    const repository = readRepository(read(path.join('repos', file)));
    expect(repository).toBeDefined();
    if (repository === undefined) return;
    const owner = file.split('__')[0] ?? '';
    const login = organisationLogin(repository, owner);
    const records = mapGitHubRepository(
      `repo:github.com/${file.replace('__', '/').replace(/\.json$/, '')}`,
      {
        repository,
        contributors: [],
        statistics: undefined,
        tags: [],
        releases: [],
        ...(login === undefined ? {} : { organisation: { login, account: undefined } }),
      },
      context(),
      STATS_NOW,
    ).check();
    expect(records.nodeRows('Repository')).toHaveLength(1);
    expect(records.relationshipRows('OWNED_BY')).toHaveLength(login === undefined ? 0 : 1);
  });

  it('reads the organisation accounts', () => {
    expect(readOrganisation(read('orgs/github.json'))).toEqual({ name: 'GitHub', verified: true });
    expect(readOrganisation(read('orgs/octokit-fixture-org.json'))).toEqual({
      name: undefined,
      verified: false,
    });
    expect(readOrganisation(null)).toBeUndefined();
  });

  it('reads hostile answers as absent or capped, and maps them without throwing', () => {
    const huge = 'x'.repeat(5_000_000);
    const hostile = (json: string): unknown => JSON.parse(json);
    const repository = readRepository(
      hostile(
        `{"__proto__": {"archived": true, "polluted": 1}, "archived": "yes", "pushed_at": "${huge}",` +
          ` "stargazers_count": "7122", "default_branch": ["main"],` +
          ` "owner": {"__proto__": {"type": "Organization"}, "type": "Organization", "login": "${huge}"}}`,
      ),
    );
    expect(repository).toEqual({
      archived: false,
      pushedAt: 'x'.repeat(40),
      stars: undefined,
      defaultBranch: undefined,
      // Not a GitHub login (over 39 characters): not read, so never put into an /orgs/ path.
      organisation: { login: undefined },
    });
    const traversal = readRepository({
      owner: { type: 'Organization', login: '../../user/emails' },
    });
    if (traversal === undefined) throw new Error('a record is read as a repository');
    expect(traversal.organisation).toEqual({ login: undefined });
    expect(organisationLogin(traversal, 'acme')).toBe('acme');
    // An owner from a repository key that is not a login (keys allow dots) asks nothing.
    expect(organisationLogin(traversal, 'not.a.login')).toBeUndefined();
    const contributors = readContributors(
      hostile(
        `[null, 7, "jacquev6", [], {"login": "${huge}"}, {"login": "../../etc"}, {"login": 12},` +
          ` {"__proto__": {"login": "ghost"}}, {"login": "constructor", "contributions": "9"},` +
          ` {"login": "hubot", "type": "Bot", "contributions": 5}, {"login": "ok", "contributions": 1e999}]`,
      ) as unknown[],
    );
    expect(contributors).toEqual([
      { login: 'constructor', bot: false, contributions: undefined },
      { login: 'hubot', bot: true, contributions: 5 },
      { login: 'ok', bot: false, contributions: undefined },
    ]);
    const statistics = readContributorStatistics(
      hostile(
        `[{"author": {"login": "__proto__"}, "total": 3, "weeks": [{"w": 1384041600, "c": 3}]},` +
          ` {"author": "nobody", "weeks": {"w": 1, "c": 1}}, {"author": {"login": "a", "type": "Bot"},` +
          ` "weeks": [{"w": "1384041600", "c": 1}, {"w": 1384041600, "c": -4}, {"w": 1384041600, "c": 2}, 5]},` +
          ` {"author": {"login": "${huge}"}, "weeks": [{"w": 1384041600, "c": 1}]}]`,
      ),
    );
    expect(statistics).toHaveLength(4);
    expect(readContributorStatistics({ weeks: [] })).toBeUndefined();
    expect(
      readTags(hostile(`[{"name": "${huge}"}, {"name": 1}, null, {"name": "v1"}]`) as unknown[]),
    ).toEqual(['x'.repeat(200), 'v1']);
    expect(
      readReleases(
        hostile(
          `[{"published_at": 5}, "release", {"published_at": "2020-01-01T00:00:00Z"}]`,
        ) as unknown[],
      ),
    ).toEqual([
      { publishedAt: undefined },
      { publishedAt: undefined },
      { publishedAt: '2020-01-01T00:00:00Z' },
    ]);
    const account = readOrganisation(hostile(`{"name": "${huge}", "is_verified": "true"}`));
    expect(account).toEqual({ name: 'x'.repeat(200), verified: false });

    if (repository === undefined) throw new Error('a record is read as a repository');
    const login = organisationLogin(repository, 'evil');
    expect(login).toBe('evil');
    const records = mapGitHubRepository(
      'repo:github.com/evil/repo',
      {
        repository,
        contributors,
        statistics,
        tags: ['v1'],
        releases: readReleases([{ published_at: 5 }, { published_at: '2020-01-01T00:00:00Z' }]),
        organisation: { login: login ?? 'evil', account },
      },
      context(),
      STATS_NOW,
    );
    // Every row is one the store accepts.
    expect(() => records.check()).not.toThrow();
    expect(
      records
        .relationshipRows('CONTRIBUTES_TO')
        .map((r) => r.from)
        .sort(),
    ).toEqual(['person:github:constructor', 'person:github:ok']);
    expect(records.nodeRows('Repository')[0]?.props).toMatchObject({
      archived: false,
      stars: null,
      releases: 2,
      lastReleaseAt: '2020-01-01T00:00:00Z',
      // Every commit counts, the bot's and those of authors with no valid login too: 3 + 2 + 1.
      commitsLast90Days: 6,
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
