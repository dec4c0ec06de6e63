/** Chokepoint rankings from a score result, shared by the CLI and the API. */
import { InvalidInputError, NotFoundError } from '../errors.js';
import { buildCsr } from './csr.js';
import { findRoot, forwardGraph, pathsFrom, pathTo } from './closure.js';
import type { ScoreResult } from './score.js';

import type { ChokepointRow } from '../wire-types.js';

export type { ChokepointRow };

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

/** Versions with dependents, most fragile first, within a root's closure when one is given. */
export function chokepoints(
  result: ScoreResult,
  options: { root?: string | undefined; limit: number },
): ChokepointRow[] {
  const root = options.root === undefined ? undefined : rootIndex(result.nodes, options.root);
  const parents = root === undefined ? undefined : pathsFrom(forwardGraph(result), root);
  const rows: ChokepointRow[] = [];
  result.nodes.forEach((key, i) => {
    const score = result.versions.get(key);
    if (score === undefined || score.reach === 0) return;
    const path = parents === undefined ? [i] : pathTo(parents, i);
    if (path === undefined) return;
    rows.push({
      key,
      reach: score.reach,
      maintainers: score.maintainers,
      busFactor: score.busFactor,
      busFactorSource: score.busFactorSource,
      ownTrust: round(score.ownTrust),
      trust: round(score.trust),
      fragility: round(score.fragility),
      path: path.map((j) => result.nodes[j] as string),
    });
  });
  rows.sort((a, b) => b.fragility - a.fragility || b.reach - a.reach || a.key.localeCompare(b.key));
  return rows.slice(0, options.limit);
}

export interface CompromiseReport {
  person: string;
  /** Resolved versions the person can publish (as a maintainer or a publisher). */
  publishesInto: string[];
  reaches: number;
  rootsReached: string[];
  /** Every version a malicious publish would reach, with one path from the root when given. */
  reached: { key: string; path: string[] | undefined }[];
}

/** What one compromised account reaches: its versions and everything that depends on them. */
export function compromise(
  result: ScoreResult,
  person: string,
  rootSpec: string | undefined,
): CompromiseReport {
  if (!result.persons.has(person))
    throw new InvalidInputError(`${person} is not a person in the graph`);
  const reversed = buildCsr(result.nodes.length, result.dependencies, true);
  const owned = result.nodes
    .map((key, i) => [key, i] as const)
    .filter(([key]) => result.versions.get(key)?.maintainers.includes(person) === true);
  const hit = new Set<number>(owned.map(([, i]) => i));
  const stack = owned.map(([, i]) => i);
  while (stack.length > 0) {
    const q = stack.pop() as number;
    for (let e = reversed.offsets[q] as number; e < (reversed.offsets[q + 1] as number); e++) {
      const p = reversed.targets[e] as number;
      if (!hit.has(p)) {
        hit.add(p);
        stack.push(p);
      }
    }
  }
  const root = rootSpec === undefined ? undefined : rootIndex(result.nodes, rootSpec);
  const parents = root === undefined ? undefined : pathsFrom(forwardGraph(result), root);
  const reached = [...hit]
    .map((i) => ({
      key: result.nodes[i] as string,
      path:
        parents === undefined
          ? undefined
          : pathTo(parents, i)?.map((j) => result.nodes[j] as string),
    }))
    .filter((r) => parents === undefined || r.path !== undefined)
    .sort((a, b) => a.key.localeCompare(b.key));
  const reachedKeys = new Set(reached.map((r) => r.key));
  return {
    person,
    publishesInto: owned.map(([key]) => key),
    reaches: reached.length,
    rootsReached: result.roots.filter((r) => reachedKeys.has(r)),
    reached,
  };
}
