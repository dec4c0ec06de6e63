/**
 * PEP 740 provenance objects from PyPI's integrity API (the real ones of sigstore 3.6.1 and
 * pypi-attestations 0.0.19) verify offline with the Trusted Publisher checked against the
 * certificate; what cannot be checked is said, and tampering fails with a reason.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyPep740 } from '../../ingest/provenance/index.js';
import { FIXTURES } from '../helpers/fixture-registry.js';

interface Provenance {
  attestation_bundles: {
    publisher: Record<string, unknown>;
    attestations: { envelope: { statement: string; signature: string } }[];
  }[];
}

function load(filename: string): Provenance {
  return JSON.parse(
    fs.readFileSync(path.join(FIXTURES, 'pypi/provenance', `${filename}.provenance.json`), 'utf8'),
  ) as Provenance;
}

function bundleOf(document: Provenance): Provenance['attestation_bundles'][number] {
  const bundle = document.attestation_bundles[0];
  if (bundle === undefined) throw new Error('the fixture has no attestation bundle');
  return bundle;
}

function envelopeOf(document: Provenance): { statement: string; signature: string } {
  const attestation = bundleOf(document).attestations[0];
  if (attestation === undefined) throw new Error('the fixture has no attestation');
  return attestation.envelope;
}

/** The file's sha256 as the statement's subject states it. */
function sha256Of(document: Provenance): string {
  const statement = JSON.parse(
    Buffer.from(envelopeOf(document).statement, 'base64').toString(),
  ) as {
    subject: { digest: { sha256: string } }[];
  };
  const digest = statement.subject[0]?.digest.sha256;
  if (digest === undefined) throw new Error('the statement has no sha256 subject');
  return digest;
}

const SIGSTORE = 'sigstore-3.6.1.tar.gz';
const ATTESTATIONS = 'pypi_attestations-0.0.19.tar.gz';

describe('verifyPep740', () => {
  it('verifies sigstore 3.6.1 and its Trusted Publisher', async () => {
    const document = load(SIGSTORE);
    const fact = await verifyPep740(document, { filename: SIGSTORE, sha256: sha256Of(document) });
    expect(fact).toEqual({
      verified: true,
      publisher: {
        kind: 'GitHub',
        repository: 'sigstore/sigstore-python',
        workflow: 'release.yml',
      },
      repository: 'github.com/sigstore/sigstore-python',
      commit: '896cfe13105495e6dc6f8faf23e1007da35edeeb',
      workflow: '.github/workflows/release.yml',
      issuer: 'https://token.actions.githubusercontent.com',
      ref: 'refs/tags/v3.6.1',
      logIndex: 156716889,
      logUrl: 'https://search.sigstore.dev/?logIndex=156716889',
      integratedAt: '2024-12-19T17:09:53.000Z',
    });
  });

  it('verifies pypi-attestations 0.0.19', async () => {
    const document = load(ATTESTATIONS);
    const fact = await verifyPep740(document, {
      filename: ATTESTATIONS,
      sha256: sha256Of(document),
    });
    expect(fact.verified).toBe(true);
    expect(fact.repository).toBe('github.com/trailofbits/pypi-attestations');
  });

  it("fails when the subject digest is not the file's sha256", async () => {
    const document = load(SIGSTORE);
    const fact = await verifyPep740(document, {
      filename: SIGSTORE,
      sha256: sha256Of(load(ATTESTATIONS)),
    });
    expect(fact).toMatchObject({
      verified: false,
      reason: "the subject digest is not the file's sha256",
    });
  });

  it('fails a statement altered by one byte', async () => {
    const document = load(SIGSTORE);
    const sha256 = sha256Of(document);
    const envelope = envelopeOf(document);
    const statement = Buffer.from(envelope.statement, 'base64');
    statement.writeUInt8(statement.readUInt8(statement.length - 2) ^ 1, statement.length - 2);
    envelope.statement = statement.toString('base64');
    const fact = await verifyPep740(document, { filename: SIGSTORE, sha256 });
    expect(fact.verified).toBe(false);
    expect(fact.reason).toMatch(/^the (signature over the attestation|transparency-log entry)/);
  });

  it('fails a publisher the certificate was not issued to, naming both', async () => {
    const document = load(SIGSTORE);
    bundleOf(document).publisher.repository = 'someone/sigstore-python';
    const fact = await verifyPep740(document, { filename: SIGSTORE, sha256: sha256Of(document) });
    expect(fact).toMatchObject({
      verified: false,
      reason:
        'PyPI names the publisher github.com/someone/sigstore-python but the certificate was issued to github.com/sigstore/sigstore-python',
      repository: 'github.com/sigstore/sigstore-python',
    });
  });

  it('fails a publisher workflow the certificate does not name', async () => {
    const document = load(SIGSTORE);
    bundleOf(document).publisher.workflow = 'other.yml';
    const fact = await verifyPep740(document, { filename: SIGSTORE, sha256: sha256Of(document) });
    expect(fact.verified).toBe(false);
    expect(fact.reason).toBe(
      'PyPI names the workflow other.yml but the certificate .github/workflows/release.yml',
    );
  });

  it('says the environment is unchecked: a Fulcio certificate does not carry one', async () => {
    const document = load(SIGSTORE);
    bundleOf(document).publisher.environment = 'release';
    const fact = await verifyPep740(document, { filename: SIGSTORE, sha256: sha256Of(document) });
    expect(fact.verified).toBe(true);
    expect(fact.publisher?.environment).toBe('release');
    expect(fact.unchecked).toEqual([
      "the environment release is PyPI's word: a Fulcio certificate records no deployment environment",
    ]);
  });

  it('reports a publisher kind it cannot check as unverifiable, with the reason', async () => {
    const document = load(SIGSTORE);
    bundleOf(document).publisher.kind = 'Google';
    const fact = await verifyPep740(document, { filename: SIGSTORE, sha256: sha256Of(document) });
    expect(fact).toMatchObject({
      verified: false,
      reason: 'the publisher kind Google is not one trustmap can check',
      repository: 'github.com/sigstore/sigstore-python',
    });
  });

  it.each([
    ['null', null],
    ['version 2', { version: 2, attestation_bundles: [] }],
    ['no bundles', { version: 1, attestation_bundles: [] }],
    [
      '__proto__',
      JSON.parse(
        '{"__proto__": {"version": 1}, "version": 1, "attestation_bundles": [{"__proto__": {}}]}',
      ) as unknown,
    ],
  ])('returns a reason, never throws, for %s', async (_label, document) => {
    const fact = await verifyPep740(document, { filename: SIGSTORE, sha256: '00' });
    expect(fact).toEqual({ verified: false, reason: 'not a PEP 740 provenance object' });
  });
});
