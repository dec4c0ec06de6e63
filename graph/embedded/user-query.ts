/**
 * How the query host runs one user query, in three steps that each stop a write on their own:
 * Grafeo's plan must hold only read operators (./query-plan.ts); the query runs in a transaction
 * that is always rolled back, and its counters must show no write; the schema (indexes and
 * constraints) must be what it was before. The query host runs them over a read-only copy, which
 * is a fourth: Grafeo refuses every write on it.
 */
import type grafeo from '@grafeo-db/js';
import type { QueryResult } from '@grafeo-db/js';
import { ReadOnlyViolationError } from '../../core/errors.js';
import { statementError } from './grafeo-errors.js';
import { countersOf, rowsOf, wrote } from './host-shared.js';
import type { QueryRequest, SchemaStatements, StatementResult } from './protocol.js';
import { checkPlan } from './query-plan.js';

type Database = InstanceType<typeof grafeo.GrafeoDB>;

/** Grafeo's GQLSTATUS for a write in a read-only transaction (the query host's copy). */
const READ_ONLY_TRANSACTION = '25G03';

/**
 * A write that got past the parser and the plan check and was stopped by the read-only copy or
 * the write counters. Users see `QUERY_NOT_READ_ONLY` as for any write; the class says that the
 * layers above let it through (the fuzz test fails on it).
 */
export class WriteAttemptError extends ReadOnlyViolationError {
  constructor(options: { cause?: unknown } = {}) {
    super(
      'this query tried to change the graph; it ran on a read-only copy in a transaction that was rolled back, and nothing was changed',
      options,
    );
    this.name = 'WriteAttemptError';
  }
}

/** A query changed the schema: it is refused, and the query host's copy is discarded. */
export class SchemaChangedError extends ReadOnlyViolationError {
  constructor() {
    super(
      'this query changed the schema of the copy it ran on; the copy is discarded and the graph is unchanged',
    );
    this.name = 'SchemaChangedError';
  }
}

/** The schema (indexes, constraints) as text, to compare. */
export async function schemaOf(db: Database, statements: SchemaStatements): Promise<string> {
  const indexes = await db.executeCypher(statements.indexes);
  const constraints = await db.executeCypher(statements.constraints);
  return JSON.stringify([rowsOf(indexes, 100_000).rows, rowsOf(constraints, 100_000).rows]);
}

/** Step 1: Grafeo's plan of the query (`EXPLAIN`) holds only read operators. */
export async function assertPlanReads(db: Database, request: QueryRequest): Promise<void> {
  let result: QueryResult;
  try {
    result = await db.executeCypher(`EXPLAIN ${request.statement}`, request.params);
  } catch (error) {
    throw statementError(error, true);
  }
  const text = result.length > 0 ? result.get(0).plan : undefined;
  if (typeof text !== 'string') {
    throw new ReadOnlyViolationError('the embedded store gave no plan for this query');
  }
  checkPlan(text);
}

/** Step 2: the query in a transaction that is always rolled back; a query that wrote is refused. */
export async function runRolledBack(db: Database, request: QueryRequest): Promise<StatementResult> {
  const tx = db.beginTransaction();
  let result: QueryResult;
  try {
    result = await tx.executeCypher(request.statement, request.params);
  } catch (error) {
    if ((error as { gqlStatus?: unknown }).gqlStatus === READ_ONLY_TRANSACTION) {
      throw new WriteAttemptError({ cause: error });
    }
    throw statementError(error, true);
  } finally {
    if (tx.isActive) tx.rollback();
  }
  const counters = countersOf(result);
  if (wrote(counters)) throw new WriteAttemptError();
  return { columns: result.columns, ...rowsOf(result, request.rowLimit), counters };
}

/** Step 3: the schema is what it was (Grafeo keeps an index created in a rolled-back transaction). */
export async function assertSchemaUnchanged(
  db: Database,
  schema: SchemaStatements,
  before: string,
): Promise<void> {
  if ((await schemaOf(db, schema)) !== before) throw new SchemaChangedError();
}

/** The three steps in order; `schemaBefore` is the schema when the query host opened its copy. */
export async function runUserQuery(
  db: Database,
  request: QueryRequest,
  schema: SchemaStatements,
  schemaBefore: string,
): Promise<StatementResult> {
  await assertPlanReads(db, request);
  const result = await runRolledBack(db, request);
  await assertSchemaUnchanged(db, schema, schemaBefore);
  return result;
}
