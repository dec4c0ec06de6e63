/**
 * The embedded store's host process: it owns the Grafeo database file and runs what the parent
 * (graph/embedded/embedded-store.ts) asks over IPC. The parent kills it when a user's query runs
 * past its time limit and starts a new one; committed writes survive in Grafeo's WAL.
 *
 * Started as `node host.js <database path>` with an IPC channel.
 */
import grafeo from '@grafeo-db/js';
import type { QueryResult } from '@grafeo-db/js';
import { TrustmapError, ReadOnlyViolationError } from '../../errors.js';
import { grafeoToJson, type JsonValue } from '../values.js';
import { openError, statementError } from './grafeo-errors.js';
import type {
  Counters,
  FromHost,
  HostRequest,
  ScanResult,
  SerializedError,
  StatementResult,
  ToHost,
} from './protocol.js';
import type { StreamedNode, StreamedRelationship } from '../store.js';

const { GrafeoDB } = grafeo;
type Database = InstanceType<typeof GrafeoDB>;

function send(message: FromHost): void {
  process.send?.(message);
}

function serialize(error: unknown): SerializedError {
  if (error instanceof TrustmapError) {
    return {
      name: error.name,
      code: error.code,
      message: error.message,
      retriable: error.retriable,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { name: 'StoreError', code: 'STORE_FAILED', message, retriable: false };
}

function rowsOf(result: QueryResult, limit: number): Pick<StatementResult, 'rows' | 'truncated'> {
  const count = Math.min(result.length, limit);
  const rows: Record<string, JsonValue>[] = [];
  for (let i = 0; i < count; i++) {
    const row = result.get(i);
    const plain = Object.create(null) as Record<string, JsonValue>;
    for (const column of result.columns) plain[column] = grafeoToJson(row[column]);
    rows.push(plain);
  }
  return { rows, truncated: result.length > limit };
}

function countersOf(result: QueryResult): Counters {
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

const wrote = (c: Counters): boolean => Object.values(c).some((n) => n > 0);

/** Writes run one at a time, so two MERGEs of one key never race each other. */
let writeChain: Promise<unknown> = Promise.resolve();

function serialWrite<T>(work: () => Promise<T>): Promise<T> {
  const next = writeChain.then(work, work);
  writeChain = next.catch(() => undefined);
  return next;
}

async function write(
  db: Database,
  statement: string,
  params: Record<string, JsonValue>,
): Promise<StatementResult> {
  return serialWrite(async () => {
    const tx = db.beginTransaction();
    try {
      const result = await tx.executeCypher(statement, params);
      tx.commit();
      return {
        columns: result.columns,
        ...rowsOf(result, Number.MAX_SAFE_INTEGER),
        counters: countersOf(result),
      };
    } catch (error) {
      if (tx.isActive) tx.rollback();
      throw statementError(error, false);
    }
  });
}

async function read(
  db: Database,
  statement: string,
  params: Record<string, JsonValue>,
): Promise<StatementResult> {
  try {
    const result = await db.executeCypher(statement, params);
    return {
      columns: result.columns,
      ...rowsOf(result, Number.MAX_SAFE_INTEGER),
      counters: countersOf(result),
    };
  } catch (error) {
    throw statementError(error, false);
  }
}

/** A user's query: in a transaction that is always rolled back; a query that wrote is an error. */
async function query(
  db: Database,
  statement: string,
  params: Record<string, JsonValue>,
  rowLimit: number,
): Promise<StatementResult> {
  const tx = db.beginTransaction();
  let result: QueryResult;
  try {
    result = await tx.executeCypher(statement, params);
  } catch (error) {
    throw statementError(error, true);
  } finally {
    if (tx.isActive) tx.rollback();
  }
  const counters = countersOf(result);
  if (wrote(counters)) {
    throw new ReadOnlyViolationError(
      'this query tried to change the graph; it was rolled back and nothing was changed',
    );
  }
  return { columns: result.columns, ...rowsOf(result, rowLimit), counters };
}

function scanNodes(
  db: Database,
  fromId: number,
  limit: number,
  labels: string[] | null,
  maxId: number,
): ScanResult<StreamedNode> {
  const wanted = labels === null ? null : new Set(labels);
  const items: StreamedNode[] = [];
  let id = fromId;
  for (; id <= maxId && items.length < limit; id++) {
    const node = db.getNode(id);
    if (node === null) continue;
    const nodeLabels = node.labels;
    if (wanted !== null && !nodeLabels.some((l) => wanted.has(l))) continue;
    const properties = grafeoToJson(node.properties()) as Record<string, JsonValue>;
    const key = properties.key;
    if (typeof key !== 'string') continue;
    items.push({ key, labels: nodeLabels, properties });
  }
  return { items, nextId: id };
}

function scanEdges(
  db: Database,
  fromId: number,
  limit: number,
  types: string[] | null,
  maxId: number,
): ScanResult<StreamedRelationship> {
  const wanted = types === null ? null : new Set(types);
  const keys = new Map<number, string | null>();
  const keyOf = (nodeId: number): string | null => {
    let key = keys.get(nodeId);
    if (key === undefined) {
      const value = db.getNode(nodeId)?.get('key');
      key = typeof value === 'string' ? value : null;
      keys.set(nodeId, key);
    }
    return key;
  };
  const items: StreamedRelationship[] = [];
  let id = fromId;
  for (; id <= maxId && items.length < limit; id++) {
    const edge = db.getEdge(id);
    if (edge === null) continue;
    if (wanted !== null && !wanted.has(edge.edgeType)) continue;
    const from = keyOf(edge.sourceId);
    const to = keyOf(edge.targetId);
    if (from === null || to === null) continue;
    const properties = grafeoToJson(edge.properties()) as Record<string, JsonValue>;
    items.push({ type: edge.edgeType, from, to, properties });
  }
  return { items, nextId: id };
}

async function handle(db: Database, request: HostRequest): Promise<unknown> {
  switch (request.op) {
    case 'write':
      return write(db, request.statement, request.params);
    case 'read':
      return read(db, request.statement, request.params);
    case 'query':
      return query(db, request.statement, request.params, request.rowLimit);
    case 'scanNodes':
      return scanNodes(db, request.fromId, request.limit, request.labels, request.maxId);
    case 'scanEdges':
      return scanEdges(db, request.fromId, request.limit, request.types, request.maxId);
  }
}

function main(): void {
  const path = process.argv[2];
  if (path === undefined || process.send === undefined) {
    process.stderr.write('usage: host.js <database path>, started with an IPC channel\n');
    process.exit(2);
  }
  let db: Database;
  try {
    db = GrafeoDB.create(path);
  } catch (error) {
    send({ type: 'fatal', error: serialize(openError(path, error)) });
    process.disconnect();
    return;
  }
  process.on('message', (message: ToHost) => {
    if ('close' in message) {
      void writeChain.finally(() => {
        db.close();
        process.disconnect();
      });
      return;
    }
    handle(db, message.request).then(
      (value) => {
        send({ type: 'result', id: message.id, value });
      },
      (error: unknown) => {
        send({ type: 'error', id: message.id, error: serialize(error) });
      },
    );
  });
  // Signals are for the parent (it shares our process group at a terminal): it decides when the
  // store closes and tells us, or goes away, which the disconnect below handles.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
  // The parent went away without closing: close the file cleanly and go.
  process.on('disconnect', () => {
    try {
      db.close();
    } catch {
      // already closed
    }
    process.exit(0);
  });
  send({ type: 'ready' });
}

main();
