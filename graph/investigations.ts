/**
 * Saved investigations: the read-only queries of cypher/investigations, each with a header
 * (`// title:`, `// description:`, `// param: <name> <integer|string> <example> <meaning>`)
 * that the explorer lists as a menu with inputs.
 */
import { cypher as defaultLoader, type CypherLoader, type StoreKind } from './cypher-loader.js';
import type { JsonValue } from './values.js';

export interface InvestigationParam {
  name: string;
  type: 'integer' | 'string';
  example: JsonValue;
  description: string;
}

export interface Investigation {
  name: string;
  title: string;
  description: string;
  params: InvestigationParam[];
  cypher: string;
}

export function parseInvestigation(name: string, text: string): Investigation {
  const header = (field: string): string =>
    [...text.matchAll(new RegExp(`^//\\s*${field}:\\s*(.+)$`, 'gm'))]
      .map((m) => (m[1] ?? '').trim())
      .join(' ');
  const params: InvestigationParam[] = [];
  for (const match of text.matchAll(
    /^\/\/\s*param:\s*(\w+)\s+(integer|string)\s+(\S+)\s*(.*)$/gm,
  )) {
    const type = match[2] as 'integer' | 'string';
    params.push({
      name: match[1] ?? '',
      type,
      example: type === 'integer' ? Number(match[3]) : (match[3] ?? ''),
      description: (match[4] ?? '').trim(),
    });
  }
  return { name, title: header('title'), description: header('description'), params, cypher: text };
}

/** The investigations, each as the store of `kind` runs it (its sibling file where it has one). */
export function listInvestigations(
  kind: StoreKind = 'embedded',
  loader: CypherLoader = defaultLoader,
): Investigation[] {
  return loader
    .names('investigations', kind)
    .map((name) =>
      parseInvestigation(name.replace(/^investigations\//, ''), loader.statement(name, kind)),
    );
}
