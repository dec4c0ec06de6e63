/**
 * The graph model of DESIGN.md as data: node labels, relationship types with their endpoint labels,
 * and the score properties the trust engine writes back. Statement names are derived from these,
 * so adding a label or a type means adding its `.cypher` files (a test checks both directions).
 */

export const NODE_LABELS = [
  'Package',
  'Version',
  'Repository',
  'Person',
  'Organisation',
  'Vulnerability',
] as const;
export type NodeLabel = (typeof NODE_LABELS)[number];

export interface RelationshipSpec {
  from: NodeLabel;
  to: NodeLabel;
  /**
   * A relationship property that is part of the relationship's identity: two rows between the same
   * nodes with different values are two relationships (e.g. a dependency declared both as `prod`
   * and as `peer`, or the same range resolved differently under two roots).
   */
  identity?: string;
}

export const RELATIONSHIPS = {
  HAS_VERSION: { from: 'Package', to: 'Version' },
  DEPENDS_ON: { from: 'Version', to: 'Package', identity: 'kind' },
  RESOLVES_TO: { from: 'Version', to: 'Version', identity: 'root' },
  MAINTAINS: { from: 'Person', to: 'Package' },
  PUBLISHED: { from: 'Person', to: 'Version' },
  CONTRIBUTES_TO: { from: 'Person', to: 'Repository' },
  HOSTED_AT: { from: 'Package', to: 'Repository' },
  OWNED_BY: { from: 'Repository', to: 'Organisation' },
  MEMBER_OF: { from: 'Person', to: 'Organisation' },
  IN_SCOPE: { from: 'Package', to: 'Organisation' },
  AFFECTED_BY: { from: 'Version', to: 'Vulnerability' },
  SAME_AS: { from: 'Person', to: 'Person' },
} as const satisfies Record<string, RelationshipSpec>;
export type RelationshipType = keyof typeof RELATIONSHIPS;
export const RELATIONSHIP_TYPES = Object.keys(RELATIONSHIPS) as RelationshipType[];

/** Labels whose nodes the trust engine scores. */
export const SCORED_LABELS = [
  'Package',
  'Version',
  'Repository',
  'Person',
  'Organisation',
] as const satisfies readonly NodeLabel[];
export type ScoredLabel = (typeof SCORED_LABELS)[number];

/** The properties a scoring run owns. A re-score sets every one of them (null removes it). */
export const SCORE_PROPERTIES = [
  'trust',
  'ownTrust',
  'exposure',
  'reach',
  'maintainerReach',
  'busFactor',
  'fragility',
  /** The worst change flag of a version (high, medium, low, info); null without flags. */
  'flagSeverity',
  'explanation',
  'scoredAt',
] as const;
export type ScoreProperty = (typeof SCORE_PROPERTIES)[number];

export function isNodeLabel(value: string): value is NodeLabel {
  return (NODE_LABELS as readonly string[]).includes(value);
}

export function isRelationshipType(value: string): value is RelationshipType {
  return Object.prototype.hasOwnProperty.call(RELATIONSHIPS, value);
}

/** `Package` -> `package`, `HAS_VERSION` -> `has-version`: the file-name form used in cypher/. */
export function kebab(name: string): string {
  return name
    .replace(/_/g, '-')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();
}

export const statementNames = {
  constraint: (label: NodeLabel) => `schema/${kebab(label)}-key`,
  upsertNodes: (label: NodeLabel) => `write/upsert-${kebab(label)}`,
  upsertRelationships: (type: RelationshipType) => `write/upsert-${kebab(type)}`,
  setScores: (label: ScoredLabel) => `write/set-scores-${kebab(label)}`,
  clearScores: (label: ScoredLabel) => `write/clear-scores-${kebab(label)}`,
};

/** Every property name our statements use: the schema the Cypher linter and editor complete from. */
export const PROPERTY_KEYS = [
  'key',
  'stub',
  'kind',
  'root',
  'range',
  'name',
  'missing',
  'maintainersKnown',
  'timesKnown',
  'publisherKnown',
  'publishedAt',
  'project',
  'version',
  'latest',
  'deprecated',
  'verified',
  'url',
  'severity',
  'malicious',
  'provenance',
  'attested',
  'provenanceRepository',
  'provenanceWorkflow',
  'provenanceReason',
  // What verification proved, and what it checked (ingest/provenance-props.ts, provenance-memory.ts).
  'provenanceUnknown',
  'provenanceSource',
  'provenanceCommit',
  'provenanceBuilder',
  'provenanceIssuer',
  'provenanceLogUrl',
  'provenanceAt',
  'provenanceRef',
  'provenancePublisher',
  'provenanceDigest',
  'signed',
  'signedKeyid',
  'signedReason',
  'ingestedRoot',
  'evidence',
  // The lower-cased name and key read/search looks in (written by the node upserts).
  'search',
  ...SCORE_PROPERTIES,
] as const;
