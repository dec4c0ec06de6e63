/**
 * What verifying provenance costs an ingest (issue 17 item 6): the same generated closure
 * (bench/generated-registry.ts) ingested in-process on the embedded store twice, once with no
 * version attested and once with every version attested, its attestations served on loopback from
 * the real Sigstore bundles of ../shared/fixtures/npm/attestations (sigstore@1.0.0, tuf-js@1.0.0,
 * alternating). Each is verified in full (certificate chain, transparency-log entry, DSSE
 * signature, predicate) and then refused, as its subject is another package: the one part a
 * generated package cannot pass is the last comparison, so the cost measured is that of a
 * verification up to it (npm's publish attestation, signed with npm's key without a certificate
 * chain, is not verified after a refusal; bench/provenance.ts shows it adds little). Verification
 * is cached by name, version and digest, so every version costs one. A refused version has its
 * predecessor verified too (the releases "provenance dropped" compares it with), so the bench
 * verifies more documents than a closure of good attestations would: the count is printed.
 *
 * The third row ingests again into the same store: only verified facts are kept for later runs,
 * so with the bench's refused bundles it verifies everything again (the kept, verified case is
 * tests/integration/provenance-ingest.test.ts: nothing is fetched).
 *
 * With `--real <spec>`, the closure is a real one: the packuments of the npm registry (fetched once,
 * then served from memory on loopback by bench/attested-mirror.ts), every version attested.
 *
 * It runs the compiled ingest (`npm run build` first), as `trustmap ingest` does: verification runs
 * on its pool of worker threads (TRUSTMAP_VERIFY_THREADS; 0 verifies on the ingest's thread).
 *
 *   npm run build && npx tsx bench/provenance-ingest.ts [--packages 1000] [--real jest@29] [--repeat 2]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config.js';
import { verifyThreads } from '../ingest/provenance/verify-pool.js';
import { serveAttestedMirror } from './attested-mirror.js';
import {
  generateRegistry,
  serveGeneratedRegistry,
  type ServedRegistry,
} from './generated-registry.js';

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

const ATTESTATIONS = path.resolve(import.meta.dirname, '../../shared/fixtures/npm/attestations');
const BUNDLES = ['sigstore@1.0.0', 'tuf-js@1.0.0'].map((spec) =>
  fs.readFileSync(path.join(ATTESTATIONS, `${spec}.json`)),
);

interface Measured {
  ms: number;
  cpuMs: number;
  versions: number;
  /** Attestation documents the registry served during this ingest. */
  attestations: number;
}

type Serve = (options: { attestations?: readonly Buffer[] }) => Promise<ServedRegistry>;

/**
 * One ingest into a new store, and, with `again`, a second one into the same store (a later run:
 * the facts stored by the first are taken, not verified again).
 */
async function run(
  root: string,
  serve: Serve,
  attested: boolean,
  again = false,
): Promise<Measured[]> {
  const served = await serve(attested ? { attestations: BUNDLES } : {});
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trustmap-bench-provenance-'));
  const store = await EmbeddedStore.open(path.join(dir, 'graph.grafeo'));
  const measured: Measured[] = [];
  try {
    for (let i = 0; i < (again ? 2 : 1); i++) {
      const fetchedBefore = served.attestations();
      const cpu = process.cpuUsage();
      const started = performance.now();
      const summary = await ingest({
        roots: [parseRootSpec(`npm:${root}`, process.cwd())],
        store,
        registry: served.url,
      });
      const ms = performance.now() - started;
      const used = process.cpuUsage(cpu);
      if (summary.failures.length > 0) throw new Error(`${summary.failures.length} failures`);
      measured.push({
        ms,
        versions: summary.resolved.length,
        attestations: served.attestations() - fetchedBefore,
        cpuMs: (used.user + used.system) / 1000,
      });
    }
    return measured;
  } finally {
    await store.close();
    await served.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const { values } = parseArgs({
  options: {
    packages: { type: 'string', default: '1000' },
    repeat: { type: 'string', default: '2' },
    real: { type: 'string' },
  },
});
const repeat = Number(values.repeat);
let root: string;
let serve: Serve;
if (values.real === undefined) {
  const registry = generateRegistry(Number(values.packages));
  root = registry.root;
  serve = (options) => serveGeneratedRegistry(registry, options);
  console.log(
    `generated closure: ${registry.packages.length} packages, ${registry.versions} versions`,
  );
} else {
  root = values.real;
  const upstream = loadConfig().npmRegistry;
  serve = (options) => serveAttestedMirror(upstream, options);
  const [warm] = await run(root, serve, false); // fetches every packument once, untimed
  console.log(`real closure of ${root} from ${upstream}: ${warm?.versions ?? 0} versions resolved`);
}
console.log(
  `verification threads: ${verifyThreads()}; node ${process.version}; load ${os.loadavg()[0]?.toFixed(2) ?? '?'}`,
);
const kinds = ['none attested', 'every version attested', 'attested, again (same store)'] as const;
const rows = new Map<(typeof kinds)[number], Measured[]>(kinds.map((k) => [k, []]));
for (let i = 0; i < repeat; i++) {
  const [none] = await run(root, serve, false);
  const [first, again] = await run(root, serve, true, true);
  const got: [(typeof kinds)[number], Measured | undefined][] = [
    [kinds[0], none],
    [kinds[1], first],
    [kinds[2], again],
  ];
  for (const [kind, m] of got) {
    if (m === undefined) continue;
    rows.get(kind)?.push(m);
    console.log(
      `${kind.padEnd(30)}: ${(m.ms / 1000).toFixed(2)} s wall, ${(m.cpuMs / 1000).toFixed(2)} s CPU, ${m.versions} versions resolved, ${m.attestations} attestation documents fetched`,
    );
  }
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
  `${((best(kinds[1], 'cpuMs') - base.cpuMs) / Math.max(1, fetched)).toFixed(2)} ms CPU per attestation document verified (${fetched} verified); load ${os.loadavg()[0]?.toFixed(2) ?? '?'}`,
);
console.log(
  "note: a generated version's subject is refused after its SLSA bundle is verified in full, so npm's publish attestation (signed with npm's key, no certificate chain) is not verified; bench/provenance.ts measures both at about the same CPU per version",
);
