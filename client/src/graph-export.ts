/**
 * Exports of the graph view: PNG (sigma's WebGL canvas onto a white 2D canvas), GEXF
 * (graphology-gexf) and GraphML (the browser's XML DOM and serializer), each without the
 * view-only attributes (colour, size and shape are derived from the data).
 */
import type Graph from 'graphology';
import { write as writeGexf } from 'graphology-gexf/browser';
import type Sigma from 'sigma';

type Attributes = Record<string, unknown>;

/** Attributes the view derives; an export carries the data only. */
const VIEW_ONLY = new Set(['color', 'size', 'shape']);

/** graphology's prefix for the key it gives an edge imported without one (as /api/graph's are). */
const GENERATED_EDGE_KEY = 'geid_';

/**
 * The graph's data without the view-only attributes. An edge graphology keyed itself is named
 * `e<n>`, its place in the graph, so that two exports of one view are the same file (its own key
 * holds a random number per page load).
 */
function exportable(graph: Graph): Graph {
  const copy = graph.nullCopy();
  graph.forEachNode((key, a) => {
    copy.addNode(key, Object.fromEntries(Object.entries(a).filter(([n]) => !VIEW_ONLY.has(n))));
  });
  let n = 0;
  graph.forEachEdge((key, a, source, target) => {
    let name = key;
    if (key.startsWith(GENERATED_EDGE_KEY)) {
      do name = `e${n++}`;
      while (graph.hasEdge(name) || copy.hasEdge(name));
    }
    copy.addDirectedEdgeWithKey(name, source, target, { ...a });
  });
  return copy;
}

/** The view as a PNG on a white background (sigma draws into one WebGL canvas). */
export async function pngOf(sigma: Sigma): Promise<Blob> {
  sigma.refresh();
  const source = sigma.getStageCanvas();
  const out = document.createElement('canvas');
  out.width = source.width;
  out.height = source.height;
  const context = out.getContext('2d');
  if (context === null) throw new Error('this browser cannot draw a PNG');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, out.width, out.height);
  context.drawImage(source, 0, 0);
  return new Promise((resolve, reject) => {
    out.toBlob((blob) => {
      if (blob === null) reject(new Error('the PNG could not be made'));
      else resolve(blob);
    }, 'image/png');
  });
}

export function gexfOf(graph: Graph): string {
  return writeGexf(exportable(graph), { formatNode: (_key, a) => a, formatEdge: (_key, a) => a });
}

/**
 * GraphML through the browser's XML DOM (graphology-graphml only parses): every name and value is
 * set as DOM data, and the serializer escapes it.
 */
export function graphmlOf(source: Graph): string {
  const graph = exportable(source);
  const ns = 'http://graphml.graphdrawing.org/xmlns';
  const doc = document.implementation.createDocument(ns, 'graphml', null);
  const root = doc.documentElement;
  const keys = new Map<string, string>();
  const typeOf = (v: unknown): string =>
    typeof v === 'number' ? 'double' : typeof v === 'boolean' ? 'boolean' : 'string';
  const declare = (domain: 'node' | 'edge', name: string, value: unknown): string => {
    const id = `${domain}-${name}`;
    if (!keys.has(id)) {
      const key = doc.createElementNS(ns, 'key');
      key.setAttribute('id', `k${keys.size}`);
      key.setAttribute('for', domain);
      key.setAttribute('attr.name', name);
      key.setAttribute('attr.type', typeOf(value));
      root.appendChild(key);
      keys.set(id, `k${keys.size}`);
    }
    return keys.get(id) as string;
  };
  const data = (parent: Element, domain: 'node' | 'edge', attributes: Attributes): void => {
    for (const [name, value] of Object.entries(attributes)) {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
        continue;
      const d = doc.createElementNS(ns, 'data');
      d.setAttribute('key', declare(domain, name, value));
      d.textContent = String(value);
      parent.appendChild(d);
    }
  };
  const body = doc.createElementNS(ns, 'graph');
  body.setAttribute('edgedefault', 'directed');
  graph.forEachNode((key, attributes) => {
    const node = doc.createElementNS(ns, 'node');
    node.setAttribute('id', key);
    data(node, 'node', attributes);
    body.appendChild(node);
  });
  graph.forEachEdge((key, attributes, source, target) => {
    const edge = doc.createElementNS(ns, 'edge');
    edge.setAttribute('id', key);
    edge.setAttribute('source', source);
    edge.setAttribute('target', target);
    data(edge, 'edge', attributes);
    body.appendChild(edge);
  });
  root.appendChild(body);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(doc)}`;
}
