/**
 * Runs users' ad-hoc queries for the embedded store, in the query host (./query-host.ts): a
 * process of its own, with an empty environment, over a read-only copy of the database that the
 * main host writes between two writes. A query that runs past its time limit, or grows the query
 * host past its memory limit, stops that process; it is never sent again, and the queries that
 * were running beside it are told to run again. The main host, and an ingest writing through it,
 * are never disturbed by a user's query.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import {
  QueryTimeoutError,
  QueryTooLargeError,
  StoreError,
  StoreUnavailableError,
  errorFromData,
  type TrustmapError,
} from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { forkHost } from './fork-host.js';
import { SchemaChangedError, WriteAttemptError } from './user-query.js';
import {
  TOO_LARGE_EXIT_CODE,
  type FromHost,
  type QueryRequest,
  type SchemaStatements,
  type SerializedError,
  type Snapshot,
  type StatementResult,
  type ToQueryHost,
} from './protocol.js';

export interface QueryRunnerOptions {
  logger: Logger;
  /** Memory a query may grow the query host by, in MiB. */
  memoryMb: number;
  /** The statements the query host compares the schema with, before and after each query. */
  schema: SchemaStatements;
  /** A current read-only copy of the database (the main host writes one when the graph changed). */
  snapshot: () => Promise<Snapshot>;
  /** How long the query host may take to open a copy. */
  openTimeoutMs: number;
}

interface Running {
  resolve: (value: StatementResult) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

interface QueryHost {
  process: ChildProcess;
  /** The copy it has open. */
  snapshot: string;
  running: Map<number, Running>;
  /** Set once it is stopped or exited: nothing more is sent to it. */
  gone: boolean;
  /** No new queries: it closes once its running queries are answered. */
  retiring: boolean;
}

/** A host's error, rebuilt as the class it was thrown as (`instanceof` holds in the parent). */
export function revive(error: SerializedError): TrustmapError {
  return errorFromData(error, { WriteAttemptError, SchemaChangedError });
}

export class QueryRunner {
  private current: { snapshot: string; host: Promise<QueryHost> } | undefined;
  private readonly hosts = new Set<QueryHost>();
  private nextId = 1;
  private closed = false;
  /** Query hosts stopped for a limit; for tests and diagnostics. */
  stopped = 0;

  constructor(private readonly options: QueryRunnerOptions) {}

  async run(request: QueryRequest, timeoutMs: number): Promise<StatementResult> {
    const snapshot = (await this.options.snapshot()).path;
    let host = await this.hostFor(snapshot);
    if (host.gone) {
      // Stopped for another query's limit a moment ago: a new one opens the same copy.
      if (this.current?.snapshot === snapshot) this.current = undefined;
      host = await this.hostFor(snapshot);
    }
    if (this.closed) throw closedError();
    if (host.gone || !host.process.connected) throw goneError();
    return new Promise<StatementResult>((resolve, reject) => {
      const id = this.nextId++;
      const timer = setTimeout(() => {
        this.stop(host, id, new QueryTimeoutError(timeoutMs));
      }, timeoutMs);
      host.running.set(id, { resolve, reject, timer });
      host.process.send({ id, request } satisfies ToQueryHost, (error) => {
        // The host went away before it had the query (it died on its own): nothing ran.
        if (error === null || !host.running.has(id)) return;
        host.running.delete(id);
        clearTimeout(timer);
        reject(goneError());
      });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.current = undefined;
    await Promise.all(
      [...this.hosts].map((host) => {
        for (const running of host.running.values()) {
          clearTimeout(running.timer);
          running.reject(closedError());
        }
        host.running.clear();
        return this.kill(host);
      }),
    );
  }

  /** The query host with `snapshot` open; an older one retires once its queries are answered. */
  private hostFor(snapshot: string): Promise<QueryHost> {
    if (this.closed) return Promise.reject(closedError());
    if (this.current?.snapshot !== snapshot) {
      const previous = this.current;
      this.current = { snapshot, host: this.start(snapshot) };
      void previous?.host.then(
        (host) => {
          this.retire(host);
        },
        () => undefined,
      );
      // A host that failed to start is not kept, nor is its copy: the next query tries again
      // (the main host writes a new copy when the last one is gone).
      const started = this.current;
      started.host.catch(() => {
        if (this.current === started) this.current = undefined;
        this.removeCopy(snapshot);
      });
    }
    return this.current.host;
  }

  private start(snapshot: string): Promise<QueryHost> {
    const child = forkHost(
      'query-host',
      [snapshot, String(this.options.memoryMb), JSON.stringify(this.options.schema)],
      {},
    );
    const host: QueryHost = {
      process: child,
      snapshot,
      running: new Map(),
      gone: false,
      retiring: false,
    };
    this.hosts.add(host);
    child.on('exit', (code, signal) => {
      this.onExit(host, code, signal);
    });
    // A channel that breaks (the host died on its own) is seen here, not thrown at the server.
    child.on('error', (error) => {
      this.options.logger.warn({ err: error }, 'the query host channel failed');
      host.gone = true;
    });
    child.on('disconnect', () => {
      host.gone = true;
    });
    return new Promise<QueryHost>((resolve, reject) => {
      const timer = setTimeout(() => {
        void this.kill(host);
        reject(
          new StoreUnavailableError(
            `the query host did not open its copy of the graph within ${this.options.openTimeoutMs} ms`,
          ),
        );
      }, this.options.openTimeoutMs);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(
          new StoreUnavailableError(
            `the query host exited while opening (${signal ?? `code ${code}`})`,
          ),
        );
      });
      child.on('message', (message: FromHost) => {
        switch (message.type) {
          case 'ready':
            clearTimeout(timer);
            resolve(host);
            return;
          case 'fatal':
            clearTimeout(timer);
            reject(revive(message.error));
            return;
          case 'too-large':
            this.stop(host, undefined, new QueryTooLargeError(this.options.memoryMb));
            return;
          case 'result':
          case 'error':
            this.onReply(host, message);
        }
      });
    });
  }

  private onReply(host: QueryHost, message: Extract<FromHost, { type: 'result' | 'error' }>): void {
    const running = host.running.get(message.id);
    if (running === undefined) return;
    host.running.delete(message.id);
    clearTimeout(running.timer);
    if (message.type === 'result') running.resolve(message.value as StatementResult);
    else running.reject(revive(message.error));
    if (message.type === 'error' && message.discard === true) {
      this.options.logger.warn(
        { snapshot: host.snapshot },
        'a query changed the schema of its copy',
      );
      if (this.current?.snapshot === host.snapshot) this.current = undefined;
      this.retire(host);
      this.removeCopy(host.snapshot);
    } else if (host.retiring && host.running.size === 0) {
      this.retire(host);
    }
  }

  /**
   * Stops a query host because a query broke a limit: `culprit` (or, when the host cannot tell
   * which query grew it, every query running) gets `error`; the others are asked to run again.
   */
  private stop(host: QueryHost, culprit: number | undefined, error: TrustmapError): void {
    if (host.running.size === 0 && host.gone) return;
    this.stopped++;
    this.options.logger.warn(
      { code: error.code, running: host.running.size },
      'an ad-hoc query broke its limit; stopping the query host',
    );
    const stopped = [...host.running];
    host.running.clear();
    for (const [, running] of stopped) clearTimeout(running.timer);
    // The answers go once the host has exited: a query said to be stopped is no longer running.
    void this.kill(host).then(() => {
      for (const [id, running] of stopped) {
        running.reject(
          culprit === undefined || id === culprit
            ? error
            : new StoreUnavailableError(
                'another query on the query host broke its limit and the host was stopped; run this query again',
              ),
        );
      }
    });
  }

  private retire(host: QueryHost): void {
    host.retiring = true;
    if (host.running.size > 0 || host.gone) return;
    const kept = this.current?.snapshot === host.snapshot;
    void this.kill(host).then(() => {
      if (!kept) this.removeCopy(host.snapshot);
    });
  }

  private onExit(host: QueryHost, code: number | null, signal: NodeJS.Signals | null): void {
    host.gone = true;
    this.hosts.delete(host);
    if (this.current !== undefined) {
      const current = this.current;
      void current.host.then(
        (h) => {
          if (h === host && this.current === current) this.current = undefined;
        },
        () => undefined,
      );
    }
    if (code === TOO_LARGE_EXIT_CODE) {
      this.stop(host, undefined, new QueryTooLargeError(this.options.memoryMb));
      return;
    }
    for (const running of host.running.values()) {
      clearTimeout(running.timer);
      running.reject(
        new StoreError(
          `the query host stopped while running this query (${signal ?? `code ${code}`}); it is not sent again`,
        ),
      );
    }
    host.running.clear();
  }

  private kill(host: QueryHost): Promise<void> {
    host.gone = true;
    const child = host.process;
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise<void>((resolve) => {
      child.once('exit', () => {
        resolve();
      });
      child.kill('SIGKILL');
    });
  }

  private removeCopy(snapshot: string): void {
    fs.rmSync(snapshot, { force: true });
  }
}

function goneError(): StoreUnavailableError {
  return new StoreUnavailableError('the query host stopped before it had this query; run it again');
}

function closedError(): StoreUnavailableError {
  return new StoreUnavailableError('the embedded store was closed before this query was answered', {
    retriable: false,
  });
}
