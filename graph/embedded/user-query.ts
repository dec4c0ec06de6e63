/**
 * How the query host runs one user query, in three steps that each stop a write on their own:
 * Grafeo's plan must hold only read operators (./query-plan.ts); the query runs in a transaction
 * that is always rolled back, and its counters must show no write; the schema (indexes and
 * constraints) must be what it was before. The query host runs them over a read-only copy, which
 * is a fourth: Grafeo refuses every write on it.
 */
import type grafeo from '@grafeo-db/js';
import type { QueryResult } from '@grafeo-db/js';
import { ReadOnlyViolationError } from '../../errors.js';
import { statementError } from './grafeo-errors.js';
import { countersOf, rowsOf, wrote } from './host-shared.js';
import type { QueryRequest, SchemaStatements, StatementResult } from './protocol.js';
import { checkPlan } from './query-plan.js';

type Database = InstanceType<typeof grafeo.GrafeoDB>;

/** A query changed the schema: it is refused, and the query host's copy is discarded. */
export class SchemaChangedError extends ReadOnlyViolationError {
  constructor() {
    super(
      'this query changed the schema of the copy it ran on; the copy is discarded and the graph is unchanged',
    );
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
