/**
 * How sigma draws the graph: node shapes (by kind, colours.ts), label thresholds, and the ring a
 * version with a high change flag gets (view state through the node reducer, never the data).
 */
import { DEFAULT_STYLES } from 'sigma';
import { layerFill, sdfCircle, sdfDiamond, sdfSquare, sdfTriangle } from 'sigma/rendering';
import type { EdgeDisplayData, NodeDisplayData } from 'sigma/types';
import { FLAGGED } from './colours.js';

type NodeReducer = (key: string, data: NodeDisplayData) => Partial<NodeDisplayData>;
type EdgeReducer = (key: string, data: EdgeDisplayData) => Partial<EdgeDisplayData>;

/** Sigma's options with the canvas's reducers. */
export function sigmaOptions(nodeReducer: NodeReducer, edgeReducer: EdgeReducer) {
  return {
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
    nodeReducer,
    edgeReducer,
  };
}

/** A node ringed in the flag colour: a version with a high change flag. */
export function withFlagRing(node: NodeDisplayData): NodeDisplayData {
  return {
    ...node,
    backdropVisibility: 'visible',
    backdropArea: 'node',
    backdropColor: '#FFFFFF',
    backdropPadding: 3,
    backdropBorderColor: FLAGGED.colour,
    backdropBorderWidth: 5,
  };
}
