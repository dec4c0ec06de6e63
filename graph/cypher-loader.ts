/**
 * Loads Cypher statements from cypher/ by name (`write/upsert-package`), one statement per file,
 * cached. A file `<name>.<store>.cypher` is that store's own statement: it overrides `<name>.cypher`
 * for that store, or, with no `<name>.cypher` beside it, is a statement only that store runs.
 * The folder sits beside graph/ in the sources and is copied beside it into dist/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UnknownStatementError } from '../core/errors.js';

export const STORE_KINDS = ['embedded', 'neo4j'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export const CYPHER_ROOT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'cypher',
);

/** One `.cypher` file as the loader sees it. */
export interface StatementFile {
  /** Name without the store suffix and extension: `schema/package-key`. */
  name: string;
  /** The store the file is for, or undefined for a file both stores share. */
  store: StoreKind | undefined;
  path: string;
}

const NAME_PATTERN = /^[a-z0-9-]+(\/[a-z0-9-]+)*$/;

export class CypherLoader {
  private readonly cache = new Map<string, string>();

  constructor(private readonly root: string = CYPHER_ROOT) {}

  /** The text of statement `name` for `store`. Throws `UnknownStatementError` when it has none. */
  statement(name: string, store: StoreKind): string {
    const cacheKey = `${store}:${name}`;
    const cached = this.cache.get(cacheKey);
    if (cached !== undefined) return cached;
    if (!NAME_PATTERN.test(name)) throw new UnknownStatementError(name);
    const text =
      this.readIfExists(path.join(this.root, `${name}.${store}.cypher`)) ??
      this.readIfExists(path.join(this.root, `${name}.cypher`));
    if (text === undefined) throw new UnknownStatementError(name);
    this.cache.set(cacheKey, text);
    return text;
  }

  /** Whether `store` has a statement called `name`. */
  has(name: string, store: StoreKind): boolean {
    try {
      this.statement(name, store);
      return true;
    } catch (error) {
      if (error instanceof UnknownStatementError) return false;
      throw error;
    }
  }

  /** Every `.cypher` file under `folder` (or the whole tree), sorted by path. */
  files(folder = ''): StatementFile[] {
    const base = path.join(this.root, folder);
    if (!fs.existsSync(base)) return [];
    const entries = fs.readdirSync(base, { recursive: true, withFileTypes: true });
    const files: StatementFile[] = [];
    for (const entry of entries) {
      if (!entry.isFile() || !entry.name.endsWith('.cypher')) continue;
      const full = path.join(entry.parentPath, entry.name);
      const relative = path.relative(this.root, full).split(path.sep).join('/');
      const match = /^(.*?)(?:\.(embedded|neo4j))?\.cypher$/.exec(relative);
      if (match?.[1] === undefined) continue;
      files.push({ name: match[1], store: match[2] as StoreKind | undefined, path: full });
    }
    return files.sort((a, b) => a.path.localeCompare(b.path));
  }

  /** The statement names under `folder` that `store` runs, sorted. */
  names(folder: string, store: StoreKind): string[] {
    const names = new Set<string>();
    for (const file of this.files(folder)) {
      if (file.store === undefined || file.store === store) names.add(file.name);
    }
    return [...names].sort();
  }

  private readIfExists(file: string): string | undefined {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }
}

/** The process-wide loader over the project's cypher/ folder. */
export const cypher = new CypherLoader();
