/**
 * The graph view: sigma 4 over a graphology graph. The data (what the API sent, plus colour, size
 * and shape derived from it, and the layout's positions) lives in the graph; everything a user
 * does to the view (hover, selection, a highlighted path) lives here and reaches the screen
 * through the node and edge reducers, never by changing the graph.
 */
import Graph from 'graphology';
import { write as writeGexf } from 'graphology-gexf/browser';
import Sigma, { DEFAULT_STYLES } from 'sigma';
import { layerFill, sdfCircle, sdfDiamond, sdfSquare, sdfTriangle } from 'sigma/rendering';
import type { NodeDisplayData, EdgeDisplayData } from 'sigma/types';
import type { SerializedGraph } from './api.js';
import { DIMMED, shapeOf, trustColour } from './colours.js';
import type { LayoutPositions, LayoutStart } from './layout-worker.js';

type Attributes = Record<string, unknown>;

/** Past this many edges, edges are hidden while the camera moves, so that panning stays fluid. */
const HIDE_EDGES_ON_MOVE_ABOVE = 20_000;
/** Attributes the view derives from the data; exports leave them out. */
const VIEW_ONLY = new Set(['color', 'size', 'shape']);

export function sizeFor(kind: unknown, reach: unknown): number {
  if (kind !== 'version') return 5;
  const r = typeof reach === 'number' && reach > 0 ? reach : 0;
  return 4 + 3 * Math.log10(1 + r);
}

export interface CanvasEvents {
  onSelect: (key: string | undefined) => void;
  onState: (state: 'empty' | 'loading' | 'rendered' | 'laid-out') => void;
}

export class GraphCanvas {
  readonly graph = new Graph({ type: 'directed', multi: true, allowSelfLoops: true });
  private readonly sigma: Sigma;
  private hovered: string | undefined;
  private neighbourhood: Set<string> | undefined;
  private selected: string | undefined;
  private highlighted: Set<string> | undefined;
  private worker: Worker | undefined;
  private order: string[] = [];
  private root: string | undefined;

  constructor(
    private readonly container: HTMLElement,
    private readonly events: CanvasEvents,
  ) {
    this.sigma = new Sigma(this.graph, container, {
      primitives: {
        nodes: {
          shapes: [sdfCircle(), sdfSquare(), sdfTriangle(), sdfDiamond()],
          layers: [layerFill()],
        },
      },
      styles: { nodes: [DEFAULT_STYLES.nodes, { shape: { attribute: 'shape' } }] },
      settings: {
        labelRenderedSizeThreshold: 7,
        allowInvalidContainer: true,
        renderEdgeLabels: false,
      },
      nodeReducer: (key, data) => this.reduceNode(key, data),
      edgeReducer: (key, data) => this.reduceEdge(key, data),
    });
    this.sigma.on('enterNode', ({ node }) => {
      this.hovered = node;
      this.neighbourhood = new Set([node, ...this.graph.neighbors(node)]);
      this.refresh();
    });
    this.sigma.on('leaveNode', () => {
      this.hovered = undefined;
      this.neighbourhood = undefined;
      this.refresh();
    });
    this.sigma.on('clickNode', ({ node }) => {
      this.events.onSelect(node);
    });
    this.sigma.on('clickStage', () => {
      this.clearHighlight();
    });
    container.addEventListener('keydown', (event) => {
      this.onKey(event);
    });
  }

  private reduceNode(key: string, data: NodeDisplayData): Partial<NodeDisplayData> {
    const focus = this.neighbourhood ?? this.highlighted;
    if (key === this.root && focus === undefined) return { ...data, labelVisibility: 'visible' };
    if (key === this.selected)
      return {
        ...data,
        size: data.size * 1.5,
        highlighted: true,
        labelVisibility: 'visible',
        zIndex: 3,
      };
    if (key === this.hovered)
      return { ...data, highlighted: true, labelVisibility: 'visible', zIndex: 3 };
    if (focus === undefined) return data;
    if (!focus.has(key))
      return { ...data, color: DIMMED, label: null, labelVisibility: 'hidden', zIndex: 0 };
    return { ...data, labelVisibility: 'visible', zIndex: 2 };
  }

  private reduceEdge(key: string, data: EdgeDisplayData): Partial<EdgeDisplayData> {
    const focus = this.neighbourhood ?? this.highlighted;
    if (focus === undefined) return data;
    const [source, target] = this.graph.extremities(key);
    if (!focus.has(source) || !focus.has(target)) return { ...data, visibility: 'hidden' };
    return { ...data, color: '#333', size: Math.max(data.size, 1.5), zIndex: 2 };
  }

  private refresh(): void {
    this.sigma.refresh({ skipIndexation: true });
  }

  /** Replaces the graph with a serialized one (the API's format), then lays it out. */
  load(serialized: SerializedGraph): void {
    this.stopLayout();
    this.selected = undefined;
    this.highlighted = undefined;
    this.graph.clear();
    this.root = serialized.attributes.root;
    this.graph.import({
      ...serialized,
      nodes: serialized.nodes.map((node) => ({
        key: node.key,
        attributes: {
          ...node.attributes,
          color: trustColour(node.attributes.trust),
          size:
            node.key === serialized.attributes.root
              ? 12
              : sizeFor(node.attributes.kind, node.attributes.reach),
          shape: shapeOf(node.attributes.kind),
        },
      })),
    });
    this.sigma.setSetting('hideEdgesOnMove', this.graph.size > HIDE_EDGES_ON_MOVE_ABOVE);
    this.sigma.refresh();
    void this.sigma.getCamera().reset({ duration: 0 });
    if (this.graph.order === 0) {
      this.events.onState('empty');
      return;
    }
    this.sigma.once('afterRender', () => {
      this.events.onState('rendered');
    });
    this.startLayout();
  }

  has(key: string): boolean {
    return this.graph.hasNode(key);
  }

  /** Selects a node (or none), and moves the camera to it. */
  select(key: string | undefined): void {
    this.selected = key !== undefined && this.graph.hasNode(key) ? key : undefined;
    this.refresh();
    if (this.selected !== undefined) this.focus(this.selected);
  }

  /** Brings out these nodes (a path, what a compromised account reaches) and dims the rest. */
  highlight(keys: Iterable<string>): void {
    this.highlighted = new Set([...keys].filter((k) => this.graph.hasNode(k)));
    this.refresh();
  }

  clearHighlight(): void {
    this.highlighted = undefined;
    this.selected = undefined;
    this.refresh();
    this.events.onSelect(undefined);
  }

  focus(key: string): void {
    const display = this.sigma.getNodeDisplayData(key);
    if (display === undefined) return;
    void this.sigma
      .getCamera()
      .animate({ x: display.x, y: display.y, ratio: 0.35 }, { duration: 400 });
  }

  private onKey(event: KeyboardEvent): void {
    const camera = this.sigma.getCamera();
    const step = 0.1 * camera.ratio;
    const moves: Record<string, () => void> = {
      ArrowLeft: () => void camera.animate({ x: camera.x - step }, { duration: 100 }),
      ArrowRight: () => void camera.animate({ x: camera.x + step }, { duration: 100 }),
      ArrowUp: () => void camera.animate({ y: camera.y + step }, { duration: 100 }),
      ArrowDown: () => void camera.animate({ y: camera.y - step }, { duration: 100 }),
      '+': () => void camera.zoomIn({ duration: 150 }),
      '=': () => void camera.zoomIn({ duration: 150 }),
      '-': () => void camera.zoomOut({ duration: 150 }),
      '0': () => void camera.reset({ duration: 200 }),
      Escape: () => {
        this.clearHighlight();
      },
    };
    const move = moves[event.key];
    if (move === undefined) return;
    event.preventDefault();
    move();
  }

  startLayout(iterations = this.graph.order > 20_000 ? 60 : 300): void {
    this.stopLayout();
    this.order = this.graph.nodes();
    const index = new Map(this.order.map((key, i) => [key, i]));
    const positions = new Float32Array(this.order.length * 2);
    this.order.forEach((key, i) => {
      const a = this.graph.getNodeAttributes(key);
      positions[2 * i] = typeof a.x === 'number' ? a.x : Math.random() * 100;
      positions[2 * i + 1] = typeof a.y === 'number' ? a.y : Math.random() * 100;
    });
    const edges = new Uint32Array(this.graph.size * 2);
    let e = 0;
    this.graph.forEachEdge((_edge, _attributes, source, target) => {
      edges[e++] = index.get(source) ?? 0;
      edges[e++] = index.get(target) ?? 0;
    });
    const worker = new Worker(new URL('./layout-worker.ts', import.meta.url), { type: 'module' });
    this.worker = worker;
    worker.onmessage = (event: MessageEvent<LayoutPositions>) => {
      if (this.worker !== worker) return;
      const p = event.data.positions;
      const order = this.order;
      this.graph.updateEachNodeAttributes((key, attributes) => {
        const i = index.get(key);
        if (i === undefined) return attributes;
        return { ...attributes, x: p[2 * i], y: p[2 * i + 1] };
      });
      if (event.data.done) {
        this.stopLayout();
        if (order === this.order) this.events.onState('laid-out');
      }
    };
    const start: LayoutStart = { type: 'start', positions, edges, iterations };
    worker.postMessage(start, [positions.buffer, edges.buffer]);
  }

  stopLayout(): void {
    this.worker?.terminate();
    this.worker = undefined;
  }

  get layoutRunning(): boolean {
    return this.worker !== undefined;
  }

  /** The view as a PNG on a white background (sigma draws into one WebGL canvas). */
  async png(): Promise<Blob> {
    this.sigma.refresh();
    const source = this.sigma.getStageCanvas();
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

  gexf(): string {
    return writeGexf(this.exportable(), { formatNode: (_key, a) => a, formatEdge: (_key, a) => a });
  }

  graphml(): string {
    return graphmlOf(this.exportable());
  }

  /** The graph's data without the view-only attributes (colour, size and shape are derived). */
  private exportable(): Graph {
    const copy = this.graph.copy();
    copy.updateEachNodeAttributes((_key, a) =>
      Object.fromEntries(Object.entries(a).filter(([name]) => !VIEW_ONLY.has(name))),
    );
    return copy;
  }

  get size(): { nodes: number; edges: number } {
    return { nodes: this.graph.order, edges: this.graph.size };
  }

  kill(): void {
    this.stopLayout();
    this.sigma.kill();
  }

  get renderer(): Sigma {
    return this.sigma;
  }

  get element(): HTMLElement {
    return this.container;
  }
}

/**
 * GraphML through the browser's XML DOM (graphology-graphml only parses): every name and value is
 * set as DOM data, and the serializer escapes it.
 */
function graphmlOf(graph: Graph): string {
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
