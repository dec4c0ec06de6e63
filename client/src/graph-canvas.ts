/**
 * The graph view: sigma 4 over a graphology graph. The data (what the API sent, plus colour, size
 * and shape derived from it, and the layout's positions) lives in the graph; everything a user
 * does to the view (hover, selection, a highlighted path) lives here and reaches the screen
 * through the node and edge reducers, never by changing the graph.
 */
import Graph from 'graphology';
import Sigma from 'sigma';
import type { NodeDisplayData, EdgeDisplayData } from 'sigma/types';
import type { SerializedGraph } from './api.js';
import { DIMMED, isHighFlagged, shapeOf, sizeFor, trustColour } from './colours.js';
import { sigmaOptions, withFlagRing } from './node-style.js';
import { cameraMove } from './camera-keys.js';
import { gexfOf, graphmlOf, pngOf } from './graph-export.js';
import { layoutInput } from './layout-input.js';
import type { LayoutPositions, LayoutStart } from './layout-worker.js';

type Attributes = Record<string, unknown>;

/** Past this many edges, edges are hidden while the camera moves, so that panning stays fluid. */
const HIDE_EDGES_ON_MOVE_ABOVE = 20_000;
/**
 * Past this many edges, only the edges of the hovered, selected or highlighted nodes are drawn
 * until the user asks for all of them: drawing 200,000 edges takes seconds a frame without a GPU.
 */
export const EDGES_ON_DEMAND_ABOVE = 50_000;
/** Past this many nodes and edges together, hover and selection redraw only what they touch. */
const LARGE = 50_000;

function newGraph(): Graph {
  return new Graph({ type: 'directed', multi: true, allowSelfLoops: true });
}

export interface CanvasEvents {
  onSelect: (key: string | undefined) => void;
  onState: (state: 'empty' | 'loading' | 'rendered' | 'laid-out') => void;
}

export class GraphCanvas {
  /** The data: every node and edge the API sent. */
  private current = newGraph();
  /**
   * What sigma draws: the data itself, or, with edges on demand, every node but only the edges in
   * focus. sigma draws every edge it holds, hidden or not, so leaving 200,000 edges out is what
   * keeps frames fast without a GPU.
   */
  private display = this.current;
  private readonly sigma: Sigma;
  private hovered: string | undefined;
  private neighbourhood: Set<string> | undefined;
  private selected: string | undefined;
  private highlighted: Set<string> | undefined;
  private worker: Worker | undefined;
  private order: string[] = [];
  private root: string | undefined;
  /** Whether every edge is drawn, or only those around the nodes in focus (large graphs). */
  private allEdges = true;

  constructor(
    private readonly container: HTMLElement,
    private readonly events: CanvasEvents,
  ) {
    this.sigma = new Sigma(
      this.current,
      container,
      sigmaOptions(
        (key, data) => this.reduceNode(key, data),
        (key, data) => this.reduceEdge(key, data),
      ),
    );
    this.sigma.on('enterNode', ({ node }) => {
      const previous = this.hovered;
      this.hovered = node;
      this.neighbourhood = new Set([node, ...this.graph.neighbors(node)]);
      this.refreshAround([previous, node]);
    });
    this.sigma.on('leaveNode', () => {
      const previous = this.hovered;
      this.hovered = undefined;
      this.neighbourhood = undefined;
      this.refreshAround([previous]);
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

  /**
   * Large graphs (past LARGE items) keep the rest of the graph as it is on hover and selection,
   * and bring out only the node's own edges, so that sigma redraws the neighbourhood alone
   * instead of reprocessing every item.
   */
  private get large(): boolean {
    return this.graph.order + this.graph.size > LARGE;
  }

  private reduceNode(key: string, node: NodeDisplayData): Partial<NodeDisplayData> {
    const focus = this.neighbourhood ?? this.highlighted;
    // A high change flag rings the node (view state through the reducer; the data is unchanged),
    // unless it is dimmed out of focus below.
    const data: NodeDisplayData =
      this.current.hasNode(key) && isHighFlagged(this.current.getNodeAttributes(key))
        ? withFlagRing(node)
        : node;
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
    if (focus.has(key)) return { ...data, labelVisibility: 'visible', zIndex: 2 };
    if (this.large && this.highlighted === undefined) return data;
    return {
      ...node,
      color: DIMMED,
      label: null,
      labelVisibility: 'hidden',
      zIndex: 0,
    };
  }

  private reduceEdge(key: string, data: EdgeDisplayData): Partial<EdgeDisplayData> {
    const [source, target] = this.display.extremities(key);
    const inside = (set: Set<string> | undefined): boolean =>
      set !== undefined && set.has(source) && set.has(target);
    const touches = (node: string | undefined): boolean =>
      node !== undefined && (source === node || target === node);
    const shown = { ...data, color: '#333', size: Math.max(data.size, 1.5), zIndex: 2 };
    const hidden = { ...data, visibility: 'hidden' as const };
    // With edges on demand, sigma holds only the edges in focus.
    if (!this.allEdges) return shown;
    if (this.large) {
      if (touches(this.hovered) || touches(this.selected) || inside(this.highlighted)) return shown;
      return this.highlighted !== undefined ? hidden : data;
    }
    const focus = this.neighbourhood ?? this.highlighted;
    if (focus === undefined) return data;
    return inside(focus) ? shown : hidden;
  }

  /** Redraws what changes when these nodes gain or lose focus (everything on small graphs). */
  private refreshAround(keys: (string | undefined)[]): void {
    this.syncFocusEdges();
    if (!this.large) {
      this.refresh();
      return;
    }
    const nodes = new Set<string>();
    const edges = new Set<string>();
    for (const key of keys) {
      if (key === undefined || !this.graph.hasNode(key)) continue;
      nodes.add(key);
      for (const n of this.graph.neighbors(key)) nodes.add(n);
      for (const e of this.graph.edges(key)) edges.add(e);
    }
    this.sigma.refresh({
      partialGraph: { nodes: [...nodes], edges: [...edges] },
      skipIndexation: true,
    });
  }

  private refresh(): void {
    this.syncFocusEdges();
    this.sigma.refresh({ skipIndexation: true });
  }

  /** With edges on demand: puts the edges in focus into the display graph, and only those. */
  private syncFocusEdges(): void {
    if (this.display === this.current) return;
    const wanted = new Set<string>();
    for (const node of [this.hovered, this.selected])
      if (node !== undefined && this.current.hasNode(node))
        for (const edge of this.current.edges(node)) wanted.add(edge);
    if (this.highlighted !== undefined)
      for (const node of this.highlighted)
        for (const edge of this.current.outEdges(node))
          if (this.highlighted.has(this.current.target(edge))) wanted.add(edge);
    for (const edge of this.display.edges()) if (!wanted.has(edge)) this.display.dropEdge(edge);
    for (const edge of wanted)
      if (!this.display.hasEdge(edge))
        this.display.addEdgeWithKey(
          edge,
          this.current.source(edge),
          this.current.target(edge),
          this.current.getEdgeAttributes(edge),
        );
  }

  /** Hands sigma the data, or a copy of its nodes without edges (edges on demand). */
  private useDisplay(): void {
    if (this.allEdges) this.display = this.current;
    else {
      const display = newGraph();
      this.current.forEachNode((key, attributes) => {
        display.addNode(key, { ...attributes });
      });
      this.display = display;
      this.syncFocusEdges();
    }
    this.sigma.setGraph(this.display);
  }

  /** Replaces the graph with a serialized one (the API's format), then lays it out. */
  load(serialized: SerializedGraph): void {
    this.stopLayout();
    this.selected = undefined;
    this.highlighted = undefined;
    this.root = serialized.attributes.root;
    // A fresh graph handed to sigma whole: importing into the graph sigma watches would make it
    // process every one of 200,000 additions on its own.
    const next = newGraph();
    next.import({
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
    performance.mark('trustmap:graph-imported');
    this.current = next;
    this.allEdges = next.size <= EDGES_ON_DEMAND_ABOVE;
    this.updateEdgeHiding();
    this.sigma.once('afterRender', () => {
      if (next.order > 0) this.events.onState('rendered');
    });
    this.useDisplay();
    void this.sigma.getCamera().reset({ duration: 0 });
    if (this.graph.order === 0) {
      this.events.onState('empty');
      return;
    }
    this.startLayout();
  }

  /** Draws every edge (true) or only the edges around the nodes in focus (false). */
  showAllEdges(all: boolean): void {
    if (all === this.allEdges) return;
    this.allEdges = all;
    this.updateEdgeHiding();
    this.useDisplay();
  }

  /**
   * sigma hides edges while the camera moves by changing the state of every edge at each start and
   * stop; worth it only when many edges are drawn, not when they are hidden anyway.
   */
  private updateEdgeHiding(): void {
    this.sigma.setSetting(
      'hideEdgesOnMove',
      this.allEdges && this.graph.size > HIDE_EDGES_ON_MOVE_ABOVE,
    );
  }

  get drawsAllEdges(): boolean {
    return this.allEdges;
  }

  /** The graph on screen (its data; the view state is not in it). */
  get graph(): Graph {
    return this.current;
  }

  has(key: string): boolean {
    return this.graph.hasNode(key);
  }

  /** Selects a node (or none), and moves the camera to it. */
  select(key: string | undefined): void {
    const previous = this.selected;
    this.selected = key !== undefined && this.graph.hasNode(key) ? key : undefined;
    this.refreshAround([previous, this.selected]);
    if (this.selected !== undefined) this.focus(this.selected);
  }

  /** Brings out these nodes (a path, what a compromised account reaches) and dims the rest. */
  highlight(keys: Iterable<string>): void {
    this.highlighted = new Set([...keys].filter((k) => this.graph.hasNode(k)));
    this.refresh();
  }

  clearHighlight(): void {
    const dimmed = this.highlighted !== undefined;
    const previous = this.selected;
    this.highlighted = undefined;
    this.selected = undefined;
    // Undimming touches every node; a selection alone, only its neighbourhood.
    if (dimmed) this.refresh();
    else this.refreshAround([previous]);
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
    const move = cameraMove(this.sigma.getCamera(), event.key, () => {
      this.clearHighlight();
    });
    if (move === undefined) return;
    event.preventDefault();
    move();
  }

  startLayout(iterations = this.graph.order > 20_000 ? 60 : 300): void {
    this.stopLayout();
    const { order, index, positions, edges } = layoutInput(this.graph);
    this.order = order;
    const worker = new Worker(new URL('./layout-worker.ts', import.meta.url), { type: 'module' });
    this.worker = worker;
    let applied = 0;
    worker.onmessage = (event: MessageEvent<LayoutPositions>) => {
      if (this.worker !== worker) return;
      // Moving every node makes sigma process the whole graph again (seconds past 100,000 items
      // without a GPU): on large graphs, show the layout's progress every few seconds only.
      const every = this.graph.order + this.graph.size > 50_000 ? 3000 : 0;
      if (!event.data.done && performance.now() - applied < every) return;
      applied = performance.now();
      const p = event.data.positions;
      const order = this.order;
      const move = (key: string, attributes: Attributes): Attributes => {
        const i = index.get(key);
        if (i === undefined) return attributes;
        return { ...attributes, x: p[2 * i], y: p[2 * i + 1] };
      };
      this.current.updateEachNodeAttributes(move);
      if (this.display !== this.current) this.display.updateEachNodeAttributes(move);
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

  /** The view as a PNG on a white background. */
  png(): Promise<Blob> {
    return pngOf(this.sigma);
  }

  gexf(): string {
    return gexfOf(this.graph);
  }

  graphml(): string {
    return graphmlOf(this.graph);
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
