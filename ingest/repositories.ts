/**
 * Repositories from their git history, no token needed: each `Repository` in the graph is cloned
 * bare and blobless into a cache folder (fetched again on later runs), and its history becomes
 * `Person` (`person:git:<email hash>`) + `CONTRIBUTES_TO {commits, lastCommitAt}`, activity on the
 * repository (last commit, commits in 90 days, active contributors, bus factor from history), and
 * historical provenance: the share of each hosted package's versions that have a matching tag.
 * Identities are linked afterwards by enrich-repositories.ts, never merged.
 */
import { append } from '../core/collections.js';
import { GitError } from '../core/errors.js';
import type { GraphStore } from '../graph/store.js';
import { silentLogger, type Logger } from '../core/log.js';
import { gitAuthorKey } from './identity.js';
import { GraphRecords } from './records.js';
import {
  busFactorFromHistory,
  readHistory,
  syncRepository,
  tagOverlap,
  type RepositoryHistory,
} from './sources/git/git-history.js';
import { BatchWriter } from './writer.js';

export interface RepositorySummary {
  repositories: number;
  read: number;
  failures: { repository: string; reason: string }[];
  contributors: number;
  elapsedMs: number;
}

export interface RepositoryOptions {
  store: GraphStore;
  /** Where bare clones are kept between runs. */
  cacheDir: string;
  /** The URL to clone for a repository key (default: https://<host>/<path>.git). */
  cloneUrl?: (key: string) => string;
  logger?: Logger;
  now?: Date;
  /** What the graph holds (read from the store when not given). */
  context?: RepositoryContext;
  /** The repositories to read (default: every one in the graph). */
  keys?: readonly string[];
  /** Clones and fetches at once (default 4). */
  concurrency?: number;
  /** Called after each repository, read or not. */
  onProgress?: (done: number, total: number) => void;
}

const defaultCloneUrl = (key: string): string => `https://${key.slice('repo:'.length)}.git`;

export async function ingestRepositories(options: RepositoryOptions): Promise<RepositorySummary> {
  const started = performance.now();
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? new Date();
  const context = options.context ?? (await repositoryContext(options.store));
  const keys = [...(options.keys ?? context.repositories)].sort();
  const writer = new BatchWriter(options.store);
  const failures: RepositorySummary['failures'] = [];
  let read = 0;
  let contributors = 0;
  let done = 0;
  const streaks = new FailureStreaks();
  const readOne = async (repository: string): Promise<RepositoryHistory | undefined> => {
    const blocked = streaks.blocked(repository);
    if (blocked !== undefined) {
      failures.push({ repository, reason: blocked });
      options.onProgress?.(++done, keys.length);
      return undefined;
    }
    try {
      const dir = await syncRepository(
        (options.cloneUrl ?? defaultCloneUrl)(repository),
        options.cacheDir,
      );
      const history = await readHistory(dir, now);
      streaks.succeeded(repository);
      return history;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      failures.push({ repository, reason });
      streaks.failed(repository, reason, hostFailure(error));
      logger.warn({ repository, reason }, 'a repository could not be read');
      return undefined;
    } finally {
      options.onProgress?.(++done, keys.length);
    }
  };
  // Clones run a few at once (they wait on the network); the writes stay in order.
  const concurrency = options.concurrency ?? 4;
  for (let i = 0; i < keys.length; i += concurrency) {
    const chunk = keys.slice(i, i + concurrency);
    const histories = await Promise.all(chunk.map(readOne));
    for (const [j, history] of histories.entries()) {
      const repository = chunk[j];
      if (history === undefined || repository === undefined) continue;
      read++;
      contributors += history.contributors.length;
      await writer.add(historyRecords(repository, history, context, now));
    }
  }
  await writer.flush();
  return {
    repositories: keys.length,
    read,
    failures,
    contributors,
    elapsedMs: Math.round(performance.now() - started),
  };
}

function historyRecords(
  repository: string,
  history: RepositoryHistory,
  context: RepositoryContext,
  now: Date,
): GraphRecords {
  const records = new GraphRecords();
  const activeContributors = history.contributors.filter((c) => c.commitsLast12Months > 0).length;
  records.node('Repository', repository, {
    lastCommitAt: history.lastCommitAt ?? null,
    commits: history.commits,
    commitsLast90Days: history.commitsLast90Days,
    activeContributors12Months: activeContributors,
    contributors: history.contributors.length,
    busFactor: busFactorFromHistory(history.contributors) ?? null,
    tags: history.tags.length,
    historyReadAt: now.toISOString(),
  });
  for (const contributor of history.contributors) {
    const person = gitAuthorKey(contributor.emailHash);
    records.node('Person', person, {
      name: contributor.name,
      emailHash: contributor.emailHash,
      ...(contributor.githubLogin === undefined ? {} : { githubLogin: contributor.githubLogin }),
    });
    records.relationship('CONTRIBUTES_TO', person, repository, {
      commits: contributor.commits,
      commitsLast12Months: contributor.commitsLast12Months,
      lastCommitAt: contributor.lastCommitAt,
    });
  }
  recordTagOverlap(records, context, repository, history.tags);
  return records;
}

/**
 * Whether the host, not the repository, failed (unreachable, refused, a 5xx, timed out), as git's
 * boundary classified it (git-history.ts): such a failure is retriable, a repository's is not.
 */
export const hostFailure = (error: unknown): boolean =>
  error instanceof GitError && error.retriable;

/**
 * A host that keeps failing (unreachable, a firewall, a proxy, an outage) is not asked for its
 * other repositories: after `limit` host failures in a row they are skipped, each with the
 * reason, instead of every one waiting for its own time-out. A repository's own failure (not
 * found, private, blocked) says the host answered, and ends the streak.
 */
export class FailureStreaks {
  private readonly streaks = new Map<string, { count: number; last: string }>();

  constructor(private readonly limit = 4) {}

  blocked(repository: string): string | undefined {
    const host = hostOf(repository);
    const streak = this.streaks.get(host);
    return streak === undefined || streak.count < this.limit
      ? undefined
      : `skipped: ${host} failed ${streak.count} times in a row (last: ${streak.last})`;
  }

  failed(repository: string, reason: string, hostLevel: boolean): void {
    if (!hostLevel) {
      this.succeeded(repository);
      return;
    }
    const host = hostOf(repository);
    const streak = this.streaks.get(host) ?? { count: 0, last: '' };
    this.streaks.set(host, { count: streak.count + 1, last: reason.slice(0, 200) });
  }

  succeeded(repository: string): void {
    this.streaks.delete(hostOf(repository));
  }
}

const hostOf = (repository: string): string =>
  repository.slice('repo:'.length).split('/')[0] ?? repository;

/** What the repository stages need from the graph: repositories, and what each one hosts. */
export interface RepositoryContext {
  repositories: Set<string>;
  /** Repository -> the packages hosted at it. */
  hosted: Map<string, string[]>;
  /** Package -> its name. */
  names: Map<string, string>;
  /** Package -> its published versions. */
  versionsOf: Map<string, string[]>;
}

export async function repositoryContext(store: GraphStore): Promise<RepositoryContext> {
  const repositories = new Set<string>();
  const hosted = new Map<string, string[]>();
  const names = new Map<string, string>();
  const versionsOf = new Map<string, string[]>();
  for await (const batch of store.stream({
    labels: ['Repository', 'Package', 'Version'],
    types: ['HOSTED_AT', 'HAS_VERSION'],
  })) {
    if (batch.kind === 'nodes') {
      for (const node of batch.nodes) {
        if (node.labels.includes('Repository') && node.key.startsWith('repo:'))
          repositories.add(node.key);
        if (node.labels.includes('Package') && typeof node.properties.name === 'string')
          names.set(node.key, node.properties.name);
      }
      continue;
    }
    for (const r of batch.relationships) {
      if (r.type === 'HOSTED_AT') append(hosted, r.to, r.from);
      else if (r.type === 'HAS_VERSION')
        append(versionsOf, r.from, r.to.slice(r.to.lastIndexOf('@') + 1));
    }
  }

  return { repositories, hosted, names, versionsOf };
}

/** Historical provenance of the packages a repository hosts: the share of versions with a tag. */
export function recordTagOverlap(
  records: GraphRecords,
  context: RepositoryContext,
  repository: string,
  tags: readonly string[],
): void {
  for (const pkg of context.hosted.get(repository) ?? []) {
    const { overlap, untagged } = tagOverlap(
      context.names.get(pkg) ?? '',
      context.versionsOf.get(pkg) ?? [],
      tags,
    );
    records.node('Package', pkg, {
      tagOverlap: overlap ?? null,
      untaggedVersions: untagged.slice(0, 200).join(', '),
    });
    // Per version too: the input of the `untagged` change flag (a release without the tag its
    // predecessors had).
    const missing = new Set(untagged);
    for (const version of context.versionsOf.get(pkg) ?? [])
      records.node('Version', `${pkg}@${version}`, { tagged: !missing.has(version) });
  }
}
