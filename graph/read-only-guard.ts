/**
 * The first layer of defence for user-written Cypher: Neo4j's own parser reads the query, and the
 * query is accepted only if its parse tree holds nothing but read clauses, procedures from a short
 * allow-list and functions of the built-in namespaces. The decision is made on the parser's tree,
 * not on a scan of words. Text that Neo4j's lexer and Grafeo's are known to read differently is
 * refused before parsing (see UNREADABLE); the store's plan check judges what Grafeo would run.
 *
 * It is not the only layer (docs/security.md): the embedded store runs what passes in a host
 * process of its own over a read-only copy of the graph, checks Grafeo's own plan of the query
 * against an allow-list of read operators, and checks the schema after each query; Neo4j runs it
 * in a READ access-mode transaction.
 */
import { getDebugTree, lintCypherQuery, type SimpleTree } from '@neo4j-cypher/language-support';
import { QueryError, ReadOnlyViolationError } from '../core/errors.js';

/** Longer queries are refused before parsing: a console query is written by a person. */
export const MAX_QUERY_LENGTH = 64 * 1024;

/** Procedures a read-only query may call (compared without case). */
export const ALLOWED_PROCEDURES: ReadonlySet<string> = new Set([
  'db.labels',
  'db.relationshiptypes',
  'db.propertykeys',
  'db.schema.visualization',
  'db.schema.nodetypeproperties',
  'db.schema.reltypeproperties',
]);

/** Namespaces of functions a query may call; a function without a namespace is a built-in. */
const ALLOWED_FUNCTION_NAMESPACES: ReadonlySet<string> = new Set([
  'date',
  'datetime',
  'localdatetime',
  'localtime',
  'time',
  'duration',
  'point',
]);

/**
 * The parse-tree rules that are clauses or commands and may appear in a read-only query. Every
 * other rule whose name ends in `Clause`, `Clauses` or `Command`, or that is listed in GATED, is
 * refused: new clauses in a later grammar are refused until someone decides they only read.
 */
const READ_CLAUSES: ReadonlySet<string> = new Set([
  'statementOrCommand', // the grammar's wrapper of every statement, not a clause
  'matchClause',
  'whereClause',
  'withClause',
  'returnClause',
  'unwindClause',
  'orderBySkipLimitClause',
  'subqueryClause',
  'callClause',
  'finishClause',
]);

/** Rules that do not end like a clause but change what a query does. */
const GATED: Readonly<Record<string, string>> = {
  preparserOption: 'EXPLAIN, PROFILE and CYPHER options are not available in the console',
  consoleCommand: 'console commands (:param, :use, ...) are not Cypher',
  subqueryInTransactionsParameters: 'CALL ... IN TRANSACTIONS is only for writes',
};

/** What a refused clause does, for the message. */
const REASONS: Readonly<Record<string, string>> = {
  createClause: 'CREATE writes',
  insertClause: 'INSERT writes',
  mergeClause: 'MERGE writes',
  setClause: 'SET writes',
  removeClause: 'REMOVE writes',
  deleteClause: 'DELETE writes',
  foreachClause: 'FOREACH is only for writes',
  loadCSVClause: 'LOAD CSV reads files and URLs',
  useClause: 'USE leaves the configured database',
};

/**
 * Text both parsers must read alike. Neo4j's lexer and Grafeo's disagree on a few things, and a
 * query that holds one could mean one thing to the parser that judges it and another to the store
 * that runs it, so it is refused before either sees it:
 *  - format, control and unusual space characters (zero-width, bidi, no-break space, ...);
 *  - a carriage return not followed by a line feed: it ends a `//` comment for Neo4j, not Grafeo;
 *  - a doubled backtick: an escaped backtick inside a name for Neo4j, two names for Grafeo.
 */
const UNREADABLE =
  /(?![\t\n\r])[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Zl}\p{Zp}\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]|\r(?!\n)|``/u;

/** The text of a subtree: its leaves (tokens) joined. */
function textOf(tree: SimpleTree): string {
  const children = tree.children ?? [];
  if (children.length === 0) return tree.name;
  return children.map(textOf).join(' ');
}

/** A procedure or function name as the database reads it: backticks removed, parts joined. */
function qualifiedName(tree: SimpleTree): string {
  const leaves: string[] = [];
  const walk = (node: SimpleTree): void => {
    const children = node.children ?? [];
    if (children.length === 0) leaves.push(node.name);
    else children.forEach(walk);
  };
  // The tree is a rule: an empty one (a function without a namespace) has no leaves at all.
  (tree.children ?? []).forEach(walk);
  return leaves
    .map((leaf) =>
      leaf.length >= 2 && leaf.startsWith('`') && leaf.endsWith('`')
        ? leaf.slice(1, -1).replace(/``/g, '`')
        : leaf,
    )
    .join('');
}

function child(tree: SimpleTree, name: string): SimpleTree | undefined {
  return (tree.children ?? []).find((c) => c.name === name);
}

function refuse(message: string): never {
  throw new ReadOnlyViolationError(
    `this query is not read-only: ${message}; ad-hoc queries may only read`,
  );
}

function checkTree(tree: SimpleTree): void {
  const name = tree.name;
  const gated = GATED[name];
  if (gated !== undefined) refuse(gated);
  if (/(Clause|Clauses|Command)$/.test(name) && !READ_CLAUSES.has(name)) {
    refuse(REASONS[name] ?? `the clause ${textOf(tree).slice(0, 40)} is not a read`);
  }
  if (name === 'callClause') {
    const procedure = child(tree, 'procedureName');
    const called = procedure === undefined ? '' : qualifiedName(procedure);
    if (!ALLOWED_PROCEDURES.has(called.toLowerCase())) {
      refuse(`it calls the procedure ${called}; allowed: ${[...ALLOWED_PROCEDURES].join(', ')}`);
    }
  }
  if (name === 'functionName') {
    const namespace = child(tree, 'namespace');
    const prefix = namespace === undefined ? '' : qualifiedName(namespace).replace(/\.$/, '');
    if (prefix !== '' && !ALLOWED_FUNCTION_NAMESPACES.has(prefix.toLowerCase())) {
      refuse(`it calls the function ${qualifiedName(tree)}, outside the built-in functions`);
    }
  }
  for (const c of tree.children ?? []) checkTree(c);
}

/** Whether a top-level child of the tree holds a statement (a trailing `;` leaves an empty one). */
function holdsStatement(tree: SimpleTree): boolean {
  if (tree.name === 'preparsedStatement' || tree.name === 'consoleCommand') return true;
  return (tree.children ?? []).some(holdsStatement);
}

/**
 * Throws unless the query is one read-only Cypher statement: `QueryError` when Neo4j's parser
 * refuses it (with the parser's message and position), `ReadOnlyViolationError` when it parses but
 * holds a clause, procedure or function that ad-hoc queries may not use.
 */
export function assertReadOnly(
  query: string,
  params: Readonly<Record<string, unknown>> = {},
): void {
  if (query.length > MAX_QUERY_LENGTH) {
    throw new QueryError(`the query is longer than ${MAX_QUERY_LENGTH} characters`);
  }
  const odd = UNREADABLE.exec(query);
  if (odd !== null) {
    const what =
      odd[0] === '``'
        ? 'a doubled backtick (``)'
        : `the ${odd[0] === '\r' ? 'lone carriage return' : 'invisible or unusual character'} U+${odd[0].codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0') ?? '?'}`;
    throw new QueryError(
      `the query holds ${what} at offset ${odd.index}, which Neo4j's parser and the store read differently; write it another way (an escape inside a string, a name without backticks)`,
    );
  }
  // The clauses first, on the parse tree (fast); then Neo4j's full check of the query (syntax and
  // semantics), which refuses whatever the tree walk could not read as written.
  const tree = getDebugTree(query);
  checkTree(tree);
  const { diagnostics } = lintCypherQuery(query, { parameters: { ...params } });
  const error = diagnostics.find((d) => d.severity === 1);
  if (error !== undefined) {
    const { line, character } = error.range.start;
    throw new QueryError(
      `Neo4j's parser refused this query: ${typeof error.message === 'string' ? error.message : error.message.value} (line ${line + 1}, column ${character + 1})`,
    );
  }
  const statements = (tree.children ?? []).filter(holdsStatement);
  if (statements.length !== 1) {
    throw new QueryError(`send one statement at a time (this query holds ${statements.length})`);
  }
}
