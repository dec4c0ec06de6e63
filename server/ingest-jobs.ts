/**
 * Ingests started from the API: each runs the pipeline (pipeline/run-pipeline.ts) in this process
 * against the server's store, with the stages the server's configuration lets a visitor trigger
 * (TRUSTMAP_API_REPOS, TRUSTMAP_API_ADVISORIES; docs/decisions/008-pipeline.md), and its progress
 * is kept so that any number of clients can follow it as server-sent events, late ones
 * included (they get the latest state, then what follows).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import { InvalidInputError, isTrustmapError, type ErrorCode } from '../core/errors.js';
import type { GraphStore } from '../graph/store.js';
import type { Logger } from '../core/log.js';
import type { IngestSummary, Progress } from '../ingest/run-ingest.js';
import { PYTHON_LOCKFILES } from '../ingest/roots/python-lockfile.js';
import { isRootFileName, LOCKFILE_NAMES, parseRootSpec } from '../ingest/spec.js';
import {
  environmentStated,
  pythonEnvironment,
  type EnvironmentChoice,
} from '../ingest/sources/pypi/environment.js';
import {
  ingestPlan,
  visitorStages,
  type PlanSettings,
  type VisitorStages,
} from '../pipeline/plan.js';
import type { AdvisoriesSummary } from '../pipeline/read-advisories.js';
import type { RepositoriesSummary } from '../pipeline/read-repositories.js';
import { runPipeline } from '../pipeline/run-pipeline.js';
import { describeScores } from '../pipeline/score.js';
import { openedStore } from '../pipeline/stage-types.js';
import { loadConfig, type Config } from '../core/config.js';

/** What an API ingest ends with: the roots' summary, the other stages' when they ran, the scores. */
export type JobSummary = IngestSummary & {
  repositories?: RepositoriesSummary;
  advisories?: AdvisoriesSummary;
  scored: string;
};

export type JobEvent =
  | { type: 'progress'; data: Progress }
  | { type: 'scoring'; data: Record<string, never> }
  | { type: 'done'; data: JobSummary }
  | { type: 'error'; data: { code: ErrorCode; message: string } };

/** The server's settings an API ingest runs under. */
export type IngestJobSettings = Pick<Config, 'npmRegistry'> &
  Partial<
    Pick<
      Config,
      | 'pypiUrl'
      | 'osvUrl'
      | 'githubApiUrl'
      | 'githubToken'
      | 'dbPath'
      | 'apiRepositories'
      | 'apiAdvisories'
      | 'fetchConcurrency'
      | 'writeBatchRows'
    >
  >;

export interface IngestJob {
  id: string;
  specs: string[];
  events: JobEvent[];
  finished: boolean;
  emitter: EventEmitter;
}

/** A file uploaded to start from: a lockfile, a requirements file or an SBOM. */
export interface UploadedFile {
  name: string;
  content: string;
  /** What to call the project when the file does not name it (default `uploaded`). */
  project?: string | undefined;
}

export const PROJECT_NAME = /^[A-Za-z0-9][\w.-]{0,99}$/;

const KEEP_FINISHED = 50;
/** Ingests running at once from the API; more are refused until one ends. */
export const MAX_RUNNING = 2;

export class IngestJobs {
  private readonly jobs = new Map<string, IngestJob>();
  private readonly settings: PlanSettings;
  /** What a visitor's ingest runs besides the roots and the scores. */
  readonly stages: VisitorStages;

  constructor(
    private readonly store: GraphStore,
    settings: IngestJobSettings,
    private readonly logger: Logger,
    private readonly cwd: string,
    /** Called when an ingest ends, whichever way: the graph may have changed. */
    private readonly onFinished: () => void = () => undefined,
  ) {
    // What a caller's partial settings leave out: the defaults of the one table (core/config.ts).
    const defaults = loadConfig({}, cwd);
    this.settings = {
      pypiUrl: defaults.pypiUrl,
      osvUrl: defaults.osvUrl,
      githubApiUrl: defaults.githubApiUrl,
      fetchConcurrency: defaults.fetchConcurrency,
      writeBatchRows: defaults.writeBatchRows,
      ...settings,
    };
    this.stages = visitorStages(settings);
  }

  /**
   * Starts an ingest of registry specs (never server file paths: the API reads no server files)
   * and of an uploaded lockfile, then scores the graph so the explorer shows the new trust.
   */
  start(specs: string[], lockfile?: UploadedFile, environment: EnvironmentChoice = {}): IngestJob {
    // Refused (400) before anything starts, naming the bad setting.
    const python = environmentStated(environment)
      ? { pythonEnvironment: pythonEnvironment(environment) }
      : {};
    const roots = specs.map((spec) => {
      if (!spec.startsWith('npm:') && !spec.startsWith('pypi:') && !spec.startsWith('pkg:')) {
        throw new InvalidInputError(
          `"${spec.slice(0, 100)}": the API takes npm:<name>[@range], pypi:<name>[@version] or package URL specs`,
        );
      }
      return parseRootSpec(spec, '/');
    });
    const running = [...this.jobs.values()].filter((j) => !j.finished).length;
    if (running >= MAX_RUNNING) {
      throw new InvalidInputError(`${running} ingests are running already; wait for one to finish`);
    }
    let upload: string | undefined;
    // Readers name the files they read; an uploaded file is named as the client named it.
    const hideUpload = (message: string): string =>
      upload === undefined ? message : message.replaceAll(`${upload}${path.sep}`, '');
    if (lockfile !== undefined) {
      if (!isRootFileName(lockfile.name))
        throw new InvalidInputError(
          `an uploaded file is a lockfile (${[...LOCKFILE_NAMES, ...PYTHON_LOCKFILES].join(', ')}), a requirements file or a CycloneDX or SPDX JSON SBOM`,
        );
      const project = lockfile.project ?? 'uploaded';
      if (!PROJECT_NAME.test(project))
        throw new InvalidInputError(`"${project.slice(0, 100)}" is not a project name`);
      // The readers take a path (they look beside it for a manifest): a fresh private folder, named
      // after the project, which is what a project without a name of its own is called.
      upload = fs.mkdtempSync(path.join(os.tmpdir(), 'trustmap-upload-'));
      const folder = path.join(upload, project);
      const file = path.join(folder, lockfile.name);
      try {
        fs.mkdirSync(folder, { mode: 0o700 });
        fs.writeFileSync(file, lockfile.content, { mode: 0o600 });
        // By its name, relative to the folder: messages name the file, not the server's folders.
        const root = parseRootSpec(lockfile.name, folder);
        roots.push(root.kind === 'requirements' ? { ...root, confine: folder } : root);
      } catch (error) {
        fs.rmSync(upload, { recursive: true, force: true });
        throw error;
      }
    }
    const job: IngestJob = {
      id: randomUUID(),
      specs,
      events: [],
      finished: false,
      emitter: new EventEmitter(),
    };
    this.jobs.set(job.id, job);
    this.prune();
    let lastProgress = 0;
    const emit = (event: JobEvent): void => {
      if (event.type === 'progress') {
        // Keep one progress event (the latest) plus the end, not thousands.
        job.events = job.events.filter((e) => e.type !== 'progress');
      }
      job.events.push(event);
      job.emitter.emit('event', event);
    };
    const plan = ingestPlan(
      this.settings,
      { roots, ...python, ...this.stages, score: { cwd: this.cwd } },
      this.logger,
    );
    const run = async (): Promise<JobSummary> => {
      const summary = await runPipeline(plan, openedStore(this.store), {
        stage: (stage) => {
          if (stage === 'score') emit({ type: 'scoring', data: {} });
        },
        roots: (progress) => {
          if (progress.elapsedMs - lastProgress < 200) return;
          lastProgress = progress.elapsedMs;
          emit({ type: 'progress', data: progress });
        },
      });
      if (summary.roots === undefined || summary.score === undefined)
        throw new Error('an API ingest plans its roots and its scores');
      return {
        ...summary.roots,
        ...(summary.repositories === undefined ? {} : { repositories: summary.repositories }),
        ...(summary.advisories === undefined ? {} : { advisories: summary.advisories }),
        scored: describeScores(summary.score).trim(),
      };
    };
    run()
      .finally(() => {
        if (upload !== undefined) fs.rmSync(upload, { recursive: true, force: true });
        this.onFinished();
      })
      .then(
        (summary) => {
          job.finished = true;
          emit({ type: 'done', data: summary });
        },
        (error: unknown) => {
          job.finished = true;
          this.logger.warn({ err: error, job: job.id }, 'an API ingest failed');
          emit({
            type: 'error',
            data: isTrustmapError(error)
              ? { code: error.code, message: hideUpload(error.message) }
              : { code: 'INTERNAL', message: 'the ingest failed; see the server log' },
          });
        },
      );
    return job;
  }

  get(id: string): IngestJob | undefined {
    return this.jobs.get(id);
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((j) => j.finished);
    for (const job of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED)))
      this.jobs.delete(job.id);
  }
}
