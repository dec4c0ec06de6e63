/**
 * Trust of people and organisations. A person's local score L is their record up to the instant
 * (TRUST-MODEL.md 6.3, `person-record.ts`): tenure, active years, releases, packages, provenance
 * adoption; unknown (imputed 0.5, coverage 0) when the graph shows no dated release of theirs.
 * Reputation from anchors is the personal layer on top: T = L + eta * R * (1 - L), so an anchor
 * path lifts trust and its absence lowers nothing (a decade-old maintainer nobody anchored is
 * trusted by their record). An organisation's local score is imputed: T = (1 - eta) * 0.5 + eta * R.
 */
import type { ReputationView } from './anchored-reputation.js';
import type { TrustGraph } from './load.js';
import { personRecords, recordScore } from './person-record.js';
import { TRUST_PARAMS } from './params.js';
import type { OrganisationScore, PersonScore } from './score-types.js';

export interface PeopleScores {
  /** Every person scored so far, the graph's people first (reach and fragility filled later). */
  persons: Map<string, PersonScore>;
  /** The trust of a person, scoring them on first use (a publisher not among the graph's people). */
  trustOf: (key: string) => number;
}

/** Scores the graph's people; others are scored when `trustOf` first meets them. */
export function scorePeople(
  graph: TrustGraph,
  reputation: ReputationView,
  asOf: Date,
): PeopleScores {
  const params = TRUST_PARAMS;
  const records = personRecords(graph, asOf);
  const persons = new Map<string, PersonScore>();
  const trustOf = (key: string): number => {
    const known = persons.get(key);
    if (known !== undefined) return known.trust;
    const record = recordScore(records.get(key), asOf);
    const local = record.value ?? params.imputed;
    const rep = reputation.reputationOf(key);
    const score: PersonScore = {
      key,
      local,
      record: {
        known: record.value !== undefined,
        tenureYears: record.tenureYears,
        ...record.record,
      },
      reputation: rep,
      trust: local + params.eta * rep * (1 - local),
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
