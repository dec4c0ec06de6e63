/**
 * The Cypher console: an editor with Cypher highlighting, linting and completion (the
 * @neo4j-cypher CodeMirror package, completing from our schema), the saved investigations as a
 * menu with inputs for their parameters, and results as a table — and as a graph when they hold
 * nodes or relationships. Queries are read-only on the server; a write comes back as an error.
 */
import { createCypherEditor, type EditorApi } from '@neo4j-cypher/codemirror';
import cypherCss from '@neo4j-cypher/codemirror/css/cypher-codemirror.css?inline';
import {
  api,
  ApiError,
  type Investigation,
  type Json,
  type QueryResult,
  type SerializedGraph,
} from './api.js';
import { fill, h, note } from './dom.js';
import { displayName } from './names.js';

export interface ConsoleActions {
  /** The root in view: a `root` parameter starts from it rather than from the example. */
  currentRoot: () => string | undefined;
  showGraph: (graph: SerializedGraph, title: string) => void;
  exportCsv: (result: QueryResult, name: string) => void;
}

const START =
  'MATCH (p:Person)-[:MAINTAINS]->(k:Package)\nRETURN p.key AS person, count(k) AS packages\nORDER BY packages DESC\nLIMIT 25';

export function mountConsole(
  host: HTMLElement,
  actions: ConsoleActions,
): { load: () => Promise<void> } {
  const menu = h('select', { id: 'investigation', 'aria-label': 'Saved investigation' });
  const describe = h('p', { class: 'hint', id: 'investigation-description' });
  const params = h('div', { class: 'params' });
  const runSaved = h('button', { type: 'button' }, 'Run investigation');
  const editorHost = h('div', { class: 'editor', 'aria-label': 'Cypher query' });
  const run = h('button', { type: 'button', class: 'primary' }, 'Run query');
  const csv = h('button', { type: 'button', disabled: true }, 'Export CSV');
  const out = h('div', { class: 'results', 'aria-live': 'polite' });
  let investigations: Investigation[] = [];
  let last: { result: QueryResult; name: string } | undefined;
  let value = START;

  fill(
    host,
    h('h2', {}, 'Cypher console'),
    h('div', { class: 'row-form' }, h('label', { for: 'investigation' }, 'Investigation'), menu),
    describe,
    params,
    runSaved,
    h('h3', {}, 'Query'),
    editorHost,
    h(
      'div',
      { class: 'row-form' },
      run,
      csv,
      h('span', { class: 'hint' }, 'Ctrl+Enter runs. Read-only: writes are refused.'),
    ),
    out,
  );

  // CodeMirror adds its styles as <style> elements in a document, which our CSP (no inline
  // styles) refuses; in a shadow root it uses constructed style sheets, which CSP allows.
  const shadow = editorHost.attachShadow({ mode: 'open' });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(`${cypherCss}\n.cm-editor { min-height: 120px; font-size: 13px; }`);
  shadow.adoptedStyleSheets = [sheet];
  const mount = document.createElement('div');
  shadow.append(mount);
  // The package's typings say it returns the editor API; at run time it returns { editor }.
  const created = createCypherEditor(mount, {
    value,
    theme: 'light',
    lineNumbers: true,
    lineWrapping: true,
    autocomplete: true,
    lint: true,
    placeholder: 'MATCH (n) RETURN n LIMIT 10',
  }) as unknown as { editor: EditorApi };
  const editor = created.editor;
  editor.onValueChanged((next: string) => {
    value = next;
  });
  editor.onKeyDown((event: KeyboardEvent) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void execute(() => api.cypher(value), 'query');
    }
  });

  const showParams = (): void => {
    const chosen = investigations.find((i) => i.name === menu.value);
    describe.textContent = chosen?.description ?? '';
    fill(
      params,
      ...(chosen?.params ?? []).map((param) =>
        h(
          'div',
          { class: 'row-form' },
          h('label', { for: `param-${param.name}` }, param.name),
          h('input', {
            id: `param-${param.name}`,
            name: param.name,
            type: param.type === 'integer' ? 'number' : 'text',
            value: param.name === 'root' ? (actions.currentRoot() ?? param.example) : param.example,
            title: param.description,
            min: param.type === 'integer' ? '1' : undefined,
            step: param.type === 'integer' ? '1' : undefined,
          }),
          h('span', { class: 'hint' }, param.description),
        ),
      ),
    );
  };
  menu.addEventListener('change', showParams);

  const execute = async (ask: () => Promise<QueryResult>, name: string): Promise<void> => {
    fill(out, note('Running…'));
    csv.disabled = true;
    try {
      const result = await ask();
      last = { result, name };
      csv.disabled = result.rows.length === 0;
      renderResult(out, result);
      const graph = resultGraph(result);
      if (graph.nodes.length > 0) actions.showGraph(graph, `Result of ${name}`);
    } catch (error) {
      fill(
        out,
        note(
          error instanceof ApiError ? `${error.message} (${error.code})` : 'The query failed.',
          'error',
        ),
      );
    }
  };

  runSaved.addEventListener('click', () => {
    const chosen = investigations.find((i) => i.name === menu.value);
    if (chosen === undefined) return;
    const values: Record<string, Json> = {};
    for (const param of chosen.params) {
      const input = params.querySelector<HTMLInputElement>(`[name="${param.name}"]`);
      const raw = input?.value ?? param.example;
      values[param.name] = param.type === 'integer' ? Number(raw) : raw;
    }
    void execute(() => api.runInvestigation(chosen.name, values), chosen.title);
  });
  run.addEventListener('click', () => {
    void execute(() => api.cypher(value), 'query');
  });
  csv.addEventListener('click', () => {
    if (last !== undefined) actions.exportCsv(last.result, last.name);
  });

  return {
    load: async () => {
      try {
        const [list, schema] = await Promise.all([api.investigations(), api.schema()]);
        investigations = list.investigations;
        fill(menu, ...investigations.map((i) => h('option', { value: i.name }, i.title)));
        showParams();
        editor.setSchema(schema);
      } catch (error) {
        fill(
          params,
          note(
            error instanceof ApiError ? error.message : 'The investigations did not load.',
            'error',
          ),
        );
      }
    },
  };
}

/** A JSON scalar as text, anything else as JSON. */
const str = (v: Json | undefined): string =>
  v === undefined || v === null
    ? ''
    : typeof v === 'string'
      ? v
      : typeof v === 'number' || typeof v === 'boolean'
        ? String(v)
        : JSON.stringify(v);

const isObject = (v: Json | undefined): v is { [key: string]: Json } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function cellText(value: Json | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (isObject(value) && value.kind === 'node' && isObject(value.properties)) {
    const key = value.properties.key;
    const labels = Array.isArray(value.labels) ? value.labels.map(str).join(':') : '';
    return `(:${labels} ${typeof key === 'string' ? key : JSON.stringify(value.properties)})`;
  }
  if (isObject(value) && value.kind === 'relationship') return `[:${str(value.type)}]`;
  return JSON.stringify(value);
}

function renderResult(out: HTMLElement, result: QueryResult): void {
  if (result.rows.length === 0) {
    fill(out, note(`No rows (${result.elapsedMs} ms).`));
    return;
  }
  const table = h(
    'table',
    {},
    h('thead', {}, h('tr', {}, ...result.columns.map((c) => h('th', { scope: 'col' }, c)))),
    h(
      'tbody',
      {},
      ...result.rows.map((row) =>
        h('tr', {}, ...result.columns.map((c) => h('td', {}, cellText(row[c])))),
      ),
    ),
  );
  fill(
    out,
    h(
      'p',
      { class: 'hint' },
      `${result.rows.length} row${result.rows.length === 1 ? '' : 's'} in ${result.elapsedMs} ms${result.truncated ? ' (cut at the row limit)' : ''}.`,
    ),
    h('div', { class: 'table-wrap' }, table),
  );
}

/** The nodes and relationships in a result, as a graph the canvas can show. */
export function resultGraph(result: QueryResult): SerializedGraph {
  const nodes = new Map<string, SerializedGraph['nodes'][number]>();
  const edges: SerializedGraph['edges'] = [];
  const ids = new Map<string, string>();
  const rels: { [key: string]: Json }[] = [];
  const visit = (value: Json | undefined): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (isObject(value)) {
      if (value.kind === 'node' && isObject(value.properties)) {
        const key =
          typeof value.properties.key === 'string' ? value.properties.key : `#${str(value.id)}`;
        ids.set(str(value.id), key);
        const labels = Array.isArray(value.labels) ? value.labels.map(String) : [];
        const kind = labels.includes('Version')
          ? 'version'
          : labels.includes('Person')
            ? 'person'
            : labels.includes('Repository')
              ? 'repository'
              : labels.includes('Organisation')
                ? 'organisation'
                : 'version';
        const trust = value.properties.trust;
        const reach = value.properties.reach;
        nodes.set(key, {
          key,
          attributes: {
            label: displayName(key),
            kind,
            trust: typeof trust === 'number' ? trust : null,
            reach: typeof reach === 'number' ? reach : null,
            x: Math.cos(nodes.size) * (10 + nodes.size),
            y: Math.sin(nodes.size) * (10 + nodes.size),
          },
        });
      } else if (value.kind === 'relationship') rels.push(value);
      else if (value.kind === 'path') {
        visit(value.nodes);
        visit(value.relationships);
      } else Object.values(value).forEach(visit);
    }
  };
  for (const row of result.rows) Object.values(row).forEach(visit);
  for (const rel of rels) {
    const source = ids.get(str(rel.start));
    const target = ids.get(str(rel.end));
    if (source !== undefined && target !== undefined)
      edges.push({
        key: `r${str(rel.id)}`,
        source,
        target,
        attributes: { type: str(rel.type) },
      });
  }
  return {
    attributes: { root: '', truncated: result.truncated },
    options: { type: 'directed', multi: true, allowSelfLoops: false },
    nodes: [...nodes.values()],
    edges: edges.filter((e, i) => edges.findIndex((x) => x.key === e.key) === i),
  };
}
