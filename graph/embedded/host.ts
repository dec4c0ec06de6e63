/**
 * The embedded store's host process: it owns the Grafeo database file and runs our own reads and
 * writes that the parent (graph/embedded/embedded-store.ts) asks for over IPC. Users' queries never
 * run here: the host writes a read-only copy of the database (a snapshot) on request, and the query
 * host (./query-host.ts) runs them over that copy. If this host dies, the parent starts a new one;
 * committed writes survive in Grafeo's WAL.
 *
 * Started as `node host.js <database path>` with an IPC channel.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import grafeo from '@grafeo-db/js';
import { StoreError } from '../../core/errors.js';
import { grafeoToJson, type JsonValue } from '../values.js';
import { openError, statementError } from './grafeo-errors.js';
import { countersOf, rowsOf, serialize, valuesOf } from './host-shared.js';
import type {
  FromHost,
  HostRequest,
  ReadResult,
  ScanResult,
  Snapshot,
  StatementResult,
  ToHost,
} from './protocol.js';
import type { StreamedNode, StreamedRelationship } from '../store.js';

const { GrafeoDB } = grafeo;
type Database = InstanceType<typeof GrafeoDB>;

function send(message: FromHost): void {
  process.send?.(message);
}

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
    snapshot = undefined;
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
): Promise<ReadResult> {
  try {
    const result = await db.executeCypher(statement, params);
    return { columns: result.columns, values: valuesOf(result) };
  } catch (error) {
    throw statementError(error, false);
  }
}

/** The snapshot the last request wrote, while no write has happened since. */
let snapshot: Snapshot | undefined;

/**
 * A read-only copy of the database for users' queries, written between two writes (so it is a
 * committed state) and reused until the next write.
 */
async function takeSnapshot(db: Database, dir: string): Promise<Snapshot> {
  return serialWrite(() => {
    if (snapshot !== undefined && fs.existsSync(snapshot.path)) return Promise.resolve(snapshot);
    const epoch = db.currentEpoch().toString();
    const file = path.join(dir, `${epoch}-${randomUUID()}.grafeo`);
    try {
      db.save(file);
    } catch (error) {
      throw new StoreError('the embedded store could not write a copy for queries', {
        cause: error,
      });
    }
    snapshot = { path: file, epoch };
    return Promise.resolve(snapshot);
  });
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
    // The store's own search property (read/search) is no fact about the node.
    delete properties.search;
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
    case 'snapshot':
      return takeSnapshot(db, request.dir);
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
