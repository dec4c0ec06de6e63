/**
 * Graph records a mapper produces: nodes by label and key, relationships by type and identity.
 * Records with the same identity are merged (later properties win), so a batch never holds two
 * rows the store would merge into one.
 */
import {
  RELATIONSHIPS,
  type NodeLabel,
  type RelationshipSpec,
  type RelationshipType,
} from '../graph/model.js';
import type { NodeRow, Properties, PropertyValue, RelationshipRow } from '../graph/store.js';
import { checkNodeRows, checkRelationshipRows } from '../graph/values.js';

type Mutable = Record<string, PropertyValue>;

export class GraphRecords {
  readonly nodes = new Map<NodeLabel, Map<string, Mutable>>();
  readonly relationships = new Map<RelationshipType, Map<string, RelationshipRow>>();

  node(label: NodeLabel, key: string, props: Properties = {}): this {
    let byKey = this.nodes.get(label);
    if (byKey === undefined) this.nodes.set(label, (byKey = new Map<string, Mutable>()));
    const existing = byKey.get(key);
    byKey.set(
      key,
      Object.assign(existing ?? (Object.create(null) as Mutable), withoutUndefined(props)),
    );
    return this;
  }

  relationship(type: RelationshipType, from: string, to: string, props: Properties = {}): this {
    let byId = this.relationships.get(type);
    if (byId === undefined)
      this.relationships.set(type, (byId = new Map<string, RelationshipRow>()));
    const spec: RelationshipSpec = RELATIONSHIPS[type];
    const identity =
      spec.identity === undefined ? '' : JSON.stringify(props[spec.identity] ?? null);
    const id = `${from}\u0000${to}\u0000${identity}`;
    const existing = byId.get(id);
    byId.set(id, { from, to, props: { ...(existing?.props ?? {}), ...withoutUndefined(props) } });
    return this;
  }

  merge(other: GraphRecords): this {
    for (const [label, byKey] of other.nodes)
      for (const [key, props] of byKey) this.node(label, key, props);
    for (const [type, byId] of other.relationships)
      for (const row of byId.values()) this.relationship(type, row.from, row.to, row.props);
    return this;
  }

  nodeRows(label: NodeLabel): NodeRow[] {
    return [...(this.nodes.get(label) ?? new Map<string, Mutable>())].map(([key, props]) => ({
      key,
      props,
    }));
  }

  relationshipRows(type: RelationshipType): RelationshipRow[] {
    return [...(this.relationships.get(type)?.values() ?? [])];
  }

  /**
   * Checks every row as the store will (key and string lengths, property names and types), so a
   * mapper can refuse one document's records before they join a batch: a row the store refuses
   * fails the whole batch it is in. Throws `InvalidInputError` naming the row.
   */
  check(): this {
    for (const label of this.nodes.keys()) checkNodeRows(this.nodeRows(label), label);
    for (const type of this.relationships.keys()) {
      const spec: RelationshipSpec = RELATIONSHIPS[type];
      checkRelationshipRows(this.relationshipRows(type), type, spec.identity);
    }
    return this;
  }

  get size(): number {
    let size = 0;
    for (const byKey of this.nodes.values()) size += byKey.size;
    for (const byId of this.relationships.values()) size += byId.size;
    return size;
  }
}

function withoutUndefined(props: Properties): Properties {
  const out = Object.create(null) as Mutable;
  for (const [name, value] of Object.entries(props) as [string, PropertyValue | undefined][]) {
    if (value !== undefined) out[name] = value;
  }
  return out;
}
