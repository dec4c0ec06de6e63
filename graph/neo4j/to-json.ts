/** Neo4j's values (Integer, Node, Relationship, Path, temporal, spatial) as plain JSON. */
import neo4j from 'neo4j-driver';
import type { Node, Path, Relationship } from 'neo4j-driver';
import {
  emptyRecord,
  integerToJson,
  type JsonNode,
  type JsonRelationship,
  type JsonValue,
} from '../values.js';

function propertiesToJson(properties: Record<string, unknown>): { [key: string]: JsonValue } {
  const out = emptyRecord<JsonValue>();
  for (const [name, value] of Object.entries(properties)) out[name] = neo4jToJson(value);
  return out;
}

function nodeToJson(node: Node): JsonNode {
  return {
    kind: 'node',
    id: node.elementId,
    labels: [...node.labels],
    properties: propertiesToJson(node.properties),
  };
}

function relationshipToJson(relationship: Relationship): JsonRelationship {
  return {
    kind: 'relationship',
    id: relationship.elementId,
    type: relationship.type,
    start: relationship.startNodeElementId,
    end: relationship.endNodeElementId,
    properties: propertiesToJson(relationship.properties),
  };
}

function pathToJson(path: Path): JsonValue {
  return {
    kind: 'path',
    nodes: [path.start, ...path.segments.map((segment) => segment.end)].map(nodeToJson),
    relationships: path.segments.map((segment) => relationshipToJson(segment.relationship)),
  };
}

/**
 * A value the driver decoded, as plain JSON. Lists are converted in place: give it the driver's
 * own values only, each once (a record's, which is not read after).
 */
export function neo4jToJson(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return integerToJson(value);
  // Before the driver's type checks, which each ask several properties of a list: a read's rows
  // are mostly lists of strings (the graph cut's children, 156,206 in 39,092 lists for 50k nodes).
  // Converted in place: a list the driver decoded is the record's alone, read once, here.
  if (Array.isArray(value)) {
    const list: unknown[] = value;
    for (let i = 0; i < list.length; i++) list[i] = neo4jToJson(list[i]);
    return list as JsonValue[];
  }
  // As integerToJson(BigInt(value.toString())) gives, without the string and the BigInt.
  if (neo4j.isInt(value)) return value.inSafeRange() ? value.toNumber() : value.toString();
  if (neo4j.isNode(value)) return nodeToJson(value);
  if (neo4j.isRelationship(value)) return relationshipToJson(value);
  if (neo4j.isPath(value)) return pathToJson(value);
  if (
    neo4j.isDate(value) ||
    neo4j.isDateTime(value) ||
    neo4j.isLocalDateTime(value) ||
    neo4j.isTime(value) ||
    neo4j.isLocalTime(value) ||
    neo4j.isDuration(value)
  ) {
    return value.toString();
  }
  if (neo4j.isPoint(value)) {
    const point: { [key: string]: JsonValue } = {
      srid: neo4jToJson(value.srid),
      x: value.x,
      y: value.y,
    };
    if (value.z !== undefined) point.z = value.z;
    return point;
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'object') return propertiesToJson(value as Record<string, unknown>);
  return Object.prototype.toString.call(value);
}
