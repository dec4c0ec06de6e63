/**
 * A generated dependency chain, written into a store through the GraphStore upsert API the way an
 * ingest writes it: `chain-0@1.0.0` (the root) depends on `chain-1`, which depends on `chain-2`,
 * and so on to `chain-<depth-1>`. Each package has one maintainer of its own
 * (`person:npm:chain-<i>`) and no provenance, so the deepest maintainer reaches every version of
 * the chain and every version is a "single maintainer, no provenance" target. Answers that carry
 * a path per reached version grow with the square of the depth on it.
 */
import type { GraphStore } from '../../graph/store.js';
import { loadTrustGraph } from '../../trust/load.js';
import { computeScores } from '../../trust/score.js';
import { writeScores } from '../../trust/write-scores.js';

export interface DeepChain {
  depth: number;
  /** The root version's key. */
  root: string;
  /** The version keys from the root down. */
  versions: string[];
  /** The maintainer of the deepest package: a compromise of this account reaches the whole chain. */
  deepest: string;
}

const packageKey = (i: number): string => `pkg:npm/chain-${i}`;
const versionKey = (i: number): string => `${packageKey(i)}@1.0.0`;
const personKey = (i: number): string => `person:npm:chain-${i}`;

export async function writeDeepChain(store: GraphStore, depth = 5000): Promise<DeepChain> {
  const indexes = Array.from({ length: depth }, (_, i) => i);
  const below = indexes.slice(0, -1);
  const root = versionKey(0);
  await store.upsertNodes(
    'Package',
    indexes.map((i) => ({
      key: packageKey(i),
      props: { ecosystem: 'npm', name: `chain-${i}`, latest: '1.0.0', maintainersKnown: true },
    })),
  );
  await store.upsertNodes(
    'Version',
    indexes.map((i) => ({
      key: versionKey(i),
      props: { version: '1.0.0', publishedAt: '2026-01-01T00:00:00.000Z', provenance: false },
    })),
  );
  await store.upsertNodes(
    'Person',
    indexes.map((i) => ({ key: personKey(i), props: { name: `chain-${i}` } })),
  );
  await store.upsertRelationships(
    'HAS_VERSION',
    indexes.map((i) => ({ from: packageKey(i), to: versionKey(i), props: {} })),
  );
  await store.upsertRelationships(
    'MAINTAINS',
    indexes.map((i) => ({ from: personKey(i), to: packageKey(i), props: {} })),
  );
  await store.upsertRelationships(
    'PUBLISHED',
    indexes.map((i) => ({ from: personKey(i), to: versionKey(i), props: {} })),
  );
  await store.upsertRelationships(
    'DEPENDS_ON',
    below.map((i) => ({
      from: versionKey(i),
      to: packageKey(i + 1),
      props: { kind: 'prod', range: '^1.0.0' },
    })),
  );
  await store.upsertRelationships(
    'RESOLVES_TO',
    below.map((i) => ({
      from: versionKey(i),
      to: versionKey(i + 1),
      props: { root, range: '^1.0.0' },
    })),
  );
  return {
    depth,
    root,
    versions: indexes.map(versionKey),
    deepest: personKey(depth - 1),
  };
}

/** The chain written and scored (no anchors), as the explorer and the API see it. */
export async function writeScoredDeepChain(store: GraphStore, depth = 5000): Promise<DeepChain> {
  const chain = await writeDeepChain(store, depth);
  await writeScores(
    store,
    computeScores(await loadTrustGraph(store), { anchors: [] }),
    new Date().toISOString(),
  );
  return chain;
}
