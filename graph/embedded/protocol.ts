/**
 * Messages between the embedded store (in the trustmap process) and its two kinds of host process:
 * the host that owns the Grafeo database (./host.ts: our own reads and writes) and the query host
 * (./query-host.ts: users' queries, over a read-only copy). Hosts exist so that a runaway query
 * can be stopped: Grafeo has no query timeout or memory cap, and a query running inside Grafeo
 * cannot be cancelled, but its process can be killed.
 */
import type { ErrorData } from '../../core/errors.js';
import type { JsonValue } from '../values.js';

export interface Counters {
  nodesCreated: number;
  nodesDeleted: number;
  edgesCreated: number;
  edgesDeleted: number;
  propertiesSet: number;
  labelsAdded: number;
  labelsRemoved: number;
}

export type HostRequest =
  | { op: 'write'; statement: string; params: Record<string, JsonValue> }
  | { op: 'read'; statement: string; params: Record<string, JsonValue> }
  | { op: 'snapshot'; dir: string }
  | { op: 'scanNodes'; fromId: number; maxId: number; limit: number; labels: string[] | null }
  | { op: 'scanEdges'; fromId: number; maxId: number; limit: number; types: string[] | null };

export interface StatementResult {
  columns: string[];
  rows: Record<string, JsonValue>[];
  truncated: boolean;
  counters: Counters;
}

/**
 * What one of our own reads answers: each row as its values in the columns' order. A row as an
 * object would send every column's name again with each row, and the host would build the object
 * only to have it copied: the graph cut reads 39,092 versions of seven columns for a 50k view.
 */
export interface ReadResult {
  columns: string[];
  values: JsonValue[][];
}

export interface ScanResult<T> {
  items: T[];
  /** The id to continue from. */
  nextId: number;
}

/** An error on the wire: rebuilt as its own class by the parent (errors.ts `errorFromData`). */
export type SerializedError = ErrorData;

/** A read-only copy of the database, written by the host for the query host. */
export interface Snapshot {
  path: string;
  /** Grafeo's epoch when it was written, for diagnostics. */
  epoch: string;
}

/** The query host's exit code when a query grew it past its memory limit. */
export const TOO_LARGE_EXIT_CODE = 75;

/** Parent -> query host. */
export interface QueryRequest {
  op: 'query';
  statement: string;
  params: Record<string, JsonValue>;
  rowLimit: number;
}

/** The statements the query host reads the schema with, before and after each query. */
export interface SchemaStatements {
  indexes: string;
  constraints: string;
}

/** Parent -> host. */
export type ToHost = { id: number; request: HostRequest } | { id: 0; close: true };

export type ToQueryHost = { id: number; request: QueryRequest } | { id: 0; close: true };

/** Host -> parent. */
export type FromHost =
  | { type: 'ready' }
  | { type: 'fatal'; error: SerializedError }
  | { type: 'result'; id: number; value: unknown }
  /** `discard`: the query host's copy is not to be used again (the query changed its schema). */
  | { type: 'error'; id: number; error: SerializedError; discard?: true }
  /** Query host only: it grew past its memory limit and is exiting. */
  | { type: 'too-large'; rssMb: number };
