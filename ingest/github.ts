/**
 * Repositories through the GitHub API (with GITHUB_TOKEN): for each `repo:github.com/<owner>/<name>`
 * in the graph, the repository (archived, last push, stars, default branch), its owner when it is
 * an organisation, its contributors with their commit counts, its tags (historical provenance of
 * each hosted package) and its releases.
 */
import { RegistryError } from '../errors.js';
import type { GraphStore } from '../graph/store.js';
import { silentLogger, type Logger } from '../log.js';
import { forgeOrgKey, githubPersonKey } from './identity.js';
import { GraphRecords } from './records.js';
import {
  FailureStreaks,
  recordTagOverlap,
  repositoryContext,
  type RepositoryContext,
  type RepositorySummary,
} from './repositories.js';
import type { GitHubClient } from './sources/github/github-client.js';
import { fewestCoveringHalf } from './sources/git/git-history.js';
import { isRecord, own } from './untrusted.js';
import { BatchWriter } from './writer.js';

/** Repositories GitHub's API can read. */
export const isGitHubRepository = (key: string): boolean => key.startsWith('repo:github.com/');

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;
const str = (v: unknown, max = 500): string | undefined =>
  typeof v === 'string' ? v.slice(0, max) : undefined;
const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

export async function ingestGitHub(options: {
  store: GraphStore;
  client: GitHubClient;
  logger?: Logger;
  now?: Date;
  /** What the graph holds (read from the store when not given). */
  context?: RepositoryContext;
  /** The repositories to read (default: every github.com one in the graph). */
  keys?: readonly string[];
  /** Called as repositories are done, read or not. */
  onProgress?: (done: number, total: number) => void;
}): Promise<RepositorySummary> {
  const started = performance.now();
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? new Date();
  const context = options.context ?? (await repositoryContext(options.store));
  const writer = new BatchWriter(options.store);
  const failures: RepositorySummary['failures'] = [];
  let read = 0;
  let contributors = 0;
  const github = [...(options.keys ?? context.repositories)].filter(isGitHubRepository).sort();
  const streaks = new FailureStreaks();
  for (const [index, key] of github.entries()) {
    options.onProgress?.(index, github.length);
    const blocked = streaks.blocked(key);
    if (blocked !== undefined) {
      failures.push({ repository: key, reason: blocked });
      continue;
    }
    const [owner, name] = key.slice('repo:github.com/'.length).split('/');
    if (owner === undefined || name === undefined || !LOGIN.test(owner) || !REPO.test(name)) {
      failures.push({ repository: key, reason: 'not an owner/name GitHub knows' });
      continue;
    }
    try {
      const repo = await options.client.get(`/repos/${owner}/${name}`);
      if (!isRecord(repo)) {
        failures.push({ repository: key, reason: 'GitHub does not have it (404)' });
        continue;
      }
      const records = new GraphRecords();
      const people = await options.client.list(`/repos/${owner}/${name}/contributors`);
      const tags = (await options.client.list(`/repos/${owner}/${name}/tags`))
        .map((t) => (isRecord(t) ? str(own(t, 'name'), 200) : undefined))
        .filter((t): t is string => t !== undefined);
      const releases = await options.client.list(`/repos/${owner}/${name}/releases`);
      const published = releases
        .map((r) => (isRecord(r) ? str(own(r, 'published_at'), 40) : undefined))
        .filter((d): d is string => d !== undefined)
        .sort();
      const activity = weeklyActivity(
        await options.client.getComputed(`/repos/${owner}/${name}/stats/contributors`),
        now,
      );
      // The contributors list (all-time commits, up to 500 people) and the statistics (weekly
      // commits of the top 100 authors) together: one entry per account.
      const byLogin = new Map<string, { name: string; commits?: number; last12?: number }>();
      for (const person of people) {
        if (!isRecord(person) || own(person, 'type') === 'Bot') continue;
        const login = str(own(person, 'login'), 100);
        if (login === undefined || !LOGIN.test(login)) continue;
        const commits = num(own(person, 'contributions'));
        byLogin.set(login.toLowerCase(), {
          name: login,
          ...(commits === undefined ? {} : { commits }),
        });
      }
      for (const [login, author] of activity?.authors ?? []) {
        const entry = byLogin.get(login.toLowerCase()) ?? { name: login, commits: author.total };
        byLogin.set(login.toLowerCase(), { ...entry, last12: author.last12 });
      }
      for (const [login, entry] of byLogin) {
        const personKey = githubPersonKey(login);
        records.node('Person', personKey, { name: entry.name });
        records.relationship('CONTRIBUTES_TO', personKey, key, {
          commits: entry.commits ?? null,
          ...(entry.last12 === undefined ? {} : { commitsLast12Months: entry.last12 }),
        });
      }
      contributors += byLogin.size;
      const entries = [...byLogin.values()];
      const lastYear = fewestCoveringHalf(entries.map((e) => e.last12 ?? 0));
      records.node('Repository', key, {
        archived: own(repo, 'archived') === true,
        pushedAt: str(own(repo, 'pushed_at'), 40) ?? null,
        stars: num(own(repo, 'stargazers_count')) ?? null,
        defaultBranch: str(own(repo, 'default_branch'), 200) ?? null,
        contributors: byLogin.size,
        // From the last 12 months' commits when GitHub's statistics have them (as from git
        // history), else from all-time contributions.
        // (None when the statistics show no commit in 12 months, as git history says.)
        busFactor:
          activity === undefined
            ? (fewestCoveringHalf(entries.map((e) => e.commits ?? 0)) ?? null)
            : (lastYear ?? null),
        ...(activity === undefined
          ? {}
          : {
              commitsLast90Days: activity.commitsLast90Days,
              activeContributors12Months: entries.filter((e) => (e.last12 ?? 0) > 0).length,
              // The trust engine reads activity from repositories whose history was read.
              historyReadAt: now.toISOString(),
              historySource: 'github-statistics',
            }),
        tags: tags.length,
        releases: releases.length,
        lastReleaseAt: published.at(-1) ?? null,
        githubReadAt: now.toISOString(),
      });
      const ownerRecord = own(repo, 'owner');
      if (isRecord(ownerRecord) && own(ownerRecord, 'type') === 'Organization') {
        const login = str(own(ownerRecord, 'login'), 100) ?? owner;
        const org =
          (await options.client.get(`/orgs/${login}`)) ??
          (await options.client.get(`/users/${login}`));
        const orgKey = forgeOrgKey('github', login);
        records.node('Organisation', orgKey, {
          name: (isRecord(org) ? str(own(org, 'name'), 200) : undefined) ?? login,
          kind: 'github',
          verified: isRecord(org) && own(org, 'is_verified') === true,
        });
        records.relationship('OWNED_BY', key, orgKey);
      }
      recordTagOverlap(records, context, key, tags);
      await writer.add(records);
      read++;
      streaks.succeeded(key);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      failures.push({ repository: key, reason });
      // Network failures, server errors and limits past the allowed wait are the host's; a 403
      // or 451 is the repository's.
      streaks.failed(key, reason, error instanceof RegistryError && error.retriable);
      logger.warn({ repository: key, reason }, 'GitHub could not be read for a repository');
    }
  }
  await writer.flush();
  options.onProgress?.(github.length, github.length);
  return {
    repositories: github.length,
    read,
    failures,
    contributors,
    elapsedMs: Math.round(performance.now() - started),
  };
}

const DAY = 24 * 3600 * 1000;

/**
 * GitHub's contributor statistics (`/stats/contributors`: each author's commits per week) as
 * commits in the last 90 days and each author's commits in the last 12 months and all-time.
 */
function weeklyActivity(
  stats: unknown,
  now: Date,
):
  | { commitsLast90Days: number; authors: Map<string, { total: number; last12: number }> }
  | undefined {
  if (!Array.isArray(stats)) return undefined;
  const authors = new Map<string, { total: number; last12: number }>();
  let commitsLast90Days = 0;
  for (const entry of stats.slice(0, 1000)) {
    if (!isRecord(entry)) continue;
    const author = own(entry, 'author');
    const login = isRecord(author) ? str(own(author, 'login'), 100) : undefined;
    // Every commit counts towards the repository's activity (as in git history); people are the
    // authors GitHub knows as accounts, bots left out.
    const person =
      login !== undefined &&
      LOGIN.test(login) &&
      !(isRecord(author) && own(author, 'type') === 'Bot');
    let last12 = 0;
    const weeks = own(entry, 'weeks');
    for (const week of Array.isArray(weeks) ? weeks.slice(0, 5000) : []) {
      if (!isRecord(week)) continue;
      const start = num(own(week, 'w'));
      const commits = num(own(week, 'c'));
      if (start === undefined || commits === undefined || commits <= 0) continue;
      const age = now.getTime() - start * 1000;
      if (age < 0) continue;
      if (age <= 365 * DAY) last12 += commits;
      if (age <= 90 * DAY) commitsLast90Days += commits;
    }
    if (person) authors.set(login, { total: num(own(entry, 'total')) ?? 0, last12 });
  }
  return { commitsLast90Days, authors };
}
