/**
 * Repositories through the GitHub API (with GITHUB_TOKEN): for each `repo:github.com/<owner>/<name>`
 * in the graph, the repository (archived, last push, stars, default branch), its owner when it is
 * an organisation, its contributors with their commit counts, its tags (historical provenance of
 * each hosted package) and its releases. This stage fetches, reads, maps and writes; the reading
 * and the mapping are pure, in ingest/sources/github/.
 */
import { RegistryError } from '../core/errors.js';
import type { GraphStore } from '../graph/store.js';
import { silentLogger, type Logger } from '../core/log.js';
import {
  FailureStreaks,
  repositoryContext,
  type RepositoryContext,
  type RepositorySummary,
} from './repositories.js';
import type { GitHubClient } from './sources/github/github-client.js';
import {
  isGitHubLogin,
  readContributorStatistics,
  readContributors,
  readOrganisation,
  readReleases,
  readRepository,
  readTags,
} from './sources/github/github-documents.js';
import {
  mapGitHubRepository,
  organisationLogin,
  type GitHubRepositoryDocuments,
} from './sources/github/map-repository.js';
import { BatchWriter } from './writer.js';

/** Repositories GitHub's API can read. */
export const isGitHubRepository = (key: string): boolean => key.startsWith('repo:github.com/');

const REPO = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * Reads each repository's answers (github-documents.ts), maps them (map-repository.ts) and
 * writes the records; a repository that fails is listed with the reason, and a host that keeps
 * failing is not asked further.
 */
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
    if (owner === undefined || name === undefined || !isGitHubLogin(owner) || !REPO.test(name)) {
      failures.push({ repository: key, reason: 'not an owner/name GitHub knows' });
      continue;
    }
    try {
      const repository = readRepository(await options.client.get(`/repos/${owner}/${name}`));
      if (repository === undefined) {
        failures.push({ repository: key, reason: 'GitHub does not have it (404)' });
        continue;
      }
      const documents: GitHubRepositoryDocuments = {
        repository,
        contributors: readContributors(
          await options.client.list(`/repos/${owner}/${name}/contributors`),
        ),
        tags: readTags(await options.client.list(`/repos/${owner}/${name}/tags`)),
        releases: readReleases(await options.client.list(`/repos/${owner}/${name}/releases`)),
        statistics: readContributorStatistics(
          await options.client.getComputed(`/repos/${owner}/${name}/stats/contributors`),
        ),
      };
      const login = organisationLogin(repository, owner);
      if (login !== undefined) {
        const account =
          (await options.client.get(`/orgs/${login}`)) ??
          (await options.client.get(`/users/${login}`));
        documents.organisation = { login, account: readOrganisation(account) };
      }
      const records = mapGitHubRepository(key, documents, context, now);
      contributors += records.relationshipRows('CONTRIBUTES_TO').length;
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
