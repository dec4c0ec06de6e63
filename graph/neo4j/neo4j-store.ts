/**
 * The Neo4j backend: one driver per process, `verifyConnectivity()` at start, managed
 * `executeRead`/`executeWrite` transactions (they retry retriable errors), READ access mode and a
 * transaction timeout for users' queries, and every value converted to plain JSON on its way out.
 */
import neo4j, {
  type Driver,
  type ManagedTransaction,
  type Record as Neo4jRecord,
} from 'neo4j-driver';
import type { Neo4jConfig } from '../../core/config.js';
import { ReadOnlyViolationError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/log.js';
import {
  CypherStore,
  type CypherStoreOptions,
  type Params,
  type WriteOutcome,
} from '../cypher-store.js';
import { NODE_LABELS, RELATIONSHIP_TYPES } from '../model.js';
import type { GraphBatch, GraphFilter, QueryOptions, QueryResult, Row } from '../store.js';
import { chunks, rowToNode, rowToRelationship } from '../values.js';
import { neo4jError } from './neo4j-errors.js';
import { neo4jToJson } from './to-json.js';

export interface Neo4jStoreOptions extends CypherStoreOptions {
  logger?: Logger;
}

/**
 * A record as a row. A plain object keeps V8's fast properties: a null-prototype one is a
 * dictionary, three times as slow to build (53,000 rows a 50k graph cut). A column named
 * `__proto__`, which would set a plain object's prototype, gets a row without one.
 */
function recordToRow(record: Neo4jRecord): Row {
  const row: Row = record.keys.includes('__proto__') ? (Object.create(null) as Row) : {};
  for (const key of record.keys) row[String(key)] = neo4jToJson(record.get(key));
  return row;
}

/** The driver's fetch size for "every record in one pull". */
const FETCH_ALL = -1;

export class Neo4jStore extends CypherStore {
  readonly kind = 'neo4j' as const;
  readonly location: string;
  private readonly logger: Logger;

  private constructor(
    private readonly driver: Driver,
    private readonly config: Neo4jConfig,
    options: Neo4jStoreOptions,
  ) {
    super(options);
    const uri = new URL(config.uri);
    this.location = `${uri.protocol}//${uri.host}/${config.database}`;
    this.logger = options.logger ?? silentLogger;
  }

  /** Connects, checks connectivity and applies the schema. */
  static async open(config: Neo4jConfig, options: Neo4jStoreOptions = {}): Promise<Neo4jStore> {
    const driver = neo4j.driver(config.uri, neo4j.auth.basic(config.user, config.password), {
      userAgent: 'trustmap',
      maxConnectionPoolSize: 50,
    });
    try {
      await driver.verifyConnectivity({ database: config.database });
    } catch (error) {
      await driver.close();
      throw neo4jError(error, { userQuery: false });
    }
    const store = new Neo4jStore(driver, config, options);
    await store.applySchema();
    store.logger.debug({ location: store.location }, 'connected to Neo4j');
    return store;
  }

  protected async runWrite(statement: string, params: Params): Promise<WriteOutcome> {
    const session = this.driver.session({
      database: this.config.database,
      defaultAccessMode: neo4j.session.WRITE,
    });
    try {
      return await session.executeWrite(async (tx: ManagedTransaction) => {
        const result = await tx.run(statement, params);
        const counters = result.summary.counters.updates();
        return {
          rows: result.records.map(recordToRow),
          nodesCreated: counters.nodesCreated,
          relationshipsCreated: counters.relationshipsCreated,
        };
      });
    } catch (error) {
      throw neo4jError(error, { userQuery: false });
    } finally {
      await session.close();
    }
  }

  /**
   * `IF NOT EXISTS` still refuses an index that another process is creating at the same moment
   * (workers opening a new database together): that refusal means the index is there.
   */
  protected override async runSchema(statement: string): Promise<void> {
    try {
      await super.runSchema(statement);
    } catch (error) {
      const cause =
        error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
      if (cause?.code === 'Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists') return;
      throw error;
    }
  }

  protected async runRead(statement: string, params: Params): Promise<Row[]> {
    const session = this.driver.session({
      database: this.config.database,
      defaultAccessMode: neo4j.session.READ,
      // Our reads are bounded (a batch of keys, a limit) and kept whole: all records in one pull,
      // not the driver's 1,000 a round trip (a 39,092-row graph-cut read made 40 of them).
      fetchSize: FETCH_ALL,
    });
    try {
      return await session.executeRead(async (tx: ManagedTransaction) => {
        const result = await tx.run(statement, readParams(params));
        return result.records.map(recordToRow);
      });
    } catch (error) {
      throw neo4jError(error, { userQuery: false });
    } finally {
      await session.close();
    }
  }

  /**
   * The rows as the driver decodes them, while Neo4j still makes the rest: one auto-commit read,
   * not a managed transaction, which would hand rows over again when it retries. A retryable
   * failure before the first row (a connection lost, the server busy) is read again as `runRead`
   * reads, with its retries; after a row has been handed over, a failure is the caller's.
   */
  protected override async runReadEach(
    statement: string,
    params: Params,
    each: (row: Row) => void,
  ): Promise<void> {
    const session = this.driver.session({
      database: this.config.database,
      defaultAccessMode: neo4j.session.READ,
      fetchSize: FETCH_ALL,
    });
    let handed = 0;
    let outcome: 'read' | 'again';
    try {
      outcome = await new Promise<'read' | 'again'>((resolve, reject) => {
        let failed = false;
        session.run(statement, readParams(params)).subscribe({
          onNext: (record) => {
            if (failed) return;
            try {
              handed++;
              each(recordToRow(record));
            } catch (error) {
              failed = true;
              reject(error instanceof Error ? error : new Error(String(error)));
            }
          },
          onCompleted: () => {
            resolve('read');
          },
          onError: (error) => {
            failed = true;
            if (handed === 0 && neo4j.isRetryableError(error)) resolve('again');
            else reject(neo4jError(error, { userQuery: false }));
          },
        });
      });
    } finally {
      await session.close();
    }
    if (outcome === 'again') await super.runReadEach(statement, params, each);
  }

  protected async runQuery(
    cypher: string,
    params: Params,
    options: QueryOptions,
  ): Promise<QueryResult> {
    const started = performance.now();
    const schemaBefore = await this.schema();
    const session = this.driver.session({
      database: this.config.database,
      defaultAccessMode: neo4j.session.READ,
      fetchSize: Math.min(options.rowLimit + 1, 10_000),
    });
    let answer: QueryResult;
    try {
      answer = await session.executeRead(
        async (tx: ManagedTransaction) => {
          const rows: Row[] = [];
          let truncated = false;
          const result = tx.run(cypher, readParams(params));
          const columns = (await result.keys()).map(String);
          for await (const record of result) {
            if (rows.length === options.rowLimit) {
              truncated = true;
              break;
            }
            rows.push(recordToRow(record));
          }
          return { columns, rows, truncated, elapsedMs: Math.round(performance.now() - started) };
        },
        { timeout: options.timeoutMs },
      );
    } catch (error) {
      throw neo4jError(error, { userQuery: true, timeoutMs: options.timeoutMs });
    } finally {
      await session.close();
    }
    // READ access mode refuses schema changes; this checks that it did, after every query.
    if ((await this.schema()) !== schemaBefore) {
      this.logger.error('an ad-hoc query changed the schema in a READ transaction');
      throw new ReadOnlyViolationError(
        'this query changed the schema (indexes or constraints) although it ran read-only; tell the operators',
      );
    }
    return answer;
  }

  /** The indexes and constraints, as text to compare before and after a user's query. */
  private async schema(): Promise<string> {
    const indexes = await this.runRead(this.statement('read/schema-indexes'), {});
    const constraints = await this.runRead(this.statement('read/schema-constraints'), {});
    return JSON.stringify([indexes, constraints]);
  }

  async *stream(filter: GraphFilter = {}): AsyncIterable<GraphBatch> {
    const batchSize = filter.batchSize ?? 5000;
    const labels = filter.labels ?? NODE_LABELS;
    const types = filter.types ?? RELATIONSHIP_TYPES;
    if (labels.length > 0) {
      const rows = this.streamRows(
        this.statement('read/stream-nodes'),
        { labels: [...labels] },
        batchSize,
      );
      for await (const chunk of chunks(rows, batchSize)) {
        yield { kind: 'nodes', nodes: chunk.map(rowToNode) };
      }
    }
    if (types.length > 0) {
      const rows = this.streamRows(
        this.statement('read/stream-relationships'),
        { types: [...types] },
        batchSize,
      );
      for await (const chunk of chunks(rows, batchSize)) {
        yield { kind: 'relationships', relationships: chunk.map(rowToRelationship) };
      }
    }
  }

  /** Rows of one read statement as the driver pulls them, `fetchSize` at a time. */
  private async *streamRows(
    statement: string,
    params: Params,
    fetchSize: number,
  ): AsyncIterable<Row> {
    const session = this.driver.session({
      database: this.config.database,
      defaultAccessMode: neo4j.session.READ,
      fetchSize,
    });
    try {
      for await (const record of session.run(statement, readParams(params)))
        yield recordToRow(record);
    } catch (error) {
      throw neo4jError(error, { userQuery: false });
    } finally {
      await session.close();
    }
  }

  async close(): Promise<void> {
    await this.driver.close();
  }
}

/**
 * Parameters of a read as Neo4j expects them: the driver sends every JavaScript number as a float,
 * and `LIMIT $limit`, `SKIP` and list slices refuse a float, so whole numbers go as integers.
 */
export function readParams(params: Params): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params))
    out[name] = typeof value === 'number' && Number.isSafeInteger(value) ? neo4j.int(value) : value;
  return out;
}
