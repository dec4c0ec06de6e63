/**
 * The bench's attestations verify through the production path (issue 17 item 6): a generated
 * registry on loopback serves every version the documents the bench PKI signed
 * (bench/sigstore-pki.ts), the ingest verifies them against the bench's trusted root and npm key
 * (given as `trustmap provenance update-root` would), and the real embedded store keeps the facts.
 * One package's documents have one byte of the provenance signature changed: refused, with a reason.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attestedVersion, signAll } from '../../bench/attested-registry.js';
import {
  generateRegistry,
  packument,
  serveGeneratedRegistry,
  type ServedRegistry,
} from '../../bench/generated-registry.js';
import { createBenchPki, type AttestedVersion } from '../../bench/sigstore-pki.js';
import { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import type { JsonValue } from '../../graph/values.js';
import { ingest } from '../../ingest/run-ingest.js';
import { parseRootSpec } from '../../ingest/spec.js';
import { useVerificationTrust } from '../../ingest/verification-trust.js';
import { tempDir } from '../helpers/temp.js';

const registry = generateRegistry(4, 17);
const altered = registry.packages[1]?.name ?? '';
let served: ServedRegistry;
let work: { dir: string; cleanup: () => void };
let resolved: string[] = [];
const props = new Map<string, Record<string, JsonValue>>();
const hostedAt = new Map<string, Record<string, JsonValue>>();
const repositories = new Map<string, string>();

/** The document with one byte of its provenance bundle's DSSE signature changed. */
function alterOneByte(document: Buffer): Buffer {
  const parsed = JSON.parse(document.toString('utf8')) as {
    attestations: { bundle: { dsseEnvelope: { signatures: { sig: string }[] } } }[];
  };
  const signature = parsed.attestations[0]?.bundle.dsseEnvelope.signatures[0] as { sig: string };
  const bytes = Buffer.from(signature.sig, 'base64');
  bytes[12] = (bytes[12] ?? 0) ^ 1;
  signature.sig = bytes.toString('base64');
  return Buffer.from(JSON.stringify(parsed));
}

beforeAll(async () => {
  const pki = await createBenchPki();
  const versions: AttestedVersion[] = [];
  registry.packages.forEach((_, index) => {
    const document = packument(registry, index, 'http://127.0.0.1/') as {
      versions: Record<string, Parameters<typeof attestedVersion>[0]>;
    };
    for (const manifest of Object.values(document.versions)) {
      const version = attestedVersion(manifest);
      if (version === undefined) throw new Error('a generated version cannot be attested');
      versions.push(version);
      repositories.set(version.name, version.repository);
    }
  });
  const documents = await signAll(pki, versions);
  for (const [spec, document] of documents)
    if (spec.startsWith(`${altered}@`)) documents.set(spec, alterOneByte(document));
  served = await serveGeneratedRegistry(registry, { attestationsByVersion: documents });
  work = tempDir('trustmap-bench-pki-');
  useVerificationTrust(pki.trust);
  const store = await EmbeddedStore.open(path.join(work.dir, 'graph.grafeo'));
  try {
    const summary = await ingest({
      roots: [parseRootSpec(`npm:${registry.root}`, work.dir)],
      store,
      registry: served.url,
    });
    expect(summary.failures).toEqual([]);
    resolved = summary.resolved;
    for (const key of resolved) props.set(key, (await store.node(key))?.properties ?? {});
    for (const pkg of registry.packages)
      for (const n of await store.neighbours(`pkg:npm/${pkg.name}`, 100))
        if (n.type === 'HOSTED_AT') hostedAt.set(pkg.name, n.properties);
  } finally {
    await store.close();
    useVerificationTrust({});
  }
}, 120_000);
afterAll(async () => {
  await served.close();
  work.cleanup();
});

describe("the bench PKI's attestations, through the production verifier", () => {
  it('stores every version with a good bundle as provenance = true, built from its repository', () => {
    const good = resolved.filter((key) => !key.startsWith(`pkg:npm/${altered}@`));
    expect(good.length).toBeGreaterThanOrEqual(2);
    for (const key of good) {
      const name = /^pkg:npm\/(.+)@[^@]+$/.exec(key)?.[1] ?? '';
      expect(props.get(key)).toMatchObject({
        attested: true,
        provenance: true,
        provenanceSource: repositories.get(name),
        provenanceIssuer: 'https://token.actions.githubusercontent.com',
        provenanceWorkflow: '.github/workflows/release.yml',
      });
      expect(props.get(key)?.provenanceReason ?? null).toBeNull();
      expect(hostedAt.get(name)).toMatchObject({ verified: true, evidence: 'provenance' });
    }
  });

  it('refuses a bundle altered by one byte, and says why', () => {
    const refused = resolved.filter((key) => key.startsWith(`pkg:npm/${altered}@`));
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const key of refused)
      expect(props.get(key)).toMatchObject({
        attested: true,
        provenance: false,
        provenanceReason:
          'the transparency-log entry does not record this signature (tlog entry signature mismatch)',
      });
    expect(hostedAt.get(altered)?.verified).toBeUndefined();
  });
});
