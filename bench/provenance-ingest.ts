/**
 * What verifying provenance costs an ingest (issue 17 item 6): the same generated closure
 * (bench/generated-registry.ts) ingested in-process on the embedded store twice, once with no
 * version attested and once with every version attested, its attestations served on loopback from
 * the real Sigstore bundles of ../shared/fixtures/npm/attestations (sigstore@1.0.0, tuf-js@1.0.0,
 * alternating). Each is verified in full (certificate chain, transparency-log entry, DSSE
 * signature, predicate) and then refused, as its subject is another package: the one part a
 * generated package cannot pass is the last comparison, so the cost measured is that of a
 * verification up to it (npm's publish attestation, signed with npm's key without a certificate
 * chain, is not verified after a refusal; bench/provenance.ts shows it adds little). Verification is cached by name, version and digest, so every version costs one.
 *
 *   npx tsx bench/provenance-ingest.ts [--packages 1000] [--repeat 2]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EmbeddedStore } from '../graph/embedded/embedded-store.js';
import { ingest } from '../ingest/run-ingest.js';
import { parseRootSpec } from '../ingest/spec.js';
import {
  generateRegistry,
  serveGeneratedRegistry,
  type GeneratedRegistry,
} from './generated-registry.js';

const ATTESTATIONS = path.resolve(import.meta.dirname, '../../shared/fixtures/npm/attestations');
const BUNDLES = ['sigstore@1.0.0', 'tuf-js@1.0.0'].map((spec) =>
  fs.readFileSync(path.join(ATTESTATIONS, `${spec}.json`)),
);

async function run(
  registry: GeneratedRegistry,
  attested: boolean,
): Promise<{ ms: number; versions: number; attestations: number; cpuMs: number }> {
  const served = await serveGeneratedRegistry(registry, attested ? { attestations: BUNDLES } : {});
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trustmap-bench-provenance-'));
  const store = await EmbeddedStore.open(path.join(dir, 'graph.grafeo'));
  try {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const summary = await ingest({
      roots: [parseRootSpec(`npm:${registry.root}`, process.cwd())],
      store,
      registry: served.url,
    });
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    if (summary.failures.length > 0) throw new Error(`${summary.failures.length} failures`);
    return {
      ms,
      versions: summary.resolved.length,
      attestations: served.attestations(),
      cpuMs: (used.user + used.system) / 1000,
    };
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
  },
});
const registry = generateRegistry(Number(values.packages));
const repeat = Number(values.repeat);
console.log(
  `generated closure: ${registry.packages.length} packages, ${registry.versions} versions; load ${os.loadavg()[0]?.toFixed(2) ?? '?'}`,
);
const rows: {
  attested: boolean;
  ms: number;
  cpuMs: number;
  versions: number;
  attestations: number;
}[] = [];
for (let i = 0; i < repeat; i++)
  for (const attested of [false, true]) {
    const result = await run(registry, attested);
    rows.push({ attested, ...result });
    console.log(
      `${attested ? 'every version attested' : 'none attested         '}: ${(result.ms / 1000).toFixed(2)} s wall, ${(result.cpuMs / 1000).toFixed(2)} s CPU, ${result.versions} versions resolved, ${result.attestations} attestation documents fetched`,
    );
  }
const best = (attested: boolean, key: 'ms' | 'cpuMs'): number =>
  Math.min(...rows.filter((r) => r.attested === attested).map((r) => r[key]));
const fetched = Math.max(...rows.filter((r) => r.attested).map((r) => r.attestations));
const wall = best(true, 'ms') / best(false, 'ms') - 1;
const cpu = best(true, 'cpuMs') / best(false, 'cpuMs') - 1;
console.log(
  `verification adds ${(wall * 100).toFixed(1)}% wall time and ${(cpu * 100).toFixed(1)}% CPU (best of ${repeat}); ${(((best(true, 'cpuMs') - best(false, 'cpuMs')) / Math.max(1, fetched)) * 1).toFixed(2)} ms CPU per version verified (${fetched} verified); load ${os.loadavg()[0]?.toFixed(2) ?? '?'}`,
);
console.log(
  "note: a generated version's subject is refused after its SLSA bundle is verified in full, so npm's publish attestation (signed with npm's key, no certificate chain) is not verified; bench/provenance.ts measures both at about the same CPU per version",
);
