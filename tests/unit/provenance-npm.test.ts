/**
 * npm provenance verified against the shipped Sigstore trusted root, offline: the real bundles of
 * sigstore@1.0.0 and tuf-js@1.0.0 verify; each tampering, a foreign subject, another repository
 * and an expired key fail with the reason a user reads.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  PINNED_REGISTRY_KEYS,
  SHIPPED_TRUSTED_ROOT,
  verifyNpmAttestations,
  type RegistryKey,
} from '../../ingest/provenance/index.js';
import { FIXTURES } from '../helpers/fixture-registry.js';

type Json = Record<string, unknown>;

function load(spec: string): Json {
  return JSON.parse(
    fs.readFileSync(path.join(FIXTURES, 'npm/attestations', `${spec}.json`), 'utf8'),
  ) as Json;
}

function attestations(document: Json): Json[] {
  return document.attestations as Json[];
}

function first<T>(items: T[]): T {
  const item = items[0];
  if (item === undefined) throw new Error('the fixture has no entry');
  return item;
}

/** The DSSE envelope of the document's SLSA provenance bundle. */
function envelopeOf(document: Json): Json {
  return (first(attestations(document)).bundle as Json).dsseEnvelope as Json;
}

/** dist.integrity as the bundle's own subject states it (sha512 hex -> sha512-<base64>). */
function integrityOf(document: Json): string {
  const envelope = envelopeOf(document);
  const statement = JSON.parse(Buffer.from(envelope.payload as string, 'base64').toString()) as {
    subject: { digest: { sha512: string } }[];
  };
  return `sha512-${Buffer.from(first(statement.subject).digest.sha512, 'hex').toString('base64')}`;
}

const SIGSTORE = {
  name: 'sigstore',
  version: '1.0.0',
  integrity: integrityOf(load('sigstore@1.0.0')),
};
const TUF_JS = { name: 'tuf-js', version: '1.0.0', integrity: integrityOf(load('tuf-js@1.0.0')) };

describe('verifyNpmAttestations on the real bundles', () => {
  it('verifies sigstore@1.0.0 and says what was built from where', async () => {
    const fact = await verifyNpmAttestations(load('sigstore@1.0.0'), SIGSTORE);
    expect(fact).toMatchObject({
      verified: true,
      repository: 'github.com/sigstore/sigstore-js',
      commit: '06528997c3c8ab9f864fad9a3658446aca7fd86d',
      workflow: '.github/workflows/publish.yml',
      builder: 'https://github.com/npm/cli@9.4.2',
      issuer: 'https://token.actions.githubusercontent.com',
      logIndex: 12988397,
      logUrl: 'https://search.sigstore.dev/?logIndex=12988397',
      integratedAt: '2023-02-09T17:56:00.000Z',
    });
    expect(fact.reason).toBeUndefined();
  });

  it('verifies tuf-js@1.0.0 from its own repository', async () => {
    const fact = await verifyNpmAttestations(load('tuf-js@1.0.0'), TUF_JS);
    expect(fact.verified).toBe(true);
    expect(fact.repository).toBe('github.com/theupdateframework/tuf-js');
    expect(fact.commit).toBe('99624cc7ce39872e6bd08a0df59229a48562dbca');
  });

  it('fails a bundle altered by one byte of its signed payload', async () => {
    const document = load('sigstore@1.0.0');
    const envelope = envelopeOf(document);
    const payload = Buffer.from(envelope.payload as string, 'base64');
    const at = payload.indexOf('sigstore-js');
    payload[at] = 'S'.charCodeAt(0);
    envelope.payload = payload.toString('base64');
    const fact = await verifyNpmAttestations(document, SIGSTORE);
    expect(fact.verified).toBe(false);
    expect(fact.reason).toMatch(/^the (signature over the attestation|transparency-log entry)/);
  });

  it('fails a bundle whose signature is altered by one byte', async () => {
    const document = load('tuf-js@1.0.0');
    const envelope = envelopeOf(document);
    const signature = first(envelope.signatures as Json[]);
    const bytes = Buffer.from(signature.sig as string, 'base64');
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 1, bytes.length - 1);
    signature.sig = bytes.toString('base64');
    const fact = await verifyNpmAttestations(document, TUF_JS);
    expect(fact.verified).toBe(false);
    expect(fact.reason).toMatch(/does not verify|does not record this signature/);
  });

  it("fails when the subject digest is not the tarball's dist.integrity", async () => {
    const fact = await verifyNpmAttestations(load('sigstore@1.0.0'), {
      ...SIGSTORE,
      integrity: TUF_JS.integrity,
    });
    expect(fact).toMatchObject({
      verified: false,
      reason: "the subject digest is not the tarball's dist.integrity",
      repository: 'github.com/sigstore/sigstore-js',
    });
  });

  it("fails one package's attestations served for another", async () => {
    const fact = await verifyNpmAttestations(load('sigstore@1.0.0'), TUF_JS);
    expect(fact).toMatchObject({
      verified: false,
      reason: 'the attestation is not about pkg:npm/tuf-js@1.0.0',
    });
  });

  it('fails a certificate for another repository than the one the package claims, naming both', async () => {
    const fact = await verifyNpmAttestations(load('sigstore@1.0.0'), SIGSTORE, {
      expectedRepository: 'github.com/someone/sigstore-js',
    });
    expect(fact.verified).toBe(false);
    expect(fact.repository).toBe('github.com/sigstore/sigstore-js');
    expect(fact.reason).toBe(
      'built from github.com/sigstore/sigstore-js, not from github.com/someone/sigstore-js, the repository the package claims',
    );
  });

  it("fails when npm's attestation key had expired before the log integrated the entry", async () => {
    const expired: RegistryKey[] = PINNED_REGISTRY_KEYS.map((key) => ({
      ...key,
      expires: '2023-01-01T00:00:00.000Z',
    }));
    const fact = await verifyNpmAttestations(load('sigstore@1.0.0'), SIGSTORE, { keys: expired });
    expect(fact.verified).toBe(false);
    expect(fact.reason).toMatch(
      /^npm's publish attestation: the signing key is not trusted at the signing time \(.*2023-02-09/,
    );
  });

  it('fails a certificate used outside the validity of the authority that issued it', async () => {
    const root = structuredClone(SHIPPED_TRUSTED_ROOT) as {
      certificateAuthorities: { validFor: { start: string; end?: string } }[];
    };
    for (const authority of root.certificateAuthorities)
      authority.validFor.end = '2022-12-31T23:59:59.999Z';
    const fact = await verifyNpmAttestations(load('tuf-js@1.0.0'), TUF_JS, { trustedRoot: root });
    expect(fact.verified).toBe(false);
    expect(fact.reason).toMatch(/^the signing certificate does not chain to the trusted root/);
  });

  it('fails without a trusted root to check against', async () => {
    const fact = await verifyNpmAttestations(load('tuf-js@1.0.0'), TUF_JS, {
      trustedRoot: { mediaType: 'text/plain' },
    });
    expect(fact).toMatchObject({ verified: false });
    expect(fact.reason).toMatch(/^not a Sigstore trusted root/);
  });

  it.each([
    ['null', null],
    ['a string', 'attestations'],
    ['no attestations', { attestations: [] }],
    [
      'a bundle of the wrong shape',
      {
        attestations: [
          { predicateType: 'https://slsa.dev/provenance/v1', bundle: { mediaType: 7 } },
        ],
      },
    ],
    [
      '__proto__ keys',
      JSON.parse(
        '{"__proto__": {"attestations": []}, "attestations": [{"__proto__": {}, "predicateType": "https://slsa.dev/provenance/v0.2", "bundle": {"__proto__": {"x": 1}}}]}',
      ) as unknown,
    ],
    [
      'too many attestations',
      { attestations: Array.from({ length: 1000 }, () => ({ predicateType: 'x', bundle: {} })) },
    ],
  ])('returns a reason, never throws, for %s', async (_label, document) => {
    const fact = await verifyNpmAttestations(document, SIGSTORE);
    expect(fact.verified).toBe(false);
    expect(typeof fact.reason).toBe('string');
    expect(fact.reason?.length).toBeGreaterThan(10);
  });
});
