/**
 * The embedded store's second look at a user's query: Grafeo's own plan of it (`EXPLAIN`), read
 * operator by operator against an allow-list of operators that only read. Where the first layer
 * (graph/read-only-guard.ts) asks Neo4j's parser, this asks the database that will run the query,
 * so a query the two parsers read differently is still judged by what Grafeo would do.
 */
import { ReadOnlyViolationError } from '../../core/errors.js';
import { ALLOWED_PROCEDURES } from '../read-only-guard.js';

/**
 * Operators seen in Grafeo 0.6's plans of read queries (the saved investigations, our read
 * statements, and the forms of read Cypher users write). Any other operator is refused, so a new
 * kind of operator is refused until someone decides that it only reads.
 */
const READ_OPERATORS: ReadonlySet<string> = new Set([
  'Aggregate',
  'Apply',
  'CallProcedure', // and only the procedures of ALLOWED_PROCEDURES, checked below
  'Discriminant',
  'Distinct',
  'Empty',
  'Expand',
  'Filter',
  'LeftJoin',
  'Limit',
  'NodeScan',
  'Project',
  'Return',
  'ShortestPath',
  'Skip',
  'Sort',
  'Union',
  'Unwind',
]);

/** The operators of a plan as Grafeo prints it: one per line, `Name (detail)`, indented. */
export function planOperators(plan: string): { operator: string; detail: string }[] {
  return plan
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const match = /^\s*([A-Z][A-Za-z]*)\b[^(]*(?:\((.*)\))?/.exec(line);
      // A line that is not an operator (a name with a line break in it splits one): unreadable.
      return match === null
        ? { operator: '', detail: line.trim() }
        : { operator: match[1] ?? '', detail: match[2] ?? '' };
    });
}

/** Throws `ReadOnlyViolationError` unless every operator of the plan only reads. */
export function checkPlan(plan: string): void {
  const operators = planOperators(plan);
  if (operators.length === 0) {
    throw new ReadOnlyViolationError('the embedded store gave no plan for this query');
  }
  for (const { operator, detail } of operators) {
    if (operator === '') {
      throw new ReadOnlyViolationError(
        `the embedded store's plan of this query could not be read at "${detail.slice(0, 40)}" (a name with a line break in it?), so it is not run`,
      );
    }
    if (!READ_OPERATORS.has(operator)) {
      throw new ReadOnlyViolationError(
        `this query is not read-only: the embedded store would run it with the operator ${operator}, which is not a read; ad-hoc queries may only read`,
      );
    }
    if (operator === 'CallProcedure' && !ALLOWED_PROCEDURES.has(detail.trim().toLowerCase())) {
      throw new ReadOnlyViolationError(
        `this query is not read-only: the embedded store would call the procedure ${detail.trim()}; allowed: ${[...ALLOWED_PROCEDURES].join(', ')}`,
      );
    }
  }
}
