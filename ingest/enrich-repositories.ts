/**
 * The repository stage of an ingest: github.com repositories through GitHub's API when a client
 * (a token) is given, every other one (and every one without a token) through its git history;
 * then identities across npm, PyPI, GitHub and git linked with their evidence (identities.ts).
 */
import type { GraphStore } from '../graph/store.js';
import { silentLogger, type Logger } from '../core/log.js';
import { ingestGitHub, isGitHubRepository } from './github.js';
import { linkIdentities } from './identities.js';
import {
  ingestRepositories,
  repositoryContext,
  type RepositoryContext,
  type RepositorySummary,
} from './repositories.js';
import type { GitHubClient } from './sources/github/github-client.js';

export interface EnrichOptions {
  store: GraphStore;
  /** Where bare clones are kept between runs. */
  cacheDir: string;
  /** GitHub's API (with a token); without it every repository is read from git. */
  github?: GitHubClient | undefined;
  /**
   * Only the repositories hosting these versions' packages (an ingest's closure); default every
   * repository in the graph.
   */
  versions?: readonly string[];
  cloneUrl?: (key: string) => string;
  /** Clones and fetches at once (default 4; GitHub's API is asked one request at a time). */
  concurrency?: number;
  logger?: Logger;
  now?: Date;
  /** Called as repositories are done (GitHub's and git's together), read or not. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Link identities at the end (default true); off when the caller links them itself (the
   * pipeline's identities stage), and `linked` is then 0.
   */
  linkIdentities?: boolean;
}

export interface EnrichSummary extends RepositorySummary {
  /** Identity links in the graph after the stage. */
  linked: number;
  /** How many were read through GitHub's API, and how many from git. */
  through: { github: number; git: number };
}

export async function enrichRepositories(options: EnrichOptions): Promise<EnrichSummary> {
  const started = performance.now();
  const logger = options.logger ?? silentLogger;
  const context = await repositoryContext(options.store);
  const keys =
    options.versions === undefined
      ? [...context.repositories]
      : repositoriesHosting(context, options.versions);
  const github = options.github;
  const viaGitHub = github === undefined ? [] : keys.filter(isGitHubRepository);
  const viaGit = github === undefined ? keys : keys.filter((k) => !isGitHubRepository(k));
  const common = { store: options.store, context, logger, ...pick(options, 'now') };
  const progress = (offset: number) => (done: number) =>
    options.onProgress?.(offset + done, keys.length);
  const fromGit =
    viaGit.length === 0
      ? undefined
      : await ingestRepositories({
          ...common,
          keys: viaGit,
          cacheDir: options.cacheDir,
          onProgress: progress(0),
          ...pick(options, 'cloneUrl'),
          ...pick(options, 'concurrency'),
        });
  const fromGitHub =
    github === undefined || viaGitHub.length === 0
      ? undefined
      : await ingestGitHub({
          ...common,
          keys: viaGitHub,
          client: github,
          onProgress: progress(viaGit.length),
        });
  const linked = options.linkIdentities === false ? 0 : await linkIdentities(options.store);
  return {
    repositories: keys.length,
    read: (fromGit?.read ?? 0) + (fromGitHub?.read ?? 0),
    failures: [...(fromGit?.failures ?? []), ...(fromGitHub?.failures ?? [])],
    contributors: (fromGit?.contributors ?? 0) + (fromGitHub?.contributors ?? 0),
    linked,
    through: { github: fromGitHub?.read ?? 0, git: fromGit?.read ?? 0 },
    elapsedMs: Math.round(performance.now() - started),
  };
}

/** The repositories that host the packages of these version keys. */
export function repositoriesHosting(
  context: RepositoryContext,
  versions: readonly string[],
): string[] {
  const packages = new Set(versions.map((v) => v.slice(0, v.lastIndexOf('@'))));
  return [...context.repositories].filter((repository) =>
    (context.hosted.get(repository) ?? []).some((pkg) => packages.has(pkg)),
  );
}

function pick<T extends object, K extends keyof T>(options: T, key: K): Partial<Pick<T, K>> {
  return options[key] === undefined ? {} : ({ [key]: options[key] } as Partial<Pick<T, K>>);
}
