/**
 * Packuments in the registry's shape for the two versions whose real provenance bundles are in
 * ../shared/fixtures/npm/attestations (sigstore@1.0.0, tuf-js@1.0.0; their `dist.integrity` read
 * from the bundles' subject digests), served with those bundles by the test registry, and the
 * cases that must not verify (each has dependencies: a version nothing resolves from or to is
 * not scored): a later sigstore release whose bundle was altered, and tuf-js
 * claiming a repository it was not built from.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FIXTURES, type FixtureRegistry } from './fixture-registry.js';

const ATTESTATIONS = path.join(FIXTURES, 'npm/attestations');

export function attestationsOf(spec: string): { attestations: { bundle: unknown }[] } {
  return JSON.parse(fs.readFileSync(path.join(ATTESTATIONS, `${spec}.json`), 'utf8')) as {
    attestations: { bundle: unknown }[];
  };
}

/** `sha512-<base64>` of the digest the bundle's in-toto subject names. */
export function integrityOf(spec: string): string {
  const bundle = attestationsOf(spec).attestations[0]?.bundle as {
    dsseEnvelope: { payload: string };
  };
  const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString()) as {
    subject: { digest: { sha512: string } }[];
  };
  const hex = statement.subject[0]?.digest.sha512 ?? '';
  return `sha512-${Buffer.from(hex, 'hex').toString('base64')}`;
}

/** The bundles of `spec` with one byte of the first one's signature changed. */
export function tamperedAttestations(spec: string): unknown {
  const document = attestationsOf(spec);
  const bundle = document.attestations[0]?.bundle as {
    dsseEnvelope: { signatures: { sig: string }[] };
  };
  const signature = bundle.dsseEnvelope.signatures[0] as { sig: string };
  const bytes = Buffer.from(signature.sig, 'base64');
  bytes[10] = (bytes[10] ?? 0) ^ 1;
  signature.sig = bytes.toString('base64');
  return document;
}

const bot = { name: 'sigstore-bot', email: 'sigstore-bot@example.org' };

function version(
  name: string,
  v: string,
  integrity: string,
  attested: boolean,
  dependencies: Record<string, string> = { 'is-number': '^4.0.0' },
): unknown {
  return {
    name,
    version: v,
    license: 'Apache-2.0',
    maintainers: [bot],
    _npmUser: bot,
    dependencies,
    dist: {
      integrity,
      shasum: '0'.repeat(40),
      tarball: `https://registry.npmjs.org/${name}/-/${name}-${v}.tgz`,
      ...(attested
        ? {
            attestations: {
              url: `https://registry.npmjs.org/-/npm/v1/attestations/${name}@${v}`,
              provenance: { predicateType: 'https://slsa.dev/provenance/v0.2' },
            },
          }
        : {}),
    },
  };
}

/**
 * sigstore 0.9.0 (no attestations), 1.0.0 (the real bundle) and 1.0.1 (attestations that were
 * altered: they no longer verify); tuf-js 1.0.0 (the real bundle) whose packument names another
 * repository than the one the build proves.
 */
export function addAttestedPackuments(registry: FixtureRegistry): void {
  const sigstore = integrityOf('sigstore@1.0.0');
  registry.overrides.set('sigstore', {
    name: 'sigstore',
    'dist-tags': { latest: '1.0.1' },
    maintainers: [bot],
    repository: { type: 'git', url: 'git+https://github.com/sigstore/sigstore-js.git' },
    time: {
      created: '2022-06-01T00:00:00.000Z',
      '0.9.0': '2022-06-01T00:00:00.000Z',
      '1.0.0': '2023-02-09T17:56:00.000Z',
      '1.0.1': '2023-03-01T00:00:00.000Z',
    },
    versions: {
      '0.9.0': version('sigstore', '0.9.0', `sha512-${'A'.repeat(86)}==`, false),
      '1.0.0': version('sigstore', '1.0.0', sigstore, true),
      '1.0.1': version('sigstore', '1.0.1', `sha512-${'B'.repeat(86)}==`, true),
    },
  });
  registry.overrides.set('-/npm/v1/attestations/sigstore@1.0.0', attestationsOf('sigstore@1.0.0'));
  registry.overrides.set(
    '-/npm/v1/attestations/sigstore@1.0.1',
    tamperedAttestations('sigstore@1.0.0'),
  );
  registry.overrides.set('tuf-js', {
    name: 'tuf-js',
    'dist-tags': { latest: '1.0.0' },
    maintainers: [bot],
    repository: { type: 'git', url: 'git+https://github.com/popular/famous-lib.git' },
    time: { created: '2022-10-01T00:00:00.000Z', '1.0.0': '2023-02-09T17:38:25.000Z' },
    versions: {
      '1.0.0': version('tuf-js', '1.0.0', integrityOf('tuf-js@1.0.0'), true, {
        lodash: '4.17.21',
        'is-stream': '3.0.0',
      }),
    },
  });
  registry.overrides.set('-/npm/v1/attestations/tuf-js@1.0.0', attestationsOf('tuf-js@1.0.0'));
}
