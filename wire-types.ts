/**
 * The shapes that cross the wire between the server and the browser explorer, declared once for
 * both. No imports: the client's build (DOM, no Node) type-checks this file as it is.
 */

/** A value as JSON has it: what the stores return and what the API sends. */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A node one relationship away from another (`GET /api/nodes/:key`). */
export interface Neighbour {
  type: string;
  /** True when the relationship points from the node asked about to this neighbour. */
  outgoing: boolean;
  key: string;
  labels: string[];
  /** The neighbour's name, when it has one (a git author's, whose key is a hash). */
  name: string | null;
  /** The relationship's properties (commits of a contribution, evidence of a SAME_AS, ...). */
  properties: Record<string, JsonValue>;
}

/** One chokepoint of a ranking (`GET /api/chokepoints`, `trustmap chokepoints --json`). */
export interface ChokepointRow {
  key: string;
  reach: number;
  maintainers: string[];
  busFactor: number;
  busFactorSource: string;
  ownTrust: number;
  trust: number;
  fragility: number;
  /** One dependency path from the root (or just the node, without a root). */
  path: string[];
}

/** How far an ingest has got (the `progress` events of `POST /api/ingest`). */
export interface Progress {
  fetched: number;
  queued: number;
  resolved: number;
  written: number;
  failures: number;
  elapsedMs: number;
}

/** A root's supply chain in graphology's serialization format (`GET /api/graph`). */
export interface SerializedGraph {
  attributes: { root: string; truncated: boolean };
  options: { type: 'directed'; multi: true; allowSelfLoops: false };
  nodes: { key: string; attributes: Record<string, string | number | boolean | null> }[];
  edges: { key: string; source: string; target: string; attributes: { type: string } }[];
}
