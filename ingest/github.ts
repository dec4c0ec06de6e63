/**
 * Repositories through the GitHub API (with GITHUB_TOKEN): for each `repo:github.com/<owner>/<name>`
 * in the graph, the repository (archived, last push, stars, default branch), its owner when it is
 * an organisation, its contributors with their commit counts, its tags (historical provenance of
 * each hosted package) and its releases.
 */
import type { GraphStore } from '../graph/store.js';
import { silentLogger, type Logger } from '../log.js';
import { forgeOrgKey } from './identity.js';
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
      const counts: number[] = [];
      for (const person of people) {
        if (!isRecord(person)) continue;
        const login = str(own(person, 'login'), 100);
        const commits = num(own(person, 'contributions'));
        if (login === undefined || !LOGIN.test(login) || own(person, 'type') === 'Bot') continue;
        const personKey = `person:github:${login.toLowerCase()}`;
        records.node('Person', personKey, { name: login });
        records.relationship('CONTRIBUTES_TO', personKey, key, { commits: commits ?? null });
        if (commits !== undefined) counts.push(commits);
        contributors++;
      }
      records.node('Repository', key, {
        archived: own(repo, 'archived') === true,
        pushedAt: str(own(repo, 'pushed_at'), 40) ?? null,
        stars: num(own(repo, 'stargazers_count')) ?? null,
        defaultBranch: str(own(repo, 'default_branch'), 200) ?? null,
        contributors: counts.length,
        // All-time contributions (the API has no per-year counts); history gives the 12-month one.
        busFactor: fewestCoveringHalf(counts) ?? null,
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
      streaks.failed(key, reason);
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
    linked: 0,
    elapsedMs: Math.round(performance.now() - started),
  };
}
