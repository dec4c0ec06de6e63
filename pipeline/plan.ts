/**
 * What a run does, decided once from the configuration and the caller's options: the CLI's
 * `ingest`, `repos`, `advisories` and `explore`, and the API's ingests, each make a plan here and
 * hand it to `runPipeline`. docs/decisions/008-pipeline.md says which stages a visitor of a shared
 * server may trigger.
 */
import path from 'node:path';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/log.js';
import type { RootSpec } from '../ingest/spec.js';
import type { AdvisoriesInput } from './read-advisories.js';
import type { RepositoriesInput } from './read-repositories.js';
import type { RootsInput } from './resolve-roots.js';
import type { ScoreInput } from './score.js';

export interface PipelinePlan {
  /** Resolve these roots first; without them the later stages read the whole graph. */
  roots?: RootsInput | undefined;
  /** Read repositories (only those of the roots' closure when roots were resolved). */
  repositories?: RepositoriesInput | undefined;
  advisories?: AdvisoriesInput | undefined;
  /**
   * Link identities after the stages that add people: always after repositories; after roots
   * alone when their closure holds PyPI releases (npm accounts alone are linked by repositories).
   */
  identities: boolean;
  score?: ScoreInput | undefined;
  /** End after the roots when none of them resolved (`explore` has nothing to show then). */
  stopUnlessResolved?: boolean;
}

/** The settings a plan reads: the server passes its configuration, tests a part of one. */
export type PlanSettings = Pick<
  Config,
  'npmRegistry' | 'pypiUrl' | 'osvUrl' | 'githubApiUrl' | 'fetchConcurrency' | 'writeBatchRows'
> &
  Partial<Pick<Config, 'githubToken' | 'dbPath'>>;

export function repositoriesInput(settings: PlanSettings, logger: Logger): RepositoriesInput {
  const token = settings.githubToken;
  return {
    // Beside the embedded store's file (./.trustmap by default), whichever store is used.
    cacheDir: path.dirname(settings.dbPath ?? path.resolve('.trustmap', 'graph.grafeo')),
    github: token === undefined ? undefined : { url: settings.githubApiUrl, token },
    logger,
  };
}

export function advisoriesInput(settings: PlanSettings, logger: Logger): AdvisoriesInput {
  return { osvUrl: settings.osvUrl, logger };
}

export interface IngestOptions {
  roots: RootSpec[];
  /** Read the closure's repositories (the CLI's default; `--no-repos` turns it off). */
  repositories: boolean;
  /** Ask OSV (the CLI's `--advisories`). */
  advisories: boolean;
  /** Score the graph at the end (`explore`, the API). */
  score?: ScoreInput | undefined;
  stopUnlessResolved?: boolean;
  registry?: string | undefined;
  pythonEnvironment?: RootsInput['pythonEnvironment'];
  maxDepth?: number | undefined;
  /** Resolve and score as the registry stood then (`--as-of`). */
  asOf?: Date | undefined;
  dev?: boolean | undefined;
  concurrency?: number | undefined;
  workers?: RootsInput['workers'];
}

/** An ingest of roots: the roots, then what the options ask for, under these settings. */
export function ingestPlan(
  settings: PlanSettings,
  options: IngestOptions,
  logger: Logger,
): PipelinePlan {
  return {
    roots: {
      roots: options.roots,
      registry: options.registry ?? settings.npmRegistry,
      pypiUrl: settings.pypiUrl,
      pythonEnvironment: options.pythonEnvironment,
      maxDepth: options.maxDepth,
      asOf: options.asOf,
      dev: options.dev === true,
      concurrency: options.concurrency ?? settings.fetchConcurrency,
      writeBatchRows: settings.writeBatchRows,
      workers: options.workers,
      logger,
    },
    repositories: options.repositories ? repositoriesInput(settings, logger) : undefined,
    advisories: options.advisories ? advisoriesInput(settings, logger) : undefined,
    identities: true,
    score:
      options.score === undefined || options.asOf === undefined
        ? options.score
        : { ...options.score, asOf: options.asOf },
    stopUnlessResolved: options.stopUnlessResolved === true,
  };
}

/** The stages a visitor of the server may trigger, as its operator configured them. */
export interface VisitorStages {
  repositories: boolean;
  advisories: boolean;
}

export function visitorStages(
  settings: Partial<Pick<Config, 'apiRepositories' | 'apiAdvisories'>>,
): VisitorStages {
  return {
    repositories: settings.apiRepositories === true,
    advisories: settings.apiAdvisories === true,
  };
}
