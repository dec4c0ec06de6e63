/**
 * Chokepoint rankings and what-if answers from the stored scores (trust/stored-scores.ts), shared
 * by the CLI and the API, each saying which scoring run and anchors its numbers come from.
 * Both are bounded: one shortest path per row, cut at `limits.pathHops`, and at most
 * `limits.rows` rows in at most `limits.bytes` bytes of JSON; the answer says what was cut.
 */
import { ByteBudget } from '../core/answer-budget.js';
import type { Config } from '../core/config.js';
import { InvalidInputError, NotFoundError } from '../core/errors.js';
import { buildCsr } from './csr.js';
import { boundedPathTo, findRoot, forwardGraph, shortestPaths, type PathTree } from './closure.js';
import type { ScoredGraph, StoredFlags } from './stored-scores.js';

import type {
  AnswerLimits,
  BoundedPath,
  ChokepointRow,
  ChokepointsAnswer,
  ReachedVersion,
  WhatIfAnswer,
} from '../shared/wire-types.js';

export type { AnswerLimits, ChokepointRow, ChokepointsAnswer, ReachedVersion, WhatIfAnswer };

/** The caps of an answer of `rows` rows under the configured path and size caps. */
export function answerLimits(
  config: Pick<Config, 'pathHopLimit' | 'answerLimitKb'>,
  rows: number,
): AnswerLimits {
  return { rows, pathHops: config.pathHopLimit, bytes: config.answerLimitKb * 1024 };
}

/** The index in `nodes` (resolved version keys) of a root spec; NotFoundError when not ingested. */
export function rootIndex(nodes: readonly string[], spec: string): number {
  const root = findRoot(nodes, spec);
  if (root === undefined)
    throw new NotFoundError(
      `${spec} is not in the scored graph: ingest it first (trustmap ingest ${spec})`,
    );
  return root;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

function keyedPath(
  result: ScoredGraph,
  tree: PathTree,
  node: number,
  maxHops: number,
): BoundedPath | undefined {
  const bounded = boundedPathTo(tree, node, maxHops);
  if (bounded === undefined) return undefined;
  return { ...bounded, path: bounded.path.map((j) => result.nodes[j] as string) };
}

/** Reads the stored flags of the flagged versions among `keys` (trust/stored-scores.ts). */
export type FlagReader = (keys: readonly string[]) => Promise<ReadonlyMap<string, StoredFlags>>;

/**
 * Versions with dependents, most fragile first, within a root's closure when one is given; each
 * row carries its version's stored change flags, read for the listed rows only.
 */
export async function chokepoints(
  result: ScoredGraph,
  options: { root?: string | undefined; limits: AnswerLimits; flagsOf: FlagReader },
): Promise<ChokepointsAnswer> {
  const { limits } = options;
  const root = options.root === undefined ? undefined : rootIndex(result.nodes, options.root);
  const tree = root === undefined ? undefined : shortestPaths(forwardGraph(result), [root]);
  const ranked: number[] = [];
  result.nodes.forEach((key, i) => {
    const score = result.versions.get(key);
    if (score === undefined || score.reach === 0) return;
    if (tree !== undefined && (tree.hops[i] as number) < 0) return;
    ranked.push(i);
  });
  const scoreOf = (i: number) => result.versions.get(result.nodes[i] as string);
  ranked.sort((a, b) => {
    const sa = scoreOf(a);
    const sb = scoreOf(b);
    return (
      round(sb?.fragility ?? 0) - round(sa?.fragility ?? 0) ||
      (sb?.reach ?? 0) - (sa?.reach ?? 0) ||
      (result.nodes[a] as string).localeCompare(result.nodes[b] as string)
    );
  });
  const answer: ChokepointsAnswer = {
    root: options.root ?? null,
    chokepoints: [],
    total: ranked.length,
    truncated: false,
    limits,
    scoring: result.scoring,
  };
  const budget = new ByteBudget(limits.bytes, answer);
  let pathCut = false;
  const listed = ranked.slice(0, limits.rows);
  const flags = await options.flagsOf(listed.map((i) => result.nodes[i] as string));
  for (const i of listed) {
    const key = result.nodes[i] as string;
    const score = result.versions.get(key);
    if (score === undefined) continue;
    const path =
      tree === undefined
        ? { path: [key], hops: 0, pathTruncated: false }
        : (keyedPath(result, tree, i, limits.pathHops) as BoundedPath);
    const row: ChokepointRow = {
      key,
      reach: score.reach,
      maintainers: score.maintainers,
      busFactor: score.busFactor,
      busFactorSource: score.busFactorSource,
      ownTrust: round(score.ownTrust),
      trust: round(score.trust),
      fragility: round(score.fragility),
      ...path,
      flags: flags.get(key)?.flags ?? [],
      flagSeverity: flags.get(key)?.flagSeverity ?? null,
    };
    if (!budget.take(row)) break;
    answer.chokepoints.push(row);
    pathCut ||= path.pathTruncated;
  }
  answer.truncated = pathCut || answer.chokepoints.length < ranked.length;
  return answer;
}

/**
 * What one compromised account reaches: the versions it can publish and everything that depends
 * on them, each with its shortest path (from the root when one is given, else from the nearest
 * version the person publishes), sorted by key.
 */
export function compromise(
  result: ScoredGraph,
  person: string,
  options: { root?: string | undefined; limits: AnswerLimits },
): WhatIfAnswer {
  const { limits } = options;
  if (!result.persons.has(person))
    throw new InvalidInputError(`${person} is not a person in the graph`);
  const owned: number[] = [];
  result.nodes.forEach((key, i) => {
    if (result.versions.get(key)?.maintainers.includes(person) === true) owned.push(i);
  });
  // Spreading from the person's versions to their dependents: the reached set, with the shortest
  // way a publish gets to each (the tree's paths run from a published version to a dependent).
  const spread = shortestPaths(buildCsr(result.nodes.length, result.dependencies, true), owned);
  const root = options.root === undefined ? undefined : rootIndex(result.nodes, options.root);
  const fromRoot = root === undefined ? undefined : shortestPaths(forwardGraph(result), [root]);
  const tree = fromRoot ?? spread;
  const reached: number[] = [];
  for (let i = 0; i < result.nodes.length; i++) {
    if ((spread.hops[i] as number) < 0) continue;
    if (fromRoot !== undefined && (fromRoot.hops[i] as number) < 0) continue;
    reached.push(i);
  }
  reached.sort((a, b) => (result.nodes[a] as string).localeCompare(result.nodes[b] as string));
  const reachedKeys = new Set(reached.map((i) => result.nodes[i] as string));
  const rootsReached = result.roots.filter((r) => reachedKeys.has(r));
  const publishesInto = owned.map((i) => result.nodes[i] as string);

  const answer: WhatIfAnswer = {
    person,
    publishesInto: [],
    publishes: publishesInto.length,
    reaches: reached.length,
    rootsReached: [],
    reached: [],
    truncated: false,
    limits,
    scoring: result.scoring,
  };
  const budget = new ByteBudget(limits.bytes, answer);
  answer.publishesInto = budget.takeAll(publishesInto.slice(0, limits.rows));
  answer.rootsReached = budget.takeAll(rootsReached.slice(0, limits.rows));
  let pathCut = false;
  for (const i of reached.slice(0, limits.rows)) {
    const row: ReachedVersion = {
      key: result.nodes[i] as string,
      ...(keyedPath(result, tree, i, limits.pathHops) as BoundedPath),
    };
    if (!budget.take(row)) break;
    answer.reached.push(row);
    pathCut ||= row.pathTruncated;
  }
  answer.truncated =
    pathCut ||
    answer.reached.length < reached.length ||
    answer.publishesInto.length < publishesInto.length ||
    answer.rootsReached.length < rootsReached.length;
  return answer;
}
