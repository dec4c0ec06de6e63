/**
 * The Cypher in cypher/: every file passes Neo4j's own linter, holds one statement, is used by the
 * code, and every statement the code asks for has a file. Store-specific files are listed here
 * with their reasons, so no divergence between the stores hides.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  isNotParamError,
  lintCypherQuery,
  parseStatementsStrs,
} from '@neo4j-cypher/language-support';
import { describe, expect, it } from 'vitest';
import { CypherLoader, CYPHER_ROOT, STORE_KINDS } from '../../graph/cypher-loader.js';
import {
  NODE_LABELS,
  RELATIONSHIPS,
  RELATIONSHIP_TYPES,
  SCORED_LABELS,
  PROPERTY_KEYS,
  statementNames,
} from '../../graph/model.js';

const loader = new CypherLoader();
const files = loader.files();

/** Every file with a store suffix, and why. A new divergence must be added here to pass. */
const DIVERGENCES: Record<string, string> = {
  ...Object.fromEntries(
    NODE_LABELS.map((label) => [
      `schema/${statementNames.constraint(label).slice('schema/'.length)}-index.embedded`,
      "Grafeo's uniqueness constraint does not index the key; Neo4j's does, and rejects a second index",
    ]),
  ),
  'read/max-node-id.embedded':
    'the embedded store streams by scanning internal ids; Neo4j streams with its driver',
  'read/max-relationship-id.embedded': 'as read/max-node-id',
  'read/schema-indexes.embedded':
    "Grafeo's SHOW INDEXES takes no YIELD; Neo4j's needs one to leave out columns that change as queries run (readCount, lastRead)",
  'read/schema-constraints.embedded': "Grafeo's SHOW CONSTRAINTS takes no YIELD",
  'read/node-by-key.neo4j':
    "Neo4j seeks a key only through a label's index: a label-less match scans every node (a union of one seek per label instead)",
  'read/neighbours.neo4j': 'as read/node-by-key.neo4j',
  'read/neighbour-counts.neo4j': 'as read/node-by-key.neo4j',
  'read/search.neo4j':
    "a union of the four labels' TEXT index seeks on `search`: Neo4j uses a text index only under a label; Grafeo has no index that serves CONTAINS and panics on that union",
  ...Object.fromEntries(
    ['package', 'person', 'organisation', 'repository'].map((label) => [
      `schema/${label}-search-index.neo4j`,
      "Neo4j's TEXT index serves read/search's CONTAINS; Grafeo's text index is BM25 over words, which finds no part of a word (decision 013)",
    ]),
  ),
};

/** Warnings the linter may give, by file, with the reason we accept them. */
const ACCEPTED_WARNINGS: Record<string, RegExp> = {
  'read/max-node-id.embedded': /deprecated function.*'id'/,
  'read/max-relationship-id.embedded': /deprecated function.*'id'/,
};

const dbSchema = {
  labels: [...NODE_LABELS],
  relationshipTypes: [...RELATIONSHIP_TYPES],
  // The properties the mappers write (ingest/sources/**): a statement naming any other is a typo.
  propertyKeys: [...PROPERTY_KEYS],

  graphSchema: Object.entries(RELATIONSHIPS).map(([relType, spec]) => ({
    from: spec.from,
    to: spec.to,
    relType,
  })),
};

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

describe('cypher/ files', () => {
  it('exist', () => {
    expect(files.length).toBeGreaterThan(40);
  });

  it.each(files.map((f) => [path.relative(CYPHER_ROOT, f.path), f] as const))(
    "%s passes Neo4j's linter with zero errors and holds one statement",
    (relative, file) => {
      const text = fs.readFileSync(file.path, 'utf8');
      const problems = lintCypherQuery(text, dbSchema)
        .diagnostics.map((d) => ({
          severity: d.severity,
          message: typeof d.message === 'string' ? d.message : d.message.value,
        }))
        .filter(isNotParamError);
      const errors = problems.filter((d) => d.severity === 1);
      expect(errors.map((d) => d.message)).toEqual([]);
      const accepted = ACCEPTED_WARNINGS[relative.replace(/\.cypher$/, '')];
      const warnings = problems.filter(
        (d) => d.severity !== 1 && !(accepted?.test(d.message) ?? false),
      );
      expect(warnings.map((d) => d.message)).toEqual([]);
      expect(parseStatementsStrs(text).filter((s) => s.trim() !== '')).toHaveLength(1);
      // Values come in as $parameters: no statement builds text, so none holds a quoted value of ours.
      expect(text).not.toMatch(/\$\{|\+\s*\$/);
    },
  );

  it('lists every store-specific file here, with its reason', () => {
    const divergent = files
      .filter((f) => f.store !== undefined)
      .map((f) => `${f.name}.${String(f.store)}`)
      .sort();
    expect(divergent).toEqual(Object.keys(DIVERGENCES).sort());
  });

  it('has every statement the stores ask for, for both stores', () => {
    const wanted = [
      ...NODE_LABELS.map(statementNames.constraint),
      ...NODE_LABELS.map(statementNames.upsertNodes),
      ...RELATIONSHIP_TYPES.map(statementNames.upsertRelationships),
      ...SCORED_LABELS.map(statementNames.setScores),
      ...SCORED_LABELS.map(statementNames.clearScores),
      'read/counts-by-label',
      'read/counts-by-type',
      'read/node-by-key',
      'read/neighbours',
      'read/stream-nodes',
      'read/stream-relationships',
    ];
    for (const name of wanted) {
      for (const store of STORE_KINDS)
        expect(loader.has(name, store), `${name} for ${store}`).toBe(true);
    }
  });

  it('has no file the code never uses, and no name in the code without a file', () => {
    const sources = ['graph', 'cli', 'ingest', 'trust', 'server']
      .filter((dir) => fs.existsSync(dir))
      .flatMap(sourceFiles)
      .map((file) => fs.readFileSync(file, 'utf8'))
      .join('\n');
    const generated = new Set([
      ...NODE_LABELS.map(statementNames.upsertNodes),
      ...RELATIONSHIP_TYPES.map(statementNames.upsertRelationships),
      ...SCORED_LABELS.map(statementNames.setScores),
      ...SCORED_LABELS.map(statementNames.clearScores),
    ]);
    const quoted = new Set(
      [
        ...sources.matchAll(
          /'((?:read|write|investigations)\/[a-z0-9-]+|[a-z0-9]+(?:-[a-z0-9]+)+)'/g,
        ),
      ].map((m) => String(m[1])),
    );
    const readCalls = [...sources.matchAll(/\.read\('([a-z0-9-]+)'/g)].map(
      (m) => `read/${String(m[1])}`,
    );
    for (const file of files) {
      // applySchema runs the whole schema folder; listInvestigations the investigations folder.
      if (file.name.startsWith('schema/') || file.name.startsWith('investigations/')) continue;
      const used =
        generated.has(file.name) || quoted.has(file.name) || readCalls.includes(file.name);
      expect(used, `${file.name} is used by the code`).toBe(true);
    }
    for (const name of quoted) {
      if (!/^(read|write|investigations)\//.test(name)) continue;
      expect(
        STORE_KINDS.some((store) => loader.has(name, store)),
        `${name} named in the code has a file`,
      ).toBe(true);
    }
    expect(readCalls.length).toBeGreaterThan(0);
    for (const name of readCalls) {
      expect(
        STORE_KINDS.some((store) => loader.has(name, store)),
        `${name} has a file`,
      ).toBe(true);
    }
  });
});
