/**
 * Own trust of a version (TRUST-MODEL.md 2.3): O = (1 - gamma) * L + gamma * S, where L is its
 * local score and S the lowest trust among the people who can publish it (its publishers and
 * its package's maintainers; imputed when there are none). A project's own versions are
 * trusted (O = 1). Also the bus factor used for fragility: the repository history's, else the
 * number of people who can publish, else unknown.
 */
import type { TrustGraph } from './load.js';
import { localScore } from './local.js';
import { TRUST_PARAMS } from './params.js';
import type { ReleaseHistory } from './release-history.js';
import type { OwnVersionScore } from './score-types.js';
import { FLAG_PARAMS } from './flag-params.js';
import type { GraphFlags } from './graph-flags.js';
import { flagFactor } from './version-flags.js';
import { versionSignals } from './version-signals.js';

export interface OwnTrust {
  scores: Map<string, OwnVersionScore>;
  /** Own risk 1 - O by node index, what propagation starts from. */
  r0: Float64Array;
}

/** The people who can publish a version: its publishers, then its package's maintainers. */
export function publishersOf(graph: TrustGraph, key: string): string[] {
  const pkg = graph.packageOf.get(key);
  return [
    ...new Set([
      ...(graph.publishers.get(key) ?? []),
      ...(pkg === undefined ? [] : (graph.maintainers.get(pkg) ?? [])),
    ]),
  ];
}

/** Local score, publishers' trust, own trust and bus factor of every resolved version. */
export function scoreOwnTrust(
  graph: TrustGraph,
  nodes: string[],
  history: ReleaseHistory,
  trustOf: (person: string) => number,
  now: Date,
  graphFlags: GraphFlags = new Map(),
): OwnTrust {
  const params = TRUST_PARAMS;
  const r0 = new Float64Array(nodes.length);
  const scores = new Map<string, OwnVersionScore>();
  for (let i = 0; i < nodes.length; i++) {
    const key = nodes[i] as string;
    const pkg = graph.packageOf.get(key);
    const local = localScore(versionSignals(graph, key, history, now));
    const people = publishersOf(graph, key);
    let publishersTrust: number = params.imputed;
    let limitingPublisher: string | undefined;
    for (const person of people) {
      const t = trustOf(person);
      if (limitingPublisher === undefined || t < publishersTrust) {
        publishersTrust = t;
        limitingPublisher = person;
      }
    }
    // A high flag halves own trust whatever the base (TRUST-MODEL.md 6.4); a project is ours.
    const flags = [...(graphFlags.get(key) ?? [])].sort(
      (a, b) => FLAG_PARAMS.rank[b.severity] - FLAG_PARAMS.rank[a.severity],
    );
    const project = graph.versions.get(key)?.project === true;
    const factor = project ? 1 : flagFactor(flags);
    const ownTrust = project
      ? 1
      : ((1 - params.gamma) * local.value + params.gamma * publishersTrust) * factor;
    r0[i] = 1 - ownTrust;
    // TRUST-MODEL.md: the repository's history first (people making half of the last year's
    // commits), else who can publish, else unknown.
    const repository = pkg === undefined ? undefined : graph.hostedAt.get(pkg);
    const fromHistory =
      repository === undefined ? undefined : graph.repositories.get(repository)?.busFactor;
    const busFactor = fromHistory ?? people.length;
    scores.set(key, {
      key,
      local,
      publishersTrust,
      limitingPublisher,
      ownTrust,
      busFactor: Math.max(1, busFactor),
      busFactorSource:
        fromHistory !== undefined
          ? 'contributors'
          : busFactor > 0
            ? 'publishers and maintainers'
            : 'unknown',
      maintainers: pkg === undefined ? [] : (graph.maintainers.get(pkg) ?? []),
      flags,
      flagFactor: factor,
    });
  }
  return { scores, r0 };
}
