/**
 * The explorer: wires the graph view, the search box, the panels and the URL together. Each part
 * lives in its own module; this file owns the view state (root, selected node, open panel).
 */
import './styles.css';
import { api, ApiError, type QueryResult, type SearchResult, type SerializedGraph } from './api.js';
import { renderChokepoints, mountWhatIf } from './chokepoints.js';
import { mountCompare } from './compare.js';
import { mountConsole } from './console.js';
import { toCsv } from '../../shared/csv.js';
import { detailsEmpty, renderDetails } from './details.js';
import { renderTimeline } from './timeline.js';
import { byId, download, fill, h, note } from './dom.js';
import { GraphCanvas } from './graph-canvas.js';
import { mountIngest } from './ingest.js';
import { renderLegend } from './legend.js';
import { displayName } from './names.js';
import { mountSearch } from './search.js';
import { mountTabs } from './tabs.js';
import { PANELS, readState, writeState, type Panel, type ViewState } from './url-state.js';

const LAYERS = [
  ['people', 'People', true],
  ['repos', 'Repositories', true],
  ['orgs', 'Organisations', true],
  // Off at first: a repository's top five committers, for who holds the code, not who publishes.
  ['contributors', 'Contributors', false],
] as const;

const state: ViewState = readState();
const layers = new Set<string>(['deps', 'people', 'repos', 'orgs']);
let roots: string[] = [];
/** Bumped by every graph shown, so that a slow load never replaces a newer graph. */
let graphLoads = 0;

const status = byId('status');
const say = (text: string, error = false): void => {
  fill(status, error ? note(text, 'error') : text);
};
const failure = (error: unknown): string =>
  error instanceof ApiError ? `${error.message} (${error.code})` : String(error);

// The graph view
const canvas = new GraphCanvas(byId('graph'), {
  onSelect: (key) => {
    if (key === undefined) {
      state.node = undefined;
      writeState(state);
      return;
    }
    void select(key);
  },
  onState: (graphState) => {
    document.body.dataset.graph = graphState;
    // Marks for bench/render.ts: data in hand, first frame drawn, layout settled.
    if (graphState === 'rendered') performance.mark('trustmap:first-frame');
    if (graphState === 'laid-out') performance.mark('trustmap:laid-out');
  },
});

// Panels as tabs
const tabButtons = mountTabs(byId('tabs'), (panel) => {
  open(panel, true);
});
const loaded = new Set<Panel>();
function open(panel: Panel, user = false): void {
  state.panel = panel;
  for (const p of PANELS) {
    const selected = p === panel;
    byId(p).hidden = !selected;
    const button = tabButtons.get(p);
    button?.setAttribute('aria-selected', String(selected));
    if (button) button.tabIndex = selected ? 0 : -1;
  }
  writeState(state, user);
  if (!loaded.has(panel)) {
    loaded.add(panel);
    if (panel === 'chokepoints') void refreshChokepoints();
    if (panel === 'cypher') void cypher.load();
  }
}

// Details
let selecting = 0;
async function select(key: string): Promise<void> {
  const ticket = ++selecting;
  state.node = key;
  writeState(state);
  open('details');
  const inGraph = canvas.has(key) ? key : canvas.graph.nodes().find((k) => k.startsWith(`${key}@`));
  canvas.select(inGraph);
  const host = byId('details');
  fill(host, h('h2', {}, displayName(key)), note('Loading…'));
  host.setAttribute('aria-busy', 'true');
  try {
    const details = await api.node(key);
    if (ticket !== selecting) return;
    renderDetails(host, details, {
      focus: (k) => void select(k),
      useAsRoot: (k) => {
        void setRoot(k);
      },
      whatIf: (person) => {
        open('whatif', true);
        void whatIf.run(person);
      },
      inGraph: (k) =>
        canvas.has(k) || k.startsWith('pkg:') || k.startsWith('person:') || k.startsWith('repo:'),
    });
    // A package's or version's releases over time, in the section the details left for them.
    const pkg = details.labels.includes('Package')
      ? details.key
      : details.labels.includes('Version')
        ? details.package?.key
        : undefined;
    if (pkg !== undefined) {
      const timeline = await api.timeline(pkg).catch(() => undefined);
      if (ticket !== selecting) return;
      if (timeline !== undefined) renderTimeline(host, timeline);
    }
  } catch (error) {
    if (ticket === selecting) detailsEmpty(host, failure(error), true);
  } finally {
    if (ticket === selecting) host.setAttribute('aria-busy', 'false');
  }
}

// Search
mountSearch(byId('search'), (result: SearchResult) => {
  void select(result.key);
});

// Chokepoints and what-if
const highlightActions = {
  highlight: (keys: string[], focus: string) => {
    canvas.highlight(keys);
    if (canvas.has(focus)) canvas.focus(focus);
  },
  select: (key: string) => void select(key),
  people: () =>
    canvas.graph
      .filterNodes((_key, attributes) => attributes.kind === 'person')
      .sort((a, b) => displayName(a).localeCompare(displayName(b))),
};
async function refreshChokepoints(): Promise<void> {
  await renderChokepoints(byId('chokepoints'), state.root, highlightActions);
}
const whatIf = mountWhatIf(byId('whatif'), () => state.root, highlightActions);
const compare = mountCompare(byId('compare'), {
  roots: () => roots,
  showRoot: (root) => setRoot(root),
  highlight: highlightActions.highlight,
  select: (key) => void select(key),
});

// Cypher console, with result graphs shown in the main view
const cypher = mountConsole(byId('cypher'), {
  currentRoot: () => state.root,
  showGraph: (graph: SerializedGraph, title: string) => {
    graphLoads++;
    canvas.load(graph);
    const back = h('button', { type: 'button' }, 'Back to the supply chain');
    back.addEventListener('click', () => {
      void loadGraph();
    });
    const banner = byId('graph-banner');
    fill(banner, `Showing: ${title} (${graph.nodes.length} nodes). `, back);
    banner.hidden = false;
  },
  exportCsv: (result: QueryResult, name: string) => {
    const rows = result.rows.map((row) =>
      result.columns.map((c) => {
        const v = row[c];
        return v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
      }),
    );
    download(new Blob([toCsv(result.columns, rows)], { type: 'text/csv' }), `${slug(name)}.csv`);
  },
});

// Ingest
mountIngest(byId('ingest'), (newRoots) => {
  void (async () => {
    await loadRoots();
    const first = newRoots[0];
    await setRoot(first !== undefined && roots.includes(first) ? first : (state.root ?? roots[0]));
  })();
});

// Layers and exports
const layerBox = byId('layers');
for (const [layer, words, on] of LAYERS) {
  const box = h('input', { type: 'checkbox', id: `layer-${layer}`, name: layer });
  box.checked = on;
  box.addEventListener('change', () => {
    if (box.checked) layers.add(layer);
    else layers.delete(layer);
    void loadGraph();
  });
  layerBox.append(h('label', { for: `layer-${layer}` }, box, words));
}
const allEdges = h('input', { type: 'checkbox', id: 'layer-edges', name: 'edges' });
allEdges.checked = true;
allEdges.addEventListener('change', () => {
  canvas.showAllEdges(allEdges.checked);
});
layerBox.append(h('label', { for: 'layer-edges' }, allEdges, 'All edges'));
const slug = (text: string): string =>
  text.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 80) || 'trustmap';
const exportName = (): string =>
  slug(state.root === undefined ? 'trustmap' : displayName(state.root));
const exportsBox = byId('exports');
const exporters: [string, () => Promise<void> | void][] = [
  [
    'PNG',
    async () => {
      download(await canvas.png(), `${exportName()}.png`);
    },
  ],
  [
    'GEXF',
    () => {
      download(new Blob([canvas.gexf()], { type: 'application/xml' }), `${exportName()}.gexf`);
    },
  ],
  [
    'GraphML',
    () => {
      download(
        new Blob([canvas.graphml()], { type: 'application/xml' }),
        `${exportName()}.graphml`,
      );
    },
  ],
];
exportsBox.append(h('span', { class: 'label' }, 'Export'));
for (const [format, run] of exporters) {
  const button = h('button', { type: 'button', title: `Export the view as ${format}` }, format);
  button.addEventListener('click', () => {
    Promise.resolve(run()).catch((error: unknown) => {
      say(`The ${format} export failed: ${failure(error)}`, true);
    });
  });
  exportsBox.append(button);
}

// Legend
renderLegend(byId('legend'));

// Roots and the graph
const rootLine = byId('root-line');
async function loadRoots(): Promise<void> {
  roots = (await api.roots()).roots;
  compare.refresh();
}

function renderRootLine(): void {
  if (roots.length === 0) {
    fill(rootLine, 'No root yet');
    return;
  }
  const picker = h('select', { id: 'root', 'aria-label': 'Root' });
  const options =
    state.root !== undefined && !roots.includes(state.root) ? [state.root, ...roots] : roots;
  fill(picker, ...options.map((r) => h('option', { value: r }, displayName(r))));
  if (state.root !== undefined) picker.value = state.root;
  picker.addEventListener('change', () => {
    void setRoot(picker.value);
  });
  const { nodes, edges } = canvas.size;
  fill(
    rootLine,
    h('label', { for: 'root' }, 'Root'),
    picker,
    h('span', { class: 'meta' }, `${nodes} nodes · ${edges} edges`),
  );
}

async function setRoot(root: string | undefined): Promise<void> {
  state.root = root;
  writeState(state, true);
  await loadGraph();
  loaded.delete('chokepoints');
  if (state.panel === 'chokepoints') {
    loaded.add('chokepoints');
    await refreshChokepoints();
  }
}

async function loadGraph(): Promise<void> {
  const ticket = ++graphLoads;
  byId('graph-banner').hidden = true;
  const empty = byId('graph-empty');
  if (state.root === undefined) {
    canvas.load({
      attributes: { root: '', truncated: false },
      options: { type: 'directed', multi: true, allowSelfLoops: false },
      nodes: [],
      edges: [],
    });
    const start = h('button', { type: 'button' }, 'Open Ingest');
    start.addEventListener('click', () => {
      open('ingest', true);
    });
    fill(
      empty,
      h('p', {}, 'Nothing ingested yet. Add a package such as npm:express, or upload a lockfile.'),
      start,
    );
    empty.hidden = false;
    renderRootLine();
    return;
  }
  say('Loading the graph…');
  document.body.dataset.graph = 'loading';
  try {
    const graph = await api.graph(state.root, [...layers]);
    if (ticket !== graphLoads) return;
    performance.mark('trustmap:graph-fetched');
    canvas.load(graph);
    empty.hidden = graph.nodes.length > 0;
    if (graph.nodes.length === 0) fill(empty, note('This root has no resolved versions.'));
    allEdges.checked = canvas.drawsAllEdges;
    say(
      [
        graph.attributes.truncated ? `The graph was cut at ${graph.nodes.length} nodes.` : '',
        canvas.drawsAllEdges
          ? ''
          : `${graph.edges.length} edges: only those of the node in focus are drawn; tick “All edges” to draw every one.`,
      ]
        .filter((t) => t !== '')
        .join(' '),
    );
    whatIf.refresh();
    renderRootLine();
  } catch (error) {
    fill(empty, note(`The graph did not load: ${failure(error)}`, 'error'));
    renderRootLine();
    empty.hidden = false;
    document.body.dataset.graph = 'error';
    say('');
  }
}

window.addEventListener('popstate', () => {
  const next = readState();
  const rootChanged = next.root !== state.root;
  Object.assign(state, next);
  open(state.panel);
  if (rootChanged) void loadGraph();
  if (state.node !== undefined) void select(state.node);
});

// Start
open(state.panel);
detailsEmpty(byId('details'), 'Search for a package or a person, or choose a node in the graph.');
void (async () => {
  try {
    await loadRoots();
  } catch (error) {
    say(`The server did not answer: ${failure(error)}`, true);
  }
  if (state.root === undefined) state.root = roots[0];
  writeState(state);
  await loadGraph();
  if (state.node !== undefined) await select(state.node);
  document.body.dataset.ready = 'true';
})();
