/**
 * The cost of provenance verification per version, cold (no VerificationCache): the two real npm
 * attestation documents (sigstore@1.0.0, tuf-js@1.0.0: SLSA provenance + npm publish attestation
 * each), the two real PEP 740 objects, and the registry signatures of every signed fixture
 * version. The trusted root is parsed once (as ingest does); the first call, which builds it, is
 * timed apart. Usage: npx tsx bench/provenance.ts [rounds=200]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  verifyNpmAttestations,
  verifyPep740,
  verifyRegistrySignatures,
} from '../ingest/provenance/index.js';

const rounds = Number(process.argv[2] ?? 200);
const FIXTURES = path.resolve(import.meta.dirname, '../../shared/fixtures');

function json(file: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8')) as unknown;
}

interface Payloaded {
  attestations?: { bundle: { dsseEnvelope: { payload: string } } }[];
  attestation_bundles?: { attestations: { envelope: { statement: string } }[] }[];
}

function subjectDigest(document: unknown, algorithm: 'sha512' | 'sha256'): string {
  const doc = document as Payloaded;
  const payload =
    doc.attestations?.[0]?.bundle.dsseEnvelope.payload ??
    doc.attestation_bundles?.[0]?.attestations[0]?.envelope.statement ??
    '';
  const statement = JSON.parse(Buffer.from(payload, 'base64').toString()) as {
    subject: { digest: Record<string, string> }[];
  };
  return statement.subject[0]?.digest[algorithm] ?? '';
}

const npm = ['sigstore', 'tuf-js'].map((name) => {
  const document = json(`npm/attestations/${name}@1.0.0.json`);
  const hex = subjectDigest(document, 'sha512');
  const integrity = `sha512-${Buffer.from(hex, 'hex').toString('base64')}`;
  return { document, subject: { name, version: '1.0.0', integrity } };
});
const pypi = ['sigstore-3.6.1.tar.gz', 'pypi_attestations-0.0.19.tar.gz'].map((filename) => {
  const document = json(`pypi/provenance/${filename}.provenance.json`);
  return { document, subject: { filename, sha256: subjectDigest(document, 'sha256') } };
});
const signed: { signatures: unknown; subject: Parameters<typeof verifyRegistrySignatures>[1] }[] =
  [];
for (const file of fs.readdirSync(path.join(FIXTURES, 'npm/packuments'))) {
  const doc = json(`npm/packuments/${file}`) as {
    name: string;
    time: Record<string, string>;
    versions: Record<string, { dist: { integrity?: string; signatures?: unknown } }>;
  };
  for (const [version, manifest] of Object.entries(doc.versions)) {
    const { integrity, signatures } = manifest.dist;
    const publishedAt = doc.time[version];
    if (signatures === undefined || integrity === undefined || publishedAt === undefined) continue;
    signed.push({ signatures, subject: { name: doc.name, version, integrity, publishedAt } });
  }
}

async function time(label: string, count: number, work: () => Promise<boolean>): Promise<void> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < count; i++) if (!(await work())) throw new Error(`${label}: not verified`);
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  console.log(
    `| ${label} | ${count} | ${(ms / count).toFixed(3)} | ${(cpuMs / count).toFixed(3)} | ${Math.round((count * 1000) / ms)} |`,
  );
}

const sample = npm[0];
if (sample === undefined) throw new Error('no npm attestation fixture');
const first = performance.now();
const firstFact = await verifyNpmAttestations(sample.document, sample.subject);
console.log(
  `first npm verification (parses the trusted root): ${(performance.now() - first).toFixed(1)} ms, verified ${String(firstFact.verified)}`,
);
console.log(
  `node ${process.version}, load average ${os.loadavg()[0]?.toFixed(2) ?? '?'}, rounds ${rounds}`,
);
console.log('| verification | count | ms each (wall) | CPU ms each | per second (wall) |');
console.log('|---|---:|---:|---:|---:|');
let n = 0;
await time('npm attestations (2 bundles each)', rounds * npm.length, async () => {
  const entry = npm[n++ % npm.length];
  return (
    entry !== undefined && (await verifyNpmAttestations(entry.document, entry.subject)).verified
  );
});
n = 0;
await time('PEP 740 provenance (1 bundle each)', rounds * pypi.length, async () => {
  const entry = pypi[n++ % pypi.length];
  return entry !== undefined && (await verifyPep740(entry.document, entry.subject)).verified;
});
n = 0;
await time('npm registry signature', rounds * 10, () => {
  const entry = signed[n++ % signed.length];
  return Promise.resolve(
    entry !== undefined && verifyRegistrySignatures(entry.signatures, entry.subject).verified,
  );
});
console.log(`load average after: ${os.loadavg()[0]?.toFixed(2) ?? '?'}`);
