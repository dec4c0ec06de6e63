/**
 * The embedded store: a Grafeo database file, owned by a host process (./host.ts) that this class
 * starts and talks to over IPC. When a user's query runs past its time limit, the host is killed,
 * which is the only way to stop a query inside Grafeo, and a new host opens the file again.
 * Requests that were in flight on the killed host are sent again to the new one: every statement
 * the store sends is idempotent (MERGE writes, reads, and user queries that are rolled back).
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  QueryTimeoutError,
  StoreError,
  StoreUnavailableError,
  TrustmapError,
  type ErrorCode,
} from '../../errors.js';
import { silentLogger, type Logger } from '../../log.js';
import { CypherStore, type Params, type WriteOutcome } from '../cypher-store.js';
import type { CypherLoader } from '../cypher-loader.js';
import type { GraphBatch, GraphFilter, QueryOptions, QueryResult, Row } from '../store.js';
import type {
  FromHost,
  HostRequest,
  ScanResult,
  SerializedError,
  StatementResult,
  ToHost,
} from './protocol.js';
import type { StreamedNode, StreamedRelationship } from '../store.js';

export interface EmbeddedStoreOptions {
  logger?: Logger;
  loader?: CypherLoader;
  /** How long the host may take to open the file (default 60 s). */
  openTimeoutMs?: number;
}

interface Pending {
  request: HostRequest;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  /** Times this request was sent again after its host died. */
  resent: number;
  timer: NodeJS.Timeout | undefined;
  /** The host it was last sent to: the one to kill when it runs past its limit. */
  host: ChildProcess | undefined;
}

const MAX_RESENDS = 2;

function hostEntry(): { file: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    // Running from the TypeScript sources (tests, tsx): the host needs tsx's loader too.
    const tsx = createRequire(import.meta.url).resolve('tsx');
    return {
      file: path.join(path.dirname(here), 'host.ts'),
      execArgv: ['--import', pathToFileURL(tsx).href],
    };
  }
  return { file: path.join(path.dirname(here), 'host.js'), execArgv: [] };
}

function revive(error: SerializedError): TrustmapError {
  const revived = new TrustmapError(error.code as ErrorCode, error.message, {
    retriable: error.retriable,
  });
  revived.name = error.name;
  return revived;
}

export class EmbeddedStore extends CypherStore {
  readonly kind = 'embedded' as const;
  readonly location: string;
  private host: ChildProcess | undefined;
  private starting: Promise<ChildProcess> | undefined;
  /** Hosts killed and not yet gone: a new one waits for them (they hold the file's lock). */
  private dying: Promise<void> = Promise.resolve();
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  private readonly logger: Logger;
  private readonly openTimeoutMs: number;
  /** How many times a host was killed or died and replaced; for tests and diagnostics. */
  restarts = 0;

  private constructor(file: string, options: EmbeddedStoreOptions) {
    super(options.loader);
    this.location = file;
    this.logger = options.logger ?? silentLogger;
    this.openTimeoutMs = options.openTimeoutMs ?? 60_000;
  }

  /** Opens (creating it if needed) the store file and applies the schema. */
  static async open(file: string, options: EmbeddedStoreOptions = {}): Promise<EmbeddedStore> {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const store = new EmbeddedStore(file, options);
    await store.ensureHost();
    await store.applySchema();
    return store;
  }

  // --- the host process -------------------------------------------------------------------

  private ensureHost(): Promise<ChildProcess> {
    if (this.closed)
      return Promise.reject(
        new StoreUnavailableError('the embedded store is closed', { retriable: false }),
      );
    if (this.host !== undefined) return Promise.resolve(this.host);
    this.starting ??= this.dying
      .then(() => this.startHost())
      .finally(() => {
        this.starting = undefined;
      });
    return this.starting;
  }

  private startHost(): Promise<ChildProcess> {
    const { file, execArgv } = hostEntry();
    const child = fork(file, [this.location], {
      execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
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
        } else {
          this.onReply(message);
        }
      });
    });
  }

  private onReply(message: Extract<FromHost, { type: 'result' | 'error' }>): void {
    const pending = this.pending.get(message.id);
    if (pending === undefined) return; // answered by a host we gave up on
    this.pending.delete(message.id);
    if (pending.timer !== undefined) clearTimeout(pending.timer);
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
        if (pending.timer !== undefined) clearTimeout(pending.timer);
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
          if (pending.timer !== undefined) clearTimeout(pending.timer);
          pending.reject(error instanceof Error ? error : new Error(String(error)));
        }
      },
    );
  }

  private async call<T>(request: HostRequest, timeoutMs?: number): Promise<T> {
    const host = await this.ensureHost();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const pending: Pending = {
        request,
        resolve: resolve as (value: unknown) => void,
        reject,
        resent: 0,
        timer: undefined,
        host,
      };
      if (timeoutMs !== undefined) {
        pending.timer = setTimeout(() => {
          this.pending.delete(id);
          reject(new QueryTimeoutError(timeoutMs));
          this.logger.warn(
            { timeoutMs },
            'a query ran past its time limit; restarting the embedded store host',
          );
          // The only way to stop a query inside Grafeo: the host it runs on goes, and a new one
          // opens the file. The request may have been re-sent to a newer host than the first.
          if (pending.host !== undefined) this.kill(pending.host);
        }, timeoutMs);
      }
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

  private kill(host: ChildProcess): void {
    if (host.exitCode !== null || host.signalCode !== null) return;
    // Forget it at once, so no request is sent to a host that is going away; the next host
    // starts once this one has exited and let go of the file's lock.
    if (this.host === host) this.host = undefined;
    const exited = new Promise<void>((resolve) =>
      host.once('exit', () => {
        resolve();
      }),
    );
    this.dying = Promise.all([this.dying, exited]).then(() => undefined);
    host.kill('SIGKILL');
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
    const result = await this.call<StatementResult>({
      op: 'read',
      statement,
      params: { ...params },
    });
    return result.rows;
  }

  protected async runQuery(
    cypher: string,
    params: Params,
    options: QueryOptions,
  ): Promise<QueryResult> {
    const started = performance.now();
    const result = await this.call<StatementResult>(
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
    for (const [id, pending] of this.pending) {
      this.pending.delete(id);
      if (pending.timer !== undefined) clearTimeout(pending.timer);
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
