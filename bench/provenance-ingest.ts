/**
 * What verifying provenance costs an ingest (issue 17 item 6): the same generated closure
 * (bench/generated-registry.ts) ingested in-process on the embedded store, once with no version
 * attested and once with every version attested by documents that verify: each version's SLSA
 * provenance bundle and npm publish attestation, signed by the bench PKI (bench/sigstore-pki.ts,
 * @sigstore/mock) for the repository its packument names, and verified by the production verifier
 * against the bench's trusted root and npm key (given to the ingest as `trustmap provenance
 * update-root` would: ingest/verification-trust.ts). Every leaf, SCT, log entry, signature and
 * subject is checked as for npm's; as every version verifies, no compared release is verified too.
 * The documents are signed before anything is timed. After each attested ingest the bench counts
 * the resolved versions stored with provenance = true and stops if one is not: a figure whose
 * facts were not verified would be void.
 *
 * The third row ingests again into the same store: the verified facts are kept, nothing fetched.
 *
 * With `--real <spec>`, the closure is a real one: the packuments of the npm registry (fetched once,
 * then served from memory on loopback by bench/attested-mirror.ts), every resolved version with a
 * GitHub repository attested by the bench PKI (the others name no attestations' worth: 404).
 *
 * It runs the compiled ingest (`npm run build` first), as `trustmap ingest` does: verification runs
 * on its pool of worker threads (TRUSTMAP_VERIFY_THREADS; 0 verifies on the ingest's thread). The
 * registry answers from a process of its own (bench/registry-process.ts), as a registry does: its
 * work is not counted as the ingest's CPU, nor does it hold the ingest's event loop.
 *
 * With `--latency <ms>` (generated closures only), the registry answers each request that much
 * later, as a registry across a network does; 0 (the default) answers at once, on loopback.
 * `--shape real` (the default) gives the generated packuments as many versions as the packuments
 * of real closures have (a median of 25, bench/generated-registry.ts); `--shape small` gives them
 * 1 to 12, the shape of the scale benches, whose ingest takes a sixth to an eighth of the time a version.
 *
 *   npm run build && TRUSTMAP_VERIFY_THREADS=1 npx tsx bench/provenance-ingest.ts [--packages 1000] [--latency 20] [--shape real|small] [--real jest@29] [--repeat 2]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config.js';
import { verifyThreads } from '../ingest/provenance/verify-pool.js';
import { attestedVersion, signAll } from './attested-registry.js';
import { generateRegistry, type RegistryShape } from './generated-registry.js';
import { startRegistryProcess, type RegistryProcess } from './registry-process.js';
import { createBenchPki, type AttestedVersion } from './sigstore-pki.js';

/** The compiled module of a source path, typed as the source. */
async function compiled<T>(source: string): Promise<T> {
  const file = path.resolve(import.meta.dirname, '../dist', source.replace(/\.ts$/, '.js'));
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run npm run build first`);
  return (await import(pathToFileURL(file).href)) as T;
}
const { EmbeddedStore } = await compiled<typeof import('../graph/embedded/embedded-store.js')>(
  'graph/embedded/embedded-store.ts',
);
const { ingest } = await compiled<typeof import('../ingest/run-ingest.js')>('ingest/run-ingest.ts');
const { parseRootSpec } = await compiled<typeof import('../ingest/spec.js')>('ingest/spec.ts');
const { verificationThreads } = await compiled<
  typeof import('../ingest/provenance/verify-pool.js')
>('ingest/provenance/verify-pool.ts');
const { useVerificationTrust } = await compiled<typeof import('../ingest/verification-trust.js')>(
  'ingest/verification-trust.ts',
);

const load = (): string => os.loadavg()[0]?.toFixed(2) ?? '?';

interface Measured {
  ms: number;
  cpuMs: number;
  versions: number;
  /** Attestation documents the registry served during this ingest. */
  attestations: number;
  /** Resolved versions stored with provenance = true. */
  verified: number;
  /** The first few of the others, with what the store says of them (an attested run's). */
  unverified: string[];
  /** When the verification threads had answered half and all of this ingest's documents (ms). */
  answeredAt: { half: number; all: number } | undefined;
}

/**
 * When the pool's threads had answered half and all of `expected` verifications, sampled every
 * 10 ms from now: whether verification kept up with the walk or was what the ingest waited for.
 */
function watchAnswers(expected: number): () => Measured['answeredAt'] {
  const started = performance.now();
  const base = verificationThreads().answered;
  let half: number | undefined;
  let all: number | undefined;
  const timer = setInterval(() => {
    const answered = verificationThreads().answered - base;
    const now = performance.now() - started;
    if (half === undefined && answered * 2 >= expected) half = now;
    if (all === undefined && answered >= expected) all = now;
  }, 10);
  return () => {
    clearInterval(timer);
    return expected === 0 || half === undefined || all === undefined ? undefined : { half, all };
  };
}

/**
 * One ingest into a new store, and, with `again`, a second one into the same store (a later run:
 * the facts stored by the first are taken, not verified again).
 */
async function run(
  root: string,
  registry: RegistryProcess,
  documents: ReadonlyMap<string, Buffer> | undefined,
  again = false,
): Promise<{ measured: Measured[]; resolved: string[] }> {
  const served = await registry.serve(documents);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trustmap-bench-provenance-'));
  const store = await EmbeddedStore.open(path.join(dir, 'graph.grafeo'));
  const measured: Measured[] = [];
  let resolved: string[] = [];
  try {
    for (let i = 0; i < (again ? 2 : 1); i++) {
      const fetchedBefore = (await served.counts()).attestations;
      const cpu = process.cpuUsage();
      const answered = watchAnswers(i === 0 ? (documents?.size ?? 0) : 0);
      const started = performance.now();
      const summary = await ingest({
        roots: [parseRootSpec(`npm:${root}`, process.cwd())],
        store,
        registry: served.url,
      });
      const ms = performance.now() - started;
      const used = process.cpuUsage(cpu);
      const answeredAt = answered();
      if (summary.failures.length > 0) throw new Error(`${summary.failures.length} failures`);
      resolved = summary.resolved;
      let verified = 0;
      const unverified: string[] = [];
      for (const key of summary.resolved) {
        const properties = (await store.node(key))?.properties;
        if (properties?.provenance === true) verified += 1;
        else if (i === 0 && unverified.length < 5 && documents?.has(documentKey(key)) === true)
          unverified.push(
            `${key}: ${JSON.stringify(properties?.provenanceUnknown ?? properties?.provenanceReason ?? 'no fact')}`,
          );
      }
      measured.push({
        ms,
        versions: summary.resolved.length,
        attestations: (await served.counts()).attestations - fetchedBefore,
        cpuMs: (used.user + used.system) / 1000,
        verified,
        unverified,
        answeredAt,
      });
    }
    return { measured, resolved };
  } finally {
    await store.close();
    await served.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** 'pkg:npm/%40s/n@1.0.0' -> '@s/n@1.0.0', as the signed documents are named. */
function documentKey(key: string): string {
  const parsed = nameAndVersion(key);
  return parsed === undefined ? key : `${decodeURIComponent(parsed[0])}@${parsed[1]}`;
}

/** 'pkg:npm/@s/n@1.0.0' -> ['@s/n', '1.0.0']. */
function nameAndVersion(key: string): [string, string] | undefined {
  const match = /^pkg:npm\/(.+)@([^@]+)$/.exec(key);
  return match?.[1] === undefined || match[2] === undefined ? undefined : [match[1], match[2]];
}

/** The resolved versions of a closure that can carry bench attestations (a GitHub repository). */
async function realVersions(
  registry: RegistryProcess,
  resolved: readonly string[],
): Promise<AttestedVersion[]> {
  const served = await registry.serve();
  const packuments = new Map<string, Promise<Record<string, unknown>>>();
  const out: AttestedVersion[] = [];
  try {
    for (const key of resolved) {
      const parsed = nameAndVersion(key);
      if (parsed === undefined) continue;
      const [name, version] = parsed;
      let document = packuments.get(name);
      if (document === undefined) {
        document = fetch(`${served.url}${name.replace('/', '%2f')}`).then(
          (r) => r.json() as Promise<Record<string, unknown>>,
        );
        packuments.set(name, document);
      }
      const packument = await document;
      const versions = packument.versions as Record<string, Record<string, unknown>> | undefined;
      const manifest = versions?.[version];
      const attested =
        manifest === undefined ? undefined : attestedVersion(manifest, packument.repository);
      if (attested !== undefined) out.push(attested);
    }
  } finally {
    await served.close();
  }
  return out;
}

const { values } = parseArgs({
  options: {
    packages: { type: 'string', default: '1000' },
    repeat: { type: 'string', default: '2' },
    real: { type: 'string' },
    latency: { type: 'string', default: '0' },
    shape: { type: 'string', default: 'real' },
  },
});
if (values.shape !== 'real' && values.shape !== 'small')
  throw new Error(`--shape is real or small, not ${values.shape}`);
const shape: RegistryShape = values.shape;
const repeat = Number(values.repeat);
const pki = await createBenchPki();
useVerificationTrust(pki.trust);
let root: string;
let registry: RegistryProcess;
let upstream: string | undefined;
if (values.real === undefined) {
  const packages = Number(values.packages);
  const generated = generateRegistry(packages, undefined, shape);
  root = generated.root;
  const latencyMs = Number(values.latency);
  registry = startRegistryProcess({ kind: 'generated', packages, latencyMs, shape });
  console.log(
    `generated registry (shape ${shape}): ${generated.packages.length} packages, ${generated.versions} versions; every answer ${latencyMs} ms late`,
  );
} else {
  root = values.real;
  upstream = loadConfig().npmRegistry;
  registry = startRegistryProcess({ kind: 'mirror', upstream });
}
// The registry child is stopped however the bench ends (a failed run included).
try {
  // Untimed: a first ingest (for a real closure, it fetches every packument once) says which
  // versions the closure resolves, and only those are signed (a verified version's compared
  // releases are not fetched).
  const warm = await run(root, registry, undefined);
  const signing = performance.now();
  const versions = await realVersions(registry, warm.resolved);
  const documents = await signAll(pki, versions);
  console.log(
    `${upstream === undefined ? 'generated' : `real (${upstream})`} closure of ${root}: ${warm.resolved.length} versions resolved, ${versions.length} with a GitHub repository attested`,
  );
  console.log(
    `setup (untimed): ${documents.size} attestation documents signed by the bench PKI in ${((performance.now() - signing) / 1000).toFixed(1)} s`,
  );
  console.log(`verification threads: ${verifyThreads()}; node ${process.version}; load ${load()}`);
  const kinds = [
    'none attested',
    'every version attested',
    'attested, again (same store)',
  ] as const;
  const rows = new Map<(typeof kinds)[number], Measured[]>(kinds.map((k) => [k, []]));
  for (let i = 0; i < repeat; i++) {
    const none = (await run(root, registry, undefined)).measured[0];
    const [first, again] = (await run(root, registry, documents, true)).measured;
    const got: [(typeof kinds)[number], Measured | undefined][] = [
      [kinds[0], none],
      [kinds[1], first],
      [kinds[2], again],
    ];
    for (const [kind, m] of got) {
      if (m === undefined) continue;
      rows.get(kind)?.push(m);
      console.log(
        `${kind.padEnd(30)}: ${(m.ms / 1000).toFixed(2)} s wall, ${(m.cpuMs / 1000).toFixed(2)} s CPU, ${m.versions} versions resolved, ${m.attestations} attestation documents fetched, ${m.verified} stored with provenance = true${m.answeredAt === undefined ? '' : `; threads answered half by ${(m.answeredAt.half / 1000).toFixed(2)} s, all by ${(m.answeredAt.all / 1000).toFixed(2)} s`}; load ${load()}`,
      );
    }
    if (first !== undefined && first.verified !== versions.length)
      throw new Error(
        `only ${first.verified} of ${versions.length} attested versions verified: void (${first.unverified.join('; ')})`,
      );
  }
  const best = (kind: (typeof kinds)[number], key: 'ms' | 'cpuMs'): number =>
    Math.min(...(rows.get(kind) ?? []).map((r) => r[key]));
  const fetched = Math.max(...(rows.get(kinds[1]) ?? []).map((r) => r.attestations));
  const base = { ms: best(kinds[0], 'ms'), cpuMs: best(kinds[0], 'cpuMs') };
  for (const kind of kinds.slice(1))
    console.log(
      `${kind}: adds ${((best(kind, 'ms') / base.ms - 1) * 100).toFixed(1)}% wall time and ${((best(kind, 'cpuMs') / base.cpuMs - 1) * 100).toFixed(1)}% CPU (best of ${repeat})`,
    );
  console.log(
    `${((best(kinds[1], 'cpuMs') - base.cpuMs) / Math.max(1, fetched)).toFixed(2)} ms CPU per attestations document verified (${fetched} documents, two bundles each); load ${load()}`,
  );
} finally {
  await registry.exit();
}
