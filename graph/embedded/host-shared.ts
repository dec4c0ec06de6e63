/** What the embedded store's two host processes share: errors on the wire, rows and counters. */
import type { QueryResult } from '@grafeo-db/js';
import { errorToData } from '../../core/errors.js';
import { grafeoToJson, type JsonValue } from '../values.js';
import type { Counters, SerializedError, StatementResult } from './protocol.js';

/** An error for the parent: ours as they are, anything else as a StoreError's. */
export function serialize(error: unknown): SerializedError {
  return errorToData(error, { name: 'StoreError', code: 'STORE_FAILED', retriable: false });
}

export function rowsOf(
  result: QueryResult,
  limit: number,
): Pick<StatementResult, 'rows' | 'truncated'> {
  const count = Math.min(result.length, limit);
  const columns = result.columns;
  const rows: Record<string, JsonValue>[] = [];
  // A whole result comes over as arrays in one call (half the time of an object per row, measured
  // on the graph cut's reads); a result cut at the limit row by row, so the rest stays unread.
  const all = count === result.length ? result.rows() : undefined;
  for (let i = 0; i < count; i++) {
    const plain = Object.create(null) as Record<string, JsonValue>;
    if (all !== undefined) {
      const row = all[i] ?? [];
      for (let c = 0; c < columns.length; c++) plain[columns[c] as string] = grafeoToJson(row[c]);
    } else {
      const row = result.get(i);
      for (const column of columns) plain[column] = grafeoToJson(row[column]);
    }
    rows.push(plain);
  }
  return { rows, truncated: result.length > limit };
}

/** Every row of a result as its values, in the columns' order (ReadResult). */
export function valuesOf(result: QueryResult): JsonValue[][] {
  const rows = result.rows();
  const values = new Array<JsonValue[]>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] ?? [];
    const plain = new Array<JsonValue>(row.length);
    for (let c = 0; c < row.length; c++) plain[c] = grafeoToJson(row[c]);
    values[i] = plain;
  }
  return values;
}

export function countersOf(result: QueryResult): Counters {
  const c = result.counters;
  return {
    nodesCreated: c.nodesCreated,
    nodesDeleted: c.nodesDeleted,
    edgesCreated: c.edgesCreated,
    edgesDeleted: c.edgesDeleted,
    propertiesSet: c.propertiesSet,
    labelsAdded: c.labelsAdded,
    labelsRemoved: c.labelsRemoved,
  };
}

export const wrote = (c: Counters): boolean => Object.values(c).some((n) => n > 0);
