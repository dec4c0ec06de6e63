/**
 * The first line of defence for user-written Cypher: a lexical check that rejects clauses that
 * write or administer before a query reaches a store, with an error that says which clause. It is
 * not the only line: Neo4j runs ad-hoc queries in READ access mode, and the embedded store runs them
 * in a transaction that is always rolled back and rejects any query whose counters show a write.
 */
import { ReadOnlyViolationError } from '../errors.js';

/** Clauses that change data or schema, or leave the database the query was sent to. */
const FORBIDDEN = new Map<string, string>([
  ['CREATE', 'CREATE writes'],
  ['MERGE', 'MERGE writes'],
  ['SET', 'SET writes'],
  ['DELETE', 'DELETE writes'],
  ['DETACH', 'DETACH DELETE writes'],
  ['REMOVE', 'REMOVE writes'],
  ['DROP', 'DROP changes the schema'],
  ['ALTER', 'ALTER changes the database'],
  ['FOREACH', 'FOREACH is only for writes'],
  ['LOAD', 'LOAD CSV reads files and URLs'],
  ['INSERT', 'INSERT writes'],
  ['GRANT', 'GRANT administers'],
  ['DENY', 'DENY administers'],
  ['REVOKE', 'REVOKE administers'],
  ['RENAME', 'RENAME administers'],
  ['USE', 'USE leaves the configured database'],
  ['START', 'START administers'],
  ['STOP', 'STOP administers'],
  ['TERMINATE', 'TERMINATE administers'],
]);

/** Procedures a read-only query may call. Everything else could write or reach outside the graph. */
export const ALLOWED_PROCEDURES = new Set([
  'db.labels',
  'db.relationshiptypes',
  'db.propertykeys',
  'db.schema.visualization',
  'db.schema.nodetypeproperties',
  'db.schema.reltypeproperties',
]);

export interface Token {
  text: string;
  /** Offset of the token in the query. */
  offset: number;
  kind: 'word' | 'symbol' | 'string' | 'quoted';
}

/** Splits a query into words, symbols, string literals and backticked names; drops comments. */
export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = query.length;
  while (i < n) {
    const c = query.charAt(i);
    if (/\s/.test(c)) {
      i++;
    } else if (c === '/' && query.charAt(i + 1) === '/') {
      const end = query.indexOf('\n', i);
      i = end === -1 ? n : end + 1;
    } else if (c === '/' && query.charAt(i + 1) === '*') {
      const end = query.indexOf('*/', i + 2);
      i = end === -1 ? n : end + 2;
    } else if (c === "'" || c === '"') {
      const start = i;
      i++;
      while (i < n && query.charAt(i) !== c) i += query.charAt(i) === '\\' ? 2 : 1;
      i++;
      tokens.push({ text: query.slice(start, Math.min(i, n)), offset: start, kind: 'string' });
    } else if (c === '`') {
      const start = i;
      i++;
      while (i < n) {
        if (query.charAt(i) === '`' && query.charAt(i + 1) === '`') i += 2;
        else if (query.charAt(i) === '`') break;
        else i++;
      }
      i++;
      tokens.push({ text: query.slice(start, Math.min(i, n)), offset: start, kind: 'quoted' });
    } else if (/[A-Za-z_\p{L}]/u.test(c)) {
      const start = i;
      while (i < n && /[A-Za-z0-9_\p{L}\p{N}]/u.test(query.charAt(i))) i++;
      tokens.push({ text: query.slice(start, i), offset: start, kind: 'word' });
    } else {
      tokens.push({ text: c, offset: i, kind: 'symbol' });
      i++;
    }
  }
  return tokens;
}

/**
 * Throws `ReadOnlyViolationError` when the query has a clause that writes, administers or calls a
 * procedure outside the allow-list. Words used as names (after `.`, `:` or `$`, or as map keys
 * before `:`) are not clauses.
 */
export function assertReadOnly(query: string): void {
  const tokens = tokenize(query);
  tokens.forEach((token, i) => {
    if (token.kind !== 'word') return;
    const previous = tokens[i - 1];
    const next = tokens[i + 1];
    const isName =
      (previous?.kind === 'symbol' && ['.', ':', '$'].includes(previous.text)) ||
      (next?.kind === 'symbol' && next.text === ':' && tokens[i + 2]?.text !== ':');
    if (isName) return;
    const word = token.text.toUpperCase();
    const reason = FORBIDDEN.get(word);
    if (reason !== undefined) {
      if (word === 'START' || word === 'STOP') {
        // Only START/STOP DATABASE is a clause; `start` is otherwise an ordinary variable name.
        if (next?.text.toUpperCase() !== 'DATABASE') return;
      }
      if (word === 'LOAD' && next?.text.toUpperCase() !== 'CSV') return;
      // USE is a clause only at the start of a query or a subquery.
      if (word === 'USE' && i !== 0 && !(previous?.kind === 'symbol' && previous.text === '{'))
        return;
      throw new ReadOnlyViolationError(
        `this query is not read-only: ${reason} (at offset ${token.offset}); ad-hoc queries may only read`,
      );
    }
    if (word === 'IN' && next?.text.toUpperCase() === 'TRANSACTIONS') {
      throw new ReadOnlyViolationError(
        'this query is not read-only: CALL ... IN TRANSACTIONS is only for writes',
      );
    }
    if (word === 'SHOW') {
      const what = tokens
        .slice(i + 1, i + 4)
        .map((t) => t.text.toUpperCase())
        .find((t) => /^(INDEX|INDEXES|CONSTRAINT|CONSTRAINTS)$/.test(t));
      if (what === undefined) {
        throw new ReadOnlyViolationError(
          'this query uses SHOW for more than indexes and constraints, which ad-hoc queries may not',
        );
      }
    }
    if (word === 'CALL') {
      if (next?.kind === 'symbol' && (next.text === '{' || next.text === '(')) return; // a subquery
      if (next === undefined || (next.kind !== 'word' && next.kind !== 'quoted')) {
        throw new ReadOnlyViolationError(
          'CALL must be followed by a subquery or an allowed procedure',
        );
      }
      // A procedure name, in plain or backticked parts: `db`.`labels`, `db.labels`, db.labels.
      const part = (t: Token): string =>
        t.kind === 'quoted' ? t.text.slice(1, -1).replace(/``/g, '`') : t.text;
      let name = part(next);
      let j = i + 2;
      while (
        tokens[j]?.text === '.' &&
        (tokens[j + 1]?.kind === 'word' || tokens[j + 1]?.kind === 'quoted')
      ) {
        name += '.' + part(tokens[j + 1] as Token);
        j += 2;
      }
      if (!ALLOWED_PROCEDURES.has(name.toLowerCase())) {
        throw new ReadOnlyViolationError(
          `this query calls the procedure ${name}, which ad-hoc queries may not call; allowed: ${[...ALLOWED_PROCEDURES].join(', ')}`,
        );
      }
    }
  });
}
