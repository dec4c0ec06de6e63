/**
 * Shapes the lower layers define in their own terms (the stores' JSON values and neighbours, an
 * ingest's progress) that the wire then carries as they are. Here, not in wire-types.ts, so that
 * the store and the ingest depend on no HTTP shape; wire-types.ts re-exports them for the client.
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

/** How far an ingest has got (the `progress` events of `POST /api/ingest`). */
export interface Progress {
  fetched: number;
  queued: number;
  resolved: number;
  written: number;
  failures: number;
  elapsedMs: number;
}
