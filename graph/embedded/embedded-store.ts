/**
 * The embedded store: a Grafeo database file, owned by a host process (./host.ts) that this class
 * starts and talks to over IPC, for our own reads and writes. If the host dies, a new one opens the
 * file again and the requests that were in flight are sent again: every statement the store sends
 * there is idempotent (MERGE writes and reads). Users' queries run elsewhere, in a query host over
 * a read-only copy (./query-runner.ts), so a runaway query never stops the host that writes.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { StoreError, StoreUnavailableError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/log.js';
import {
  CypherStore,
  type CypherStoreOptions,
  type Params,
  type WriteOutcome,
} from '../cypher-store.js';
import type { GraphBatch, GraphFilter, QueryOptions, QueryResult, Row } from '../store.js';
import type { JsonValue } from '../values.js';
import { forkHost } from './fork-host.js';
import type {
  ReadResult,
  FromHost,
  HostRequest,
  ScanResult,
  Snapshot,
  StatementResult,
  ToHost,
} from './protocol.js';
import { QueryRunner, revive } from './query-runner.js';
import type { StreamedNode, StreamedRelationship } from '../store.js';
import { LIMIT_DEFAULTS } from '../../core/config.js';

export interface EmbeddedStoreOptions extends CypherStoreOptions {
  logger?: Logger;
  /** How long the host may take to open the file (default 60 s). */
  openTimeoutMs?: number;
  /** Memory an ad-hoc query may take, in MiB (default: TRUSTMAP_QUERY_MEMORY_MB's). */
  queryMemoryMb?: number;
}

interface Pending {
  request: HostRequest;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  /** Times this request was sent again after its host died. */
  resent: number;
  /** The host it was last sent to. */
  host: ChildProcess | undefined;
}

const MAX_RESENDS = 2;

/**
 * A read's rows as objects, from their values (ReadResult). Our statements name their columns;
 * one named `__proto__` would set a row's prototype, so it is refused, not built.
 */
function rowsOf(statement: string, columns: readonly string[], values: JsonValue[][]): Row[] {
  if (columns.includes('__proto__'))
    throw new StoreError(`a statement returns a column named __proto__: ${statement.slice(0, 80)}`);
  const rows = new Array<Row>(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i] ?? [];
    const row: Row = {};
    for (let c = 0; c < columns.length; c++) row[columns[c] as string] = value[c] ?? null;
    rows[i] = row;
  }
  return rows;
}

export class EmbeddedStore extends CypherStore {
  readonly kind = 'embedded' as const;
  readonly location: string;
  private host: ChildProcess | undefined;
  private starting: Promise<ChildProcess> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  private readonly logger: Logger;
  private readonly openTimeoutMs: number;
  private readonly queries: QueryRunner;
  /** Where the read-only copies for users' queries are written: beside the file, ours only. */
  private readonly snapshotDir: string;
  /** How many times the host died and was replaced; for tests and diagnostics. */
  restarts = 0;

  private constructor(file: string, options: EmbeddedStoreOptions) {
    super(options);
    this.location = file;
    this.logger = options.logger ?? silentLogger;
    this.openTimeoutMs = options.openTimeoutMs ?? 60_000;
    this.snapshotDir = `${file}.snapshots`;
    this.queries = new QueryRunner({
      logger: this.logger,
      memoryMb: options.queryMemoryMb ?? LIMIT_DEFAULTS.queryMemoryMb,
      openTimeoutMs: this.openTimeoutMs,
      schema: {
        indexes: this.statement('read/schema-indexes'),
        constraints: this.statement('read/schema-constraints'),
      },
      snapshot: () => this.call<Snapshot>({ op: 'snapshot', dir: this.snapshotDir }),
    });
  }

  /** Opens (creating it if needed) the store file and applies the schema. */
  static async open(file: string, options: EmbeddedStoreOptions = {}): Promise<EmbeddedStore> {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const store = new EmbeddedStore(file, options);
    await store.ensureHost();
    // The file is ours now (the host holds its lock): copies left by a process that died go.
    fs.rmSync(store.snapshotDir, { recursive: true, force: true });
    fs.mkdirSync(store.snapshotDir, { mode: 0o700 });
    await store.applySchema();
    return store;
  }

  /** Query hosts stopped because a query broke its time or memory limit. */
  get queryHostsStopped(): number {
    return this.queries.stopped;
  }

  // --- the host process -------------------------------------------------------------------

  private ensureHost(): Promise<ChildProcess> {
    if (this.closed)
      return Promise.reject(
        new StoreUnavailableError('the embedded store is closed', { retriable: false }),
      );
    if (this.host !== undefined) return Promise.resolve(this.host);
    this.starting ??= this.startHost().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private startHost(): Promise<ChildProcess> {
    const child = forkHost('host', [this.location]);
    return new Promise<ChildProcess>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(
          new StoreUnavailableError(
            `the embedded store ${this.location} did not open within ${this.openTimeoutMs} ms`,
          ),
        );
      }, this.openTimeoutMs);
      const onEarlyExit = (code: number | null, signal: NodeJS.Signals | null): void => {
        clearTimeout(timer);
        reject(
          new StoreUnavailableError(
            `the embedded store host exited while opening (${signal ?? `code ${code}`})`,
          ),
        );
      };
      child.once('exit', onEarlyExit);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(
          new StoreUnavailableError('the embedded store host could not be started', {
            cause: error,
          }),
        );
      });
      child.on('message', (message: FromHost) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          child.off('exit', onEarlyExit);
          child.on('exit', (code, signal) => {
            this.onHostExit(child, code, signal);
          });
          this.host = child;
          resolve(child);
        } else if (message.type === 'fatal') {
          clearTimeout(timer);
          child.off('exit', onEarlyExit);
          reject(revive(message.error));
        } else if (message.type === 'result' || message.type === 'error') {
          this.onReply(message);
        }
      });
    });
  }

  private onReply(message: Extract<FromHost, { type: 'result' | 'error' }>): void {
    const pending = this.pending.get(message.id);
    if (pending === undefined) return; // answered by a host we gave up on
    this.pending.delete(message.id);
    if (message.type === 'result') pending.resolve(message.value);
    else pending.reject(revive(message.error));
  }

  private onHostExit(
    child: ChildProcess,
    code: number | null,
    signal: NodeJS.Signals | null,
  ): void {
    if (this.host === child) this.host = undefined;
    if (this.closed) return;
    this.restarts++;
    this.logger.warn(
      { code, signal, inFlight: this.pending.size },
      'embedded store host exited; starting a new one',
    );
    // Everything still pending on the dead host is sent again (all of it is idempotent), at most
    // MAX_RESENDS times per request, so a statement that crashes the host cannot loop forever.
    const again = [...this.pending.entries()];
    for (const [id, pending] of again) {
      if (pending.host !== child) continue;
      if (pending.resent >= MAX_RESENDS) {
        this.pending.delete(id);
        pending.reject(
          new StoreError(
            'the embedded store host stopped while running this statement, repeatedly',
          ),
        );
      }
    }
    if (![...this.pending.values()].some((p) => p.host === child)) return;
    this.ensureHost().then(
      (host) => {
        for (const [id, pending] of this.pending) {
          if (pending.host !== child) continue;
          pending.resent++;
          this.send(host, id, pending);
        }
      },
      (error: unknown) => {
        for (const [id, pending] of this.pending) {
          if (pending.host !== child) continue;
          this.pending.delete(id);
          pending.reject(error instanceof Error ? error : new Error(String(error)));
        }
      },
    );
  }

  private async call<T>(request: HostRequest): Promise<T> {
    const host = await this.ensureHost();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const pending: Pending = {
        request,
        resolve: resolve as (value: unknown) => void,
        reject,
        resent: 0,
        host,
      };
      this.pending.set(id, pending);
      this.send(host, id, pending);
    });
  }

  /** Sends a request; if the channel is already closing, the exit handler re-sends it. */
  private send(host: ChildProcess, id: number, pending: Pending): void {
    pending.host = host;
    if (!host.connected) return;
    host.send({ id, request: pending.request } satisfies ToHost, (error) => {
      if (error !== null)
        this.logger.debug(
          { err: error, id },
          'a request could not reach the store host; it will be re-sent',
        );
    });
  }

  // --- primitives -------------------------------------------------------------------------

  protected async runWrite(statement: string, params: Params): Promise<WriteOutcome> {
    const result = await this.call<StatementResult>({
      op: 'write',
      statement,
      params: { ...params },
    });
    return {
      rows: result.rows,
      nodesCreated: result.counters.nodesCreated,
      relationshipsCreated: result.counters.edgesCreated,
    };
  }

  protected async runRead(statement: string, params: Params): Promise<Row[]> {
    const { columns, values } = await this.call<ReadResult>({
      op: 'read',
      statement,
      params: { ...params },
    });
    return rowsOf(statement, columns, values);
  }

  protected async runQuery(
    cypher: string,
    params: Params,
    options: QueryOptions,
  ): Promise<QueryResult> {
    const started = performance.now();
    const result = await this.queries.run(
      { op: 'query', statement: cypher, params: { ...params }, rowLimit: options.rowLimit },
      options.timeoutMs,
    );
    return {
      columns: result.columns,
      rows: result.rows,
      truncated: result.truncated,
      elapsedMs: Math.round(performance.now() - started),
    };
  }

  async *stream(filter: GraphFilter = {}): AsyncIterable<GraphBatch> {
    const limit = filter.batchSize ?? 5000;
    const labels = filter.labels === undefined ? null : [...filter.labels];
    const types = filter.types === undefined ? null : [...filter.types];
    const maxId = (rows: Row[]): number =>
      typeof rows[0]?.maxId === 'number' ? rows[0].maxId : -1;
    const bounds = {
      maxNodeId: maxId(await this.read('max-node-id')),
      maxEdgeId: maxId(await this.read('max-relationship-id')),
    };
    if (labels === null || labels.length > 0) {
      for (let fromId = 0; fromId <= bounds.maxNodeId;) {
        const page: ScanResult<StreamedNode> = await this.call({
          op: 'scanNodes',
          fromId,
          maxId: bounds.maxNodeId,
          limit,
          labels,
        });
        if (page.items.length > 0) yield { kind: 'nodes', nodes: page.items };
        fromId = page.nextId;
      }
    }
    if (types === null || types.length > 0) {
      for (let fromId = 0; fromId <= bounds.maxEdgeId;) {
        const page: ScanResult<StreamedRelationship> = await this.call({
          op: 'scanEdges',
          fromId,
          maxId: bounds.maxEdgeId,
          limit,
          types,
        });
        if (page.items.length > 0) yield { kind: 'relationships', relationships: page.items };
        fromId = page.nextId;
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queries.close();
    fs.rmSync(this.snapshotDir, { recursive: true, force: true });
    for (const [id, pending] of this.pending) {
      this.pending.delete(id);
      pending.reject(
        new StoreUnavailableError(
          'the embedded store was closed before this request was answered',
          { retriable: false },
        ),
      );
    }
    const host = this.host ?? (await this.starting?.catch(() => undefined));
    if (host === undefined || host.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => host.kill('SIGKILL'), 10_000);
      host.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      host.send({ id: 0, close: true } satisfies ToHost);
    });
    this.host = undefined;
  }
}
