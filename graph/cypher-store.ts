/**
 * What both stores share: statement names, row checks, batching, and the domain operations of
 * `GraphStore` built on four primitives each backend provides (run a write, run a read, run a
 * user's query, stream). A backend only knows how to talk to its database.
 */
import { InvalidInputError } from '../core/errors.js';
import { assertReadOnly } from './read-only-guard.js';
import { cypher as defaultLoader, type CypherLoader, type StoreKind } from './cypher-loader.js';
import {
  RELATIONSHIPS,
  SCORE_PROPERTIES,
  isNodeLabel,
  isRelationshipType,
  statementNames,
  type NodeLabel,
  type RelationshipSpec,
  type RelationshipType,
  type ScoredLabel,
} from './model.js';
import type {
  DirectionCounts,
  GraphBatch,
  GraphCounts,
  GraphCoverage,
  GraphFilter,
  GraphStore,
  Neighbour,
  NodeRow,
  QueryOptions,
  QueryResult,
  RelationshipRow,
  Row,
  ScoreRow,
  SearchHit,
  StreamedNode,
  WriteSummary,
} from './store.js';
import {
  batches,
  checkNodeRows,
  checkParams,
  checkRelationshipRows,
  checkScoreRows,
  emptyRecord,
  isRecord,
  rowToNode,
  text,
  type JsonValue,
} from './values.js';
import { LIMIT_DEFAULTS } from '../core/config.js';

export interface WriteOutcome {
  rows: Row[];
  nodesCreated: number;
  relationshipsCreated: number;
}

export type Params = Readonly<Record<string, JsonValue>>;

/** The LIMIT of the schema backfills (cypher/schema/*-backfill.cypher). */
const BACKFILL_PAGE = 10_000;

/** What every store is built with. */
export interface CypherStoreOptions {
  loader?: CypherLoader | undefined;
  /**
   * Rows per write transaction (TRUSTMAP_TRANSACTION_ROWS): large enough to amortise a commit
   * (about 20 ms on the embedded store, whatever the size), small enough to retry.
   */
  transactionRows?: number | undefined;
}

export abstract class CypherStore implements GraphStore {
  abstract readonly kind: StoreKind;
  abstract readonly location: string;

  protected readonly loader: CypherLoader;
  private readonly transactionRows: number;

  protected constructor(options: CypherStoreOptions = {}) {
    this.loader = options.loader ?? defaultLoader;
    this.transactionRows = options.transactionRows ?? LIMIT_DEFAULTS.transactionRows;
  }

  /** Runs one of our own write statements in one transaction. */
  protected abstract runWrite(statement: string, params: Params): Promise<WriteOutcome>;
  /** Runs one of our own read statements. */
  protected abstract runRead(statement: string, params: Params): Promise<Row[]>;
  /** Runs one of our own read statements, each row to `each` as it comes (`GraphStore.readEach`). */
  protected async runReadEach(
    statement: string,
    params: Params,
    each: (row: Row) => void,
  ): Promise<void> {
    for (const row of await this.runRead(statement, params)) each(row);
  }
  /** Runs a user's query read-only within its limits. The lexical guard has already passed. */
  protected abstract runQuery(
    cypher: string,
    params: Params,
    options: QueryOptions,
  ): Promise<QueryResult>;
  abstract stream(filter?: GraphFilter): AsyncIterable<GraphBatch>;
  abstract close(): Promise<void>;

  protected statement(name: string): string {
    return this.loader.statement(name, this.kind);
  }

  /** Runs one constraint or index statement (a store may know a refusal that means "there"). */
  protected async runSchema(statement: string): Promise<void> {
    await this.runWrite(statement, {});
  }

  async applySchema(): Promise<void> {
    for (const name of this.loader.names('schema', this.kind)) {
      if (!name.endsWith('-backfill')) {
        await this.runSchema(this.statement(name));
        continue;
      }
      // A backfill writes BACKFILL_PAGE nodes a transaction (its LIMIT), again until a page is
      // not full: a node it could not fill (no string to make `search` of) never loops it.
      for (;;) {
        const { rows } = await this.runWrite(this.statement(name), {});
        if (Number(rows[0]?.written ?? 0) < BACKFILL_PAGE) break;
      }
    }
  }

  async upsertNodes(label: NodeLabel, rows: readonly NodeRow[]): Promise<WriteSummary> {
    if (!isNodeLabel(label)) throw new InvalidInputError(`unknown node label "${String(label)}"`);
    const checked = checkNodeRows(rows, label);
    return this.writeBatches(statementNames.upsertNodes(label), checked);
  }

  async upsertRelationships(
    type: RelationshipType,
    rows: readonly RelationshipRow[],
  ): Promise<WriteSummary> {
    if (!isRelationshipType(type))
      throw new InvalidInputError(`unknown relationship type "${String(type)}"`);
    const spec: RelationshipSpec = RELATIONSHIPS[type];
    const checked = checkRelationshipRows(rows, type, spec.identity);
    return this.writeBatches(statementNames.upsertRelationships(type), checked);
  }

  /** A read's statement: `read/<name>`, or another folder's when the name has one. */
  private readStatement(name: string): string {
    return this.statement(name.includes('/') ? name : `read/${name}`);
  }

  async read(name: string, params: Params = {}): Promise<Row[]> {
    return this.runRead(this.readStatement(name), checkParams(params));
  }

  async readEach(name: string, params: Params, each: (row: Row) => void): Promise<void> {
    await this.runReadEach(this.readStatement(name), checkParams(params), each);
  }

  async node(key: string): Promise<StreamedNode | undefined> {
    const [row] = await this.read('node-by-key', { key });
    return row === undefined ? undefined : rowToNode(row);
  }

  async neighbours(key: string, limit: number): Promise<Neighbour[]> {
    positiveLimit(limit);
    const rows = await this.read('neighbours', { key, limit });
    return rows.map((row) => ({
      type: text(row.type),
      outgoing: row.outgoing === true,
      key: text(row.key),
      labels: (row.labels as JsonValue[]).map(text),
      name: typeof row.name === 'string' ? row.name : null,
      properties: isRecord(row.properties) ? row.properties : {},
    }));
  }

  async query(cypher: string, params: Params, options: QueryOptions): Promise<QueryResult> {
    if (typeof cypher !== 'string' || cypher.trim() === '') {
      throw new InvalidInputError('the query is empty');
    }
    if (!Number.isInteger(options.rowLimit) || options.rowLimit < 1) {
      throw new InvalidInputError('rowLimit must be a positive whole number');
    }
    if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0) {
      throw new InvalidInputError('timeoutMs must be a positive number');
    }
    assertReadOnly(cypher, params);
    return this.runQuery(cypher, checkParams(params), options);
  }

  async writeScores(label: ScoredLabel, rows: readonly ScoreRow[]): Promise<number> {
    const checked = checkScoreRows(rows, label, SCORE_PROPERTIES);
    const summary = await this.writeBatches(statementNames.setScores(label), checked);
    return summary.rows;
  }

  async clearScores(label: ScoredLabel, scoredAt: string): Promise<number> {
    const outcome = await this.runWrite(this.statement(statementNames.clearScores(label)), {
      scoredAt,
    });
    return Number(outcome.rows[0]?.cleared ?? 0);
  }

  async counts(): Promise<GraphCounts> {
    const nodes = emptyRecord<number>();
    for (const row of await this.read('counts-by-label'))
      nodes[text(row.label)] = Number(row.count);
    const relationships = emptyRecord<number>();
    for (const row of await this.read('counts-by-type'))
      relationships[text(row.type)] = Number(row.count);
    return { nodes, relationships };
  }

  async search(phrase: string, limit: number): Promise<SearchHit[]> {
    positiveLimit(limit);
    const rows = await this.read('search', { q: phrase.toLowerCase(), limit });
    return rows.map((row) => ({
      key: text(row.key),
      label: text(row.label),
      name: text(row.name),
      trust: typeof row.trust === 'number' ? row.trust : null,
    }));
  }

  async neighbourCounts(key: string): Promise<Record<string, DirectionCounts>> {
    const byType = emptyRecord<DirectionCounts>();
    for (const row of await this.read('neighbour-counts', { key })) {
      const entry = (byType[text(row.type)] ??= { outgoing: 0, incoming: 0 });
      entry[row.outgoing === true ? 'outgoing' : 'incoming'] = count(row.count);
    }
    return byType;
  }

  async coverage(): Promise<GraphCoverage> {
    const [packages] = await this.read('package-coverage');
    const [versions] = await this.read('version-coverage');
    return {
      packages: count(packages?.packages),
      maintainersKnown: count(packages?.maintainersKnown),
      timesKnown: count(packages?.timesKnown),
      versions: count(versions?.versions),
      publishersKnown: count(versions?.publishersKnown),
    };
  }

  private async writeBatches(name: string, rows: readonly object[]): Promise<WriteSummary> {
    const statement = this.statement(name);
    const summary: WriteSummary = { rows: 0, nodesCreated: 0, relationshipsCreated: 0 };
    for (const batch of batches(rows, this.transactionRows)) {
      const outcome = await this.runWrite(statement, { rows: batch as unknown as JsonValue[] });
      summary.rows += Number(outcome.rows[0]?.written ?? 0);
      summary.nodesCreated += outcome.nodesCreated;
      summary.relationshipsCreated += outcome.relationshipsCreated;
    }
    return summary;
  }
}

/** A count column: a number, or a string past 2^53 from Neo4j; absent (no rows) is 0. */
function count(value: JsonValue | undefined): number {
  return value === undefined || value === null ? 0 : Number(value);
}

function positiveLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1)
    throw new InvalidInputError('limit must be a positive whole number');
}
