/**
 * Plain JSON at the store boundary: the shape every value has after it leaves a backend, the
 * conversion of Grafeo's values into it, and the checks rows pass before they reach a store.
 */
import { InvalidInputError } from '../core/errors.js';
import type {
  NodeRow,
  Properties,
  PropertyValue,
  RelationshipRow,
  ScoreRow,
  StreamedNode,
  StreamedRelationship,
} from './store.js';

import type { JsonValue } from '../shared/domain.js';

export type { JsonValue };

/** How a node, a relationship and a path look in query results, whichever store answered. */
export interface JsonNode {
  [key: string]: JsonValue;
  kind: 'node';
  id: string;
  labels: string[];
  properties: { [key: string]: JsonValue };
}
export interface JsonRelationship {
  [key: string]: JsonValue;
  kind: 'relationship';
  id: string;
  type: string;
  start: string;
  end: string;
  properties: { [key: string]: JsonValue };
}
export interface JsonPath {
  [key: string]: JsonValue;
  kind: 'path';
  nodes: JsonNode[];
  relationships: JsonRelationship[];
}

/** A JSON value as text: strings as they are, anything else as JSON. */
export function text(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A number past 2^53 cannot be a JSON number without losing digits: it becomes a string. */
export function integerToJson(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value.toString();
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A fresh object without a prototype, so keys such as `__proto__` are plain data. */
export function emptyRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

function propertiesOf(record: Record<string, unknown>): { [key: string]: JsonValue } {
  const properties = emptyRecord<JsonValue>();
  for (const [name, value] of Object.entries(record)) {
    if (!name.startsWith('_')) properties[name] = grafeoToJson(value);
  }
  return properties;
}

function grafeoNode(record: Record<string, unknown>): JsonNode {
  return {
    kind: 'node',
    id: String(record._id),
    labels: Array.isArray(record._labels) ? record._labels.map(String) : [],
    properties: propertiesOf(record),
  };
}

function grafeoRelationship(record: Record<string, unknown>): JsonRelationship {
  return {
    kind: 'relationship',
    id: String(record._id),
    type: String(record._type),
    start: String(record._source),
    end: String(record._target),
    properties: propertiesOf(record),
  };
}

// Plain booleans, not type guards: a failed guard would narrow a record to `never`.
const isGrafeoNode = (v: unknown): boolean => isRecord(v) && '_id' in v && '_labels' in v;
const isGrafeoRelationship = (v: unknown): boolean =>
  isRecord(v) && '_id' in v && '_type' in v && '_source' in v && '_target' in v;

/** Converts a value of a Grafeo result row to plain JSON. */
export function grafeoToJson(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return integerToJson(value);
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (value instanceof Float32Array) return Array.from(value);
  if (Array.isArray(value)) return value.map(grafeoToJson);
  if (isRecord(value)) {
    if (isGrafeoRelationship(value)) return grafeoRelationship(value);
    if (isGrafeoNode(value)) return grafeoNode(value);
    const keys = Object.keys(value);
    if (
      keys.length === 2 &&
      Array.isArray(value.nodes) &&
      Array.isArray(value.edges) &&
      value.nodes.every(isGrafeoNode) &&
      value.edges.every(isGrafeoRelationship)
    ) {
      return {
        kind: 'path',
        nodes: (value.nodes as Record<string, unknown>[]).map(grafeoNode),
        relationships: (value.edges as Record<string, unknown>[]).map(grafeoRelationship),
      };
    }
    // RDF terms and tagged values ({$decimal: '1.5'}) come through as their plain fields.
    const out = emptyRecord<JsonValue>();
    for (const [k, v] of Object.entries(value)) {
      if (typeof v !== 'function') out[k] = grafeoToJson(v);
    }
    return out;
  }
  return Object.prototype.toString.call(value);
}

// ---------------------------------------------------------------------------------------------
// Row checks: every row is checked before it is sent to a store, so a bad value from a registry
// is a clear error naming the row, never a half-written batch.

export const MAX_KEY_LENGTH = 2048;
export const MAX_STRING_LENGTH = 1_000_000;
export const MAX_LIST_LENGTH = 100_000;
const PROPERTY_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
/** Written by the stores themselves: `search` is the node upserts' lower-cased name and key. */
const RESERVED = new Set(['key', 'stub', 'search']);

function checkKey(key: unknown, what: string): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new InvalidInputError(
      `${what} must be a non-empty string of at most ${MAX_KEY_LENGTH} characters`,
    );
  }
  return key;
}

function checkValue(value: unknown, where: string): PropertyValue {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidInputError(`${where} is not a finite number`);
    return value;
  }
  if (typeof value === 'string') {
    if (value.length > MAX_STRING_LENGTH) {
      throw new InvalidInputError(`${where} is longer than ${MAX_STRING_LENGTH} characters`);
    }
    return value;
  }
  if (Array.isArray(value)) {
    if (value.length > MAX_LIST_LENGTH) {
      throw new InvalidInputError(`${where} has more than ${MAX_LIST_LENGTH} items`);
    }
    const kinds = new Set(value.map((item) => typeof item));
    if (kinds.size > 1 || value.some((item) => item === null)) {
      throw new InvalidInputError(
        `${where} must be a list of strings, numbers or booleans of one kind`,
      );
    }
    value.forEach((item, i) => checkValue(item, `${where}[${i}]`));
    return value as PropertyValue;
  }
  throw new InvalidInputError(
    `${where} must be a string, number, boolean, null or a list of those`,
  );
}

/** Checks and copies a property map into a prototype-free object. */
export function checkProperties(props: unknown, where: string, reserved = RESERVED): Properties {
  if (!isRecord(props)) throw new InvalidInputError(`${where} must be an object`);
  const out = emptyRecord<PropertyValue>();
  for (const name of Object.keys(props)) {
    if (!PROPERTY_NAME.test(name) || reserved.has(name)) {
      throw new InvalidInputError(
        `${where} has a property named "${name.slice(0, 80)}", which is not allowed`,
      );
    }
    out[name] = checkValue(props[name], `${where}.${name}`);
  }
  return out;
}

/**
 * Longest `name` a node may have. The node upserts write `search` from the name and the key, and
 * Neo4j's TEXT index refuses a value over 32 KB (UTF-8): 1,000 characters of name and a key of at
 * most 2,048 stay well under it. Every mapper caps names far lower (npm's 214, git's 200).
 */
export const MAX_NAME_LENGTH = 1000;

export function checkNodeRows(rows: readonly NodeRow[], label: string): NodeRow[] {
  return rows.map((row, i) => {
    const where = `${label} row ${i} (${row.key.slice(0, 200)}): props`;
    const props = checkProperties(row.props, where);
    // `search` is made from it (see MAX_NAME_LENGTH): a string, or absent.
    const name = props.name;
    if (name !== undefined && name !== null) {
      if (typeof name !== 'string') throw new InvalidInputError(`${where}.name must be a string`);
      if (name.length > MAX_NAME_LENGTH)
        throw new InvalidInputError(`${where}.name is longer than ${MAX_NAME_LENGTH} characters`);
    }
    return { key: checkKey(row.key, `${label} row ${i}: key`), props };
  });
}

export function checkRelationshipRows(
  rows: readonly RelationshipRow[],
  type: string,
  identity: string | undefined,
): RelationshipRow[] {
  return rows.map((row, i) => {
    const where = `${type} row ${i}`;
    const props = checkProperties(row.props, `${where}: props`);
    if (identity !== undefined && (props[identity] === undefined || props[identity] === null)) {
      throw new InvalidInputError(
        `${where}: props.${identity} is required (it is part of a ${type}'s identity)`,
      );
    }
    return {
      from: checkKey(row.from, `${where}: from`),
      to: checkKey(row.to, `${where}: to`),
      props,
    };
  });
}

export function checkScoreRows(
  rows: readonly ScoreRow[],
  label: string,
  allowed: readonly string[],
): ScoreRow[] {
  const allowedSet = new Set(allowed);
  return rows.map((row, i) => {
    const where = `${label} score row ${i}`;
    const scores = checkProperties(row.scores, `${where}: scores`);
    for (const name of Object.keys(scores)) {
      if (!allowedSet.has(name))
        throw new InvalidInputError(`${where}: "${name}" is not a score property`);
    }
    const full = emptyRecord<PropertyValue>();
    for (const name of allowed) full[name] = scores[name] ?? null;
    return { key: checkKey(row.key, `${where}: key`), scores: full };
  });
}

export function checkParams(params: unknown): Record<string, JsonValue> {
  if (!isRecord(params)) throw new InvalidInputError('query parameters must be an object');
  return params as Record<string, JsonValue>;
}

/** A row of read/node-by-key or read/stream-nodes (key, labels, properties) as a node. */
export function rowToNode(row: Record<string, JsonValue>): StreamedNode {
  let properties = isRecord(row.properties) ? row.properties : {};
  // The store's own search property (read/search) is no fact about the node.
  if ('search' in properties) {
    properties = { ...properties };
    delete properties.search;
  }
  return {
    key: text(row.key),
    labels: Array.isArray(row.labels) ? row.labels.map(text) : [],
    properties,
  };
}

/** A row of read/stream-relationships (from, type, to, properties) as a relationship. */
export function rowToRelationship(row: Record<string, JsonValue>): StreamedRelationship {
  return {
    type: text(row.type),
    from: text(row.from),
    to: text(row.to),
    properties: isRecord(row.properties) ? row.properties : {},
  };
}

/** Collects an async sequence into arrays of at most `size`. */
export async function* chunks<T>(source: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let chunk: T[] = [];
  for await (const item of source) {
    chunk.push(item);
    if (chunk.length === size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** Splits rows into batches of at most `size`. */
export function* batches<T>(rows: readonly T[], size: number): Generator<T[]> {
  for (let start = 0; start < rows.length; start += size) yield rows.slice(start, start + size);
}
