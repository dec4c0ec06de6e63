/**
 * What `check` and `diff` share: the roots ingested and scored into a scratch embedded store of
 * their own (so the tree read back is exactly this run's, whatever the configured store holds
 * from earlier runs of the same project), or read from the configured store (`--reuse`), and
 * each root's tree read back with the file it came from.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../core/config.js';
import { InvalidInputError } from '../core/errors.js';
import { createLogger } from '../core/log.js';
import { readTree, type Tree } from '../gate/tree.js';
import { EmbeddedStore } from '../graph/embedded/embedded-store.js';
import type { GraphStore } from '../graph/store.js';
import { readLockfile } from '../ingest/roots/read-lockfile.js';
import { projectKey } from '../ingest/roots/project-key.js';
import { parseRootSpec, type RootSpec } from '../ingest/spec.js';
import { ingestPlan } from '../pipeline/plan.js';
import { loadTrustGraph } from '../trust/load.js';
import { findRoot } from '../trust/closure.js';
import type { CommandContext } from './context.js';
import { ingestOptions } from './ingest-command.js';
import { runWithProgress } from './stage-output.js';

export interface GateRunOptions {
  asOf?: Date;
  registry?: string;
  repos?: boolean;
  advisories?: boolean;
  dev?: boolean;
  json?: boolean;
}

export interface GateRoot {
  spec: RootSpec;
  tree: Tree;
  /** The root's file, when it is one (a lockfile, SBOM or requirements file). */
  file: string | undefined;
}

/** Runs `work` on a fresh embedded store in a temporary folder, removed afterwards. */
export async function withScratchStore<T>(
  settings: Config,
  work: (store: GraphStore) => Promise<T>,
): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trustmap-gate-'));
  try {
    const store = await EmbeddedStore.open(path.join(dir, 'graph.grafeo'), {
      transactionRows: settings.transactionRows,
      queryMemoryMb: settings.queryMemoryMb,
    });
    try {
      return await work(store);
    } finally {
      await store.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const fileOf = (spec: RootSpec): string | undefined => ('path' in spec ? spec.path : undefined);

/** Ingests and scores `specs` into `store`, then reads each root's tree. */
export async function ingestTrees(
  context: CommandContext,
  settings: Config,
  store: GraphStore,
  specs: readonly string[],
  options: GateRunOptions,
): Promise<GateRoot[]> {
  const logger = createLogger(settings.logLevel);
  const ingest = ingestOptions(context, settings, [...specs], {
    repos: options.repos !== false,
    advisories: options.advisories !== false,
    dev: options.dev === true,
    ...(options.registry === undefined ? {} : { registry: options.registry }),
    ...(options.asOf === undefined ? {} : { asOf: options.asOf }),
  });
  const plan = ingestPlan(settings, { ...ingest, score: { cwd: context.io.cwd } }, logger);
  const summary = await runWithProgress(
    plan,
    { get: () => Promise.resolve(store) },
    options.json === true,
  );
  const roots = summary.roots;
  if (roots === undefined) throw new Error('a gate plans its roots');
  const failed = roots.failures.filter((f) => !f.optional);
  if (failed.length > 0)
    throw new InvalidInputError(
      `the tree cannot be evaluated: ${failed
        .slice(0, 5)
        .map((f) => `${f.name}@${f.spec}: ${f.reason}`)
        .join('; ')}${failed.length > 5 ? ` and ${String(failed.length - 5)} more` : ''}`,
    );
  const graph = await loadTrustGraph(store);
  return Promise.all(
    ingest.roots.map(async (spec) => {
      const resolved = roots.roots.find((r) => r.spec === spec.input)?.resolved ?? null;
      if (resolved === null) throw new InvalidInputError(`${spec.input} did not resolve`);
      return { spec, tree: await readTree(store, resolved, graph), file: fileOf(spec) };
    }),
  );
}

/** The key a root was ingested as: a lockfile's or SBOM's project, or the spec itself. */
function reusedKey(input: string, cwd: string, keys: readonly string[]): string | undefined {
  const spec = parseRootSpec(input, cwd);
  if (spec.kind === 'lockfile') {
    const key = projectKey(readLockfile(spec.path), spec.path);
    return keys.includes(key) ? key : undefined;
  }
  if (spec.kind !== 'npm') return undefined;
  const index = findRoot(keys, input);
  return index === undefined ? undefined : keys[index];
}

/**
 * Reads the trees of `specs` from a store that already holds them, ingested as roots and scored
 * (`--reuse`): lockfile or SBOM paths, version keys or npm specs. A tree with versions the last
 * scoring run did not score is refused: unscored, every rule would pass it.
 */
export async function storedTrees(
  store: GraphStore,
  specs: readonly string[],
  cwd: string,
): Promise<GateRoot[]> {
  const graph = await loadTrustGraph(store);
  const keys = [...graph.versions.keys()];
  const roots = new Set([...graph.resolves.values()].flatMap(({ roots: r }) => [...r]));
  return Promise.all(
    specs.map(async (input) => {
      const key = reusedKey(input, cwd, keys);
      if (key === undefined || !(roots.has(key) || graph.versions.get(key)?.project === true))
        throw new InvalidInputError(
          `${input} is not a root in the store: ingest it (or run without --reuse)`,
        );
      const tree = await readTree(store, key, graph);
      const unscored = [...tree.versions.values()].filter(
        (v) => !v.project && v.trust === undefined,
      );
      if (tree.asOf === undefined || unscored.length > 0)
        throw new InvalidInputError(
          `${String(unscored.length || tree.versions.size)} versions of ${input} are not scored: run "trustmap score" first (or run without --reuse)`,
        );
      const spec = parseRootSpec(input, cwd);
      return { spec, tree, file: fileOf(spec) };
    }),
  );
}
