/**
 * Trust of people and organisations (TRUST-MODEL.md 2.2): T = (1 - eta) * L + eta * R. A
 * person's local score is the share of their publishes with provenance; 2FA, account age and
 * incidents are not known from the registries and are imputed. An organisation's local score is
 * imputed.
 */
import { append } from '../core/collections.js';
import type { ReputationView } from './anchored-reputation.js';
import type { TrustGraph } from './load.js';
import { TRUST_PARAMS } from './params.js';
import type { OrganisationScore, PersonScore } from './score-types.js';

export interface PeopleScores {
  /** Every person scored so far, the graph's people first (reach and fragility filled later). */
  persons: Map<string, PersonScore>;
  /** The trust of a person, scoring them on first use (a publisher not among the graph's people). */
  trustOf: (key: string) => number;
}

/** Scores the graph's people; others are scored when `trustOf` first meets them. */
export function scorePeople(graph: TrustGraph, reputation: ReputationView): PeopleScores {
  const params = TRUST_PARAMS;
  const published = new Map<string, string[]>();
  for (const [version, people] of graph.publishers)
    for (const person of people) append(published, person, version);
  const persons = new Map<string, PersonScore>();
  const trustOf = (key: string): number => {
    const known = persons.get(key);
    if (known !== undefined) return known.trust;
    const theirs = published.get(key) ?? [];
    const withProvenance = theirs.filter((v) => graph.versions.get(v)?.provenance === true).length;
    const signals = [
      theirs.length === 0 ? params.imputed : withProvenance / theirs.length,
      params.imputed,
      params.imputed,
      params.imputed,
    ];
    const local = signals.reduce((a, b) => a + b, 0) / signals.length;
    const rep = reputation.reputationOf(key);
    const score: PersonScore = {
      key,
      local,
      reputation: rep,
      trust: (1 - params.eta) * local + params.eta * rep,
      maintainerReach: 0,
      soleMaintainerReach: 0,
      fragility: 0,
      anchorShares: reputation.sharesOf(key),
      walk: reputation.walkTo(key),
    };
    persons.set(key, score);
    return score.trust;
  };
  for (const person of graph.persons) trustOf(person);
  return { persons, trustOf };
}

/** Scores every organisation of the graph from its reputation. */
export function scoreOrganisations(
  graph: TrustGraph,
  reputation: ReputationView,
): Map<string, OrganisationScore> {
  const params = TRUST_PARAMS;
  const organisations = new Map<string, OrganisationScore>();
  for (const key of graph.organisations.keys()) {
    const rep = reputation.reputationOf(key);
    organisations.set(key, {
      key,
      reputation: rep,
      trust: (1 - params.eta) * params.imputed + params.eta * rep,
      anchorShares: reputation.sharesOf(key),
      walk: reputation.walkTo(key),
    });
  }
  return organisations;
}
