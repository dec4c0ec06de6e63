/**
 * The one interface every part of trustmap uses to read and write the graph, in domain terms.
 * Two backends implement it (graph/embedded, graph/neo4j) and one contract suite
 * (tests/contract) runs against both. Everything that crosses it is plain JSON.
 */
import type { StoreKind } from './cypher-loader.js';
import type { NodeLabel, RelationshipType, ScoredLabel } from './model.js';
import type { JsonValue } from './values.js';
import type { Neighbour } from '../shared/domain.js';

/** A property value the stores keep: scalars and homogeneous lists of scalars. */
export type PropertyValue = string | number | boolean | null | string[] | number[] | boolean[];
export type Properties = Readonly<Record<string, PropertyValue>>;

export interface NodeRow {
  key: string;
  props: Properties;
}

export interface RelationshipRow {
  from: string;
  to: string;
  props: Properties;
}

export interface ScoreRow {
  key: string;
  /** Every score property of graph/model.ts SCORE_PROPERTIES; null for one that does not apply. */
  scores: Properties;
}

export interface WriteSummary {
  /** Rows written (merged). */
  rows: number;
  nodesCreated: number;
  relationshipsCreated: number;
}

export type Row = Record<string, JsonValue>;

export interface QueryOptions {
  /** At most this many rows come back; `truncated` says whether there were more. */
  rowLimit: number;
  /** The query is stopped after this many milliseconds with a `QueryTimeoutError`. */
  timeoutMs: number;
}

export interface QueryResult {
  columns: string[];
  rows: Row[];
  truncated: boolean;
  elapsedMs: number;
}

export interface GraphFilter {
  /** Node labels to stream (default: all). A relationship is streamed when its type is wanted. */
  labels?: readonly NodeLabel[];
  /** Relationship types to stream (default: all). */
  types?: readonly RelationshipType[];
  /** Rows per batch (default 5000). */
  batchSize?: number;
}

export interface StreamedNode {
  key: string;
  labels: string[];
  properties: Record<string, JsonValue>;
}

export type { Neighbour };

export interface StreamedRelationship {
  type: string;
  from: string;
  to: string;
  properties: Record<string, JsonValue>;
}

/** A part of the graph: nodes come first, then relationships, each in batches. */
export type GraphBatch =
  | { kind: 'nodes'; nodes: StreamedNode[] }
  | { kind: 'relationships'; relationships: StreamedRelationship[] };

/** A node that `search` found (`cypher/read/search.cypher`). */
export interface SearchHit {
  key: string;
  /** Package, Person, Organisation or Repository. */
  label: string;
  /** The node's name, or its key when it has none. */
  name: string;
  /** The stored trust score; null before a scoring run has reached the node. */
  trust: number | null;
}

/** How many relationships of one type a node has, in each direction. */
export interface DirectionCounts {
  outgoing: number;
  incoming: number;
}

/**
 * How much of what the trust model needs is known (`cypher/read/package-coverage.cypher`,
 * `version-coverage.cypher`): over the packages fetched from a registry (not stubs, not missing)
 * and their registry versions (projects read from lockfiles left out).
 */
export interface GraphCoverage {
  packages: number;
  /** Packages whose maintainers the registry told us. */
  maintainersKnown: number;
  /** Packages whose release times the registry told us. */
  timesKnown: number;
  versions: number;
  /** Versions whose publisher is known. */
  publishersKnown: number;
}

export interface GraphCounts {
  nodes: Record<string, number>;
  relationships: Record<string, number>;
}

export interface GraphStore {
  readonly kind: StoreKind;
  /** Where the data lives, for people: a file path or a Neo4j URI (without credentials). */
  readonly location: string;

  /** Creates the constraints and indexes of cypher/schema; safe to run again. */
  applySchema(): Promise<void>;

  /** Merges nodes of one label by key, in batches, each batch in one transaction. */
  upsertNodes(label: NodeLabel, rows: readonly NodeRow[]): Promise<WriteSummary>;

  /**
   * Merges relationships of one type between keys, in batches. An endpoint key that has no node yet
   * gets a stub node (`{key, stub: true}`) of the type's endpoint label, which a later node upsert
   * fills in; relationships are never dropped for want of an endpoint.
   */
  upsertRelationships(
    type: RelationshipType,
    rows: readonly RelationshipRow[],
  ): Promise<WriteSummary>;

  /**
   * Runs the named read statement `read/<name>` (or another folder's, e.g. `investigations/x`) and
   * returns its untyped rows: for the saved investigations and generic uses. The graph's own
   * questions have typed methods below (node, neighbours, search, neighbourCounts, coverage).
   */
  read(name: string, params?: Readonly<Record<string, JsonValue>>): Promise<Row[]>;

  /**
   * As `read`, each row handed to `each` in order as it comes: on Neo4j while the statement still
   * runs, so that the caller works on the first rows while the database makes the rest. Resolves
   * once every row is handed over; rejects, with no row handed over after, when the statement
   * fails or `each` throws.
   */
  readEach(
    name: string,
    params: Readonly<Record<string, JsonValue>>,
    each: (row: Row) => void,
  ): Promise<void>;

  /** One node by key, or undefined. */
  node(key: string): Promise<StreamedNode | undefined>;

  /**
   * The nodes one relationship away from `key`, in both directions, sorted by type, direction and
   * key: at most `limit` of each type and direction.
   */
  neighbours(key: string, limit: number): Promise<Neighbour[]>;

  /**
   * Runs a user's Cypher read-only, with parameters, a row limit and a time limit. A query that
   * would write is rejected (`ReadOnlyViolationError`) and leaves the graph unchanged; one that runs
   * past the limit is stopped (`QueryTimeoutError`) and the store keeps answering.
   */
  query(
    cypher: string,
    params: Readonly<Record<string, JsonValue>>,
    options: QueryOptions,
  ): Promise<QueryResult>;

  /** Streams the graph, or the part `filter` selects, in batches. */
  stream(filter?: GraphFilter): AsyncIterable<GraphBatch>;

  /** Writes a scoring run's properties in batches; returns how many nodes were found. */
  writeScores(label: ScoredLabel, rows: readonly ScoreRow[]): Promise<number>;

  /** Removes the scores of nodes the run stamped `scoredAt` did not score; returns how many. */
  clearScores(label: ScoredLabel, scoredAt: string): Promise<number>;

  counts(): Promise<GraphCounts>;

  /**
   * Packages, people, organisations and repositories (not stubs) whose key or name contains `phrase`,
   * whatever the case: names starting with it first, then shorter names; at most `limit`.
   */
  search(phrase: string, limit: number): Promise<SearchHit[]>;

  /**
   * How many relationships the node with `key` has, by type (in type order) and direction; a type
   * it has none of is absent, and an unknown key has none.
   */
  neighbourCounts(key: string): Promise<Record<string, DirectionCounts>>;

  /** How much of what the trust model needs is known, over the whole graph. */
  coverage(): Promise<GraphCoverage>;

  close(): Promise<void>;
}
