/**
 * Messages between the embedded store (in the trustmap process) and its host process, which owns
 * the Grafeo database. The host exists so that a runaway query can be stopped: Grafeo has no query
 * timeout, and a query running inside Grafeo cannot be cancelled, but its process can be killed.
 */
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
  | { op: 'query'; statement: string; params: Record<string, JsonValue>; rowLimit: number }
  | { op: 'scanNodes'; fromId: number; maxId: number; limit: number; labels: string[] | null }
  | { op: 'scanEdges'; fromId: number; maxId: number; limit: number; types: string[] | null };

export interface StatementResult {
  columns: string[];
  rows: Record<string, JsonValue>[];
  truncated: boolean;
  counters: Counters;
}

export interface ScanResult<T> {
  items: T[];
  /** The id to continue from. */
  nextId: number;
}

export interface SerializedError {
  name: string;
  code: string;
  message: string;
  retriable: boolean;
}

/** Parent -> host. */
export type ToHost = { id: number; request: HostRequest } | { id: 0; close: true };

/** Host -> parent. */
export type FromHost =
  | { type: 'ready' }
  | { type: 'fatal'; error: SerializedError }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; error: SerializedError };
