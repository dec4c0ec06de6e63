/**
 * Stage 2, read repositories: github.com ones through GitHub's API with a token (answers and ETags
 * cached beside the store), the others, and all of them without a token, from their git history
 * (bare, blobless clones cached beside the store). Limited to the repositories hosting the given
 * versions' packages when `versions` is set.
 */
import path from 'node:path';
import type { Logger } from '../core/log.js';
import { enrichRepositories, type EnrichSummary } from '../ingest/enrich-repositories.js';
import { GitHubClient } from '../ingest/sources/github/github-client.js';
import type { PipelineProgress, StoreSource } from './stage-types.js';

export interface RepositoriesInput {
  /** Where clones (`git/`) and GitHub's answers (`github/`) are kept between runs. */
  cacheDir: string;
  github: { url: string; token: string } | undefined;
  logger: Logger;
}

export type RepositoriesSummary = EnrichSummary;

export async function readRepositories(
  input: RepositoriesInput,
  store: StoreSource,
  progress: PipelineProgress,
  versions?: readonly string[],
): Promise<RepositoriesSummary> {
  const { github, logger } = input;
  return enrichRepositories({
    store: await store.get(),
    cacheDir: path.join(input.cacheDir, 'git'),
    github:
      github === undefined
        ? undefined
        : new GitHubClient({ ...github, logger, cacheDir: path.join(input.cacheDir, 'github') }),
    logger,
    // Identities are linked once, by the pipeline's identities stage.
    linkIdentities: false,
    ...(progress.repositories === undefined ? {} : { onProgress: progress.repositories }),
    ...(versions === undefined ? {} : { versions }),
  });
}
