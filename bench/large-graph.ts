/**
 * A generated, scored npm-shaped graph of about 1.5M relationships, written through the store's
 * batched writer (UNWIND ... MERGE) and scored by the score stage (load, compute, write), for the
 * API's scale figures (bench/api.ts). Packages `large-<i>` (i < packages) have `versions` each;
 * every version depends on `deps` packages among the next `window` ones and resolves each to one
 * of its versions, so the closure of `large-<i>` grows with the packages after i: `closureRoot`
 * is the one whose closure is about `closure` versions. People maintain and publish, every package
 * has a repository owned by an organisation, with contributors; one in eight is scoped.
 *
 *   npx tsx bench/large-graph.ts [file] [--no-score]   writes (or reuses) the embedded file, scores
 *   it unless told not to, and prints its size
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedStore } from '../graph/embedded/embedded-store.js';
import type { RelationshipType } from '../graph/model.js';
import type { GraphStore, NodeRow, RelationshipRow } from '../graph/store.js';
import { loadTrustGraph } from '../trust/load.js';
import { computeScores } from '../trust/score.js';
import { writeScores } from '../trust/write-scores.js';

export interface LargeGraphShape {
  packages: number;
  versions: number;
  deps: number;
  window: number;
  people: number;
  orgs: number;
  /** Versions in the closure of `closureRoot`. */
  closure: number;
}

export const LARGE_GRAPH: LargeGraphShape = {
  packages: 40_000,
  versions: 3,
  deps: 4,
  window: 2_000,
  people: 15_000,
  orgs: 5_000,
  closure: 50_000,
};

export interface LargeGraph {
  shape: LargeGraphShape;
  /** A root version whose closure holds about `shape.closure` versions. */
  closureRoot: string;
  /** A root version with a small closure (the last packages'). */
  smallRoot: string;
  /** Another large root: its closure is about 60% of `shape.closure` versions, within that one. */
  otherRoot: string;
  /** Keys to ask node details for: packages, versions, people. */
  sampleKeys: string[];
  /** People to ask what-if for. */
  samplePeople: string[];
  /** Search phrases. */
  samplePhrases: string[];
  nodes: number;
  relationships: number;
  writeMs: number;
  scoreMs: number;
}

const pkgKey = (i: number): string => `pkg:npm/large-${i}`;
const versionKey = (i: number, v: number): string => `pkg:npm/large-${i}@1.${v}.0`;
const personKey = (i: number): string => `person:npm:dev-${i}`;
const repoKey = (i: number): string => `repo:github.com/org-${i % 5000}/large-${i}`;
const orgKey = (i: number): string => `org:github:org-${i}`;
const scopeKey = (i: number): string => `org:npm:@scope-${i}`;

/** Rows written per call: the store batches them in transactions of its own size. */
const CHUNK = 50_000;

async function writeRelationships(
  store: GraphStore,
  type: RelationshipType,
  rows: RelationshipRow[],
): Promise<number> {
  for (let i = 0; i < rows.length; i += CHUNK)
    await store.upsertRelationships(type, rows.slice(i, i + CHUNK));
  return rows.length;
}

async function writeNodes(
  store: GraphStore,
  label: Parameters<GraphStore['upsertNodes']>[0],
  rows: NodeRow[],
): Promise<number> {
  for (let i = 0; i < rows.length; i += CHUNK)
    await store.upsertNodes(label, rows.slice(i, i + CHUNK));
  return rows.length;
}

export function largeGraphRoots(
  shape: LargeGraphShape,
): Pick<
  LargeGraph,
  'closureRoot' | 'smallRoot' | 'otherRoot' | 'sampleKeys' | 'samplePeople' | 'samplePhrases'
> {
  const start = Math.max(0, shape.packages - Math.ceil(shape.closure / shape.versions));
  const sample = (n: number, of: number): number[] =>
    Array.from({ length: n }, (_, i) => Math.floor(((i * 7919) % n) * (of / n)));
  return {
    closureRoot: versionKey(start, shape.versions - 1),
    smallRoot: versionKey(shape.packages - 50, shape.versions - 1),
    otherRoot: versionKey(
      Math.max(0, shape.packages - Math.ceil((0.6 * shape.closure) / shape.versions)),
      shape.versions - 1,
    ),
    sampleKeys: sample(200, shape.packages).flatMap((i) => [
      pkgKey(i),
      versionKey(i, i % shape.versions),
      personKey(i % shape.people),
    ]),
    samplePeople: sample(100, shape.people).map(personKey),
    samplePhrases: sample(100, shape.packages).map((i) => `large-${i}`),
  };
}

/** Writes the graph through `store`'s writer, unscored. */
export async function writeLargeGraphData(
  store: GraphStore,
  shape: LargeGraphShape = LARGE_GRAPH,
): Promise<Omit<LargeGraph, 'scoreMs'>> {
  let seed = 42;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return Math.floor((seed / 2 ** 31) * n);
  };
  const started = performance.now();
  const at = (i: number): string => new Date(Date.UTC(2020, 0, 1) + i * 3_600_000).toISOString();
  let nodes = 0;
  let relationships = 0;
  nodes += await writeNodes(
    store,
    'Package',
    Array.from({ length: shape.packages }, (_, i) => ({
      key: pkgKey(i),
      props: {
        ecosystem: 'npm',
        name: `large-${i}`,
        latest: `1.${shape.versions - 1}.0`,
        deprecated: false,
        maintainersKnown: true,
        createdAt: at(i),
      },
    })),
  );
  const versionRows: NodeRow[] = [];
  const hasVersion: RelationshipRow[] = [];
  const dependsOn: RelationshipRow[] = [];
  const resolvesTo: RelationshipRow[] = [];
  const published: RelationshipRow[] = [];
  const root = largeGraphRoots(shape).closureRoot;
  for (let i = 0; i < shape.packages; i++) {
    for (let v = 0; v < shape.versions; v++) {
      const key = versionKey(i, v);
      versionRows.push({
        key,
        props: {
          version: `1.${v}.0`,
          publishedAt: at(i + v * 24),
          license: 'MIT',
          hasInstallScripts: (i + v) % 97 === 0,
          provenance: i % 3 === 0,
        },
      });
      hasVersion.push({ from: pkgKey(i), to: key, props: {} });
      published.push({ from: personKey(random(shape.people)), to: key, props: {} });
      const targets = new Set<number>();
      for (let d = 0; d < shape.deps && i + 1 < shape.packages; d++)
        targets.add(i + 1 + random(Math.min(shape.window, shape.packages - i - 1)));
      for (const t of targets) {
        dependsOn.push({ from: key, to: pkgKey(t), props: { kind: 'prod', range: '^1.0.0' } });
        resolvesTo.push({
          from: key,
          to: versionKey(t, random(shape.versions)),
          props: { root, range: '^1.0.0' },
        });
      }
    }
  }
  nodes += await writeNodes(store, 'Version', versionRows);
  nodes += await writeNodes(
    store,
    'Person',
    Array.from({ length: shape.people }, (_, i) => ({
      key: personKey(i),
      props: { name: `dev-${i}` },
    })),
  );
  nodes += await writeNodes(store, 'Organisation', [
    ...Array.from({ length: shape.orgs }, (_, i) => ({
      key: orgKey(i),
      props: { name: `org-${i}`, kind: 'github' },
    })),
    ...Array.from({ length: Math.ceil(shape.packages / 8) }, (_, i) => ({
      key: scopeKey(i),
      props: { name: `@scope-${i}`, kind: 'npm-scope' },
    })),
  ]);
  nodes += await writeNodes(
    store,
    'Repository',
    Array.from({ length: shape.packages }, (_, i) => ({
      key: repoKey(i),
      props: { url: `https://github.com/org-${i % 5000}/large-${i}`, archived: false },
    })),
  );
  relationships += await writeRelationships(store, 'HAS_VERSION', hasVersion);
  relationships += await writeRelationships(store, 'DEPENDS_ON', dependsOn);
  relationships += await writeRelationships(store, 'RESOLVES_TO', resolvesTo);
  relationships += await writeRelationships(store, 'PUBLISHED', published);
  const maintains: RelationshipRow[] = [];
  const hosted: RelationshipRow[] = [];
  const owned: RelationshipRow[] = [];
  const contributes: RelationshipRow[] = [];
  const scoped: RelationshipRow[] = [];
  for (let i = 0; i < shape.packages; i++) {
    const people = new Set([random(shape.people), random(shape.people), random(shape.people)]);
    for (const p of [...people].slice(0, 1 + (i % 3)))
      maintains.push({ from: personKey(p), to: pkgKey(i), props: {} });
    hosted.push({ from: pkgKey(i), to: repoKey(i), props: { verified: false } });
    owned.push({ from: repoKey(i), to: orgKey(i % shape.orgs), props: {} });
    for (const p of people)
      contributes.push({
        from: personKey(p),
        to: repoKey(i),
        props: { commits: 1 + random(500), lastCommitAt: at(i) },
      });
    if (i % 8 === 0) scoped.push({ from: pkgKey(i), to: scopeKey(i / 8), props: {} });
  }
  relationships += await writeRelationships(store, 'MAINTAINS', maintains);
  relationships += await writeRelationships(store, 'HOSTED_AT', hosted);
  relationships += await writeRelationships(store, 'OWNED_BY', owned);
  relationships += await writeRelationships(store, 'CONTRIBUTES_TO', contributes);
  relationships += await writeRelationships(store, 'IN_SCOPE', scoped);
  return {
    shape,
    ...largeGraphRoots(shape),
    nodes,
    relationships,
    writeMs: Math.round(performance.now() - started),
  };
}

const heapMiB = (): string => {
  const m = process.memoryUsage();
  return `heap ${Math.round(m.heapUsed / 2 ** 20)} MiB, rss ${Math.round(m.rss / 2 ** 20)} MiB`;
};

/** Where the stages' times and memory go (the bench prints them; tests pass nothing). */
export type StageLog = (line: string) => void;

/** Scores the written graph as `trustmap score` does (load, compute, write); its time in ms. */
export async function scoreLargeGraph(store: GraphStore, log?: StageLog): Promise<number> {
  const started = performance.now();
  const stage = (name: string): void => {
    const at = ((performance.now() - started) / 1000).toFixed(1);
    log?.(`score: ${name} at ${at} s, ${heapMiB()}`);
  };
  const loaded = await loadTrustGraph(store);
  stage('loaded');
  const scores = computeScores(loaded, { anchors: [orgKey(0), personKey(0)] });
  stage('computed');
  await writeScores(store, scores, new Date().toISOString());
  stage('written');
  return Math.round(performance.now() - started);
}

/** Writes the graph through `store`'s writer and scores it as `trustmap score` does. */
export async function writeLargeGraph(
  store: GraphStore,
  shape: LargeGraphShape = LARGE_GRAPH,
  log?: StageLog,
): Promise<LargeGraph> {
  const written = await writeLargeGraphData(store, shape);
  log?.(`written in ${(written.writeMs / 1000).toFixed(1)} s, ${heapMiB()}`);
  return { ...written, scoreMs: await scoreLargeGraph(store, log) };
}

/**
 * The cached embedded file: written once, then reopened. `.written.json` beside it says the graph
 * is whole (a failed scoring run starts again from there), `.done.json` that it is scored too.
 */
export async function openLargeEmbedded(
  file: string,
  { score = true, log }: { score?: boolean; log?: StageLog } = {},
): Promise<{ store: EmbeddedStore; graph: LargeGraph }> {
  const done = `${file}.done.json`;
  const writtenFile = `${file}.written.json`;
  if (fs.existsSync(done)) {
    const store = await EmbeddedStore.open(file);
    const graph = JSON.parse(fs.readFileSync(done, 'utf8')) as LargeGraph;
    // A file cached before a root was added to LargeGraph: the roots follow from the shape.
    return { store, graph: { ...graph, ...largeGraphRoots(graph.shape) } };
  }
  let written: Omit<LargeGraph, 'scoreMs'>;
  let store: EmbeddedStore;
  if (fs.existsSync(writtenFile)) {
    store = await EmbeddedStore.open(file);
    const cached = JSON.parse(fs.readFileSync(writtenFile, 'utf8')) as Omit<LargeGraph, 'scoreMs'>;
    written = { ...cached, ...largeGraphRoots(cached.shape) };
  } else {
    fs.rmSync(file, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(file), { recursive: true });
    store = await EmbeddedStore.open(file);
    written = await writeLargeGraphData(store);
    log?.(`written in ${(written.writeMs / 1000).toFixed(1)} s, ${heapMiB()}`);
    fs.writeFileSync(writtenFile, JSON.stringify(written));
  }
  if (!score) return { store, graph: { ...written, scoreMs: NaN } };
  const graph = { ...written, scoreMs: await scoreLargeGraph(store, log) };
  fs.writeFileSync(done, JSON.stringify(graph));
  return { store, graph };
}

export const DEFAULT_LARGE_FILE = path.join(os.tmpdir(), 'trustmap-large-graph', 'graph.grafeo');

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const started = performance.now();
  const args = process.argv.slice(2);
  const { store, graph } = await openLargeEmbedded(
    args.find((a) => !a.startsWith('--')) ?? DEFAULT_LARGE_FILE,
    {
      score: !args.includes('--no-score'),
      log: (line) => {
        console.error(line);
      },
    },
  );
  console.log(
    JSON.stringify({
      ...graph,
      sampleKeys: undefined,
      openMs: Math.round(performance.now() - started),
    }),
  );
  console.log(JSON.stringify(await store.counts()));
  await store.close();
}
