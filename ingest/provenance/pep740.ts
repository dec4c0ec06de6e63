/**
 * PEP 740 provenance (PyPI's integrity API, `/integrity/<project>/<version>/<file>/provenance`):
 * each attestation is a Sigstore bundle in PyPI's wrapping (an envelope of statement and
 * signature, the leaf certificate, the transparency entries). It is rewrapped as a v0.3 bundle
 * and verified with @sigstore/verify; the statement must name the file and its sha256, and the
 * Trusted Publisher PyPI names must be the identity the certificate was issued to.
 */
import { z } from 'zod';
import { issuerMismatch, type CertificateIdentity } from './certificate.js';
import { IN_TOTO_PAYLOAD_TYPE, logUrl, verifySignedStatement } from './signed-statement.js';
import type { Pep740Fact, PublisherIdentity, SigstoreOptions } from './types.js';

const BUNDLE_V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const base64 = z
  .string()
  .max(64 * 1024)
  .regex(/^[A-Za-z0-9+/=\s]*$/);

const attestationSchema = z.object({
  version: z.literal(1),
  envelope: z.object({ statement: base64, signature: base64 }),
  verification_material: z.object({
    certificate: base64,
    transparency_entries: z.array(z.unknown()).min(1).max(8),
  }),
});

const publisherSchema = z.object({
  kind: z.string().min(1).max(100),
  repository: z.string().max(500).nullish(),
  workflow: z.string().max(500).nullish(),
  environment: z.string().max(500).nullish(),
  project: z.string().max(500).nullish(),
});

const provenanceSchema = z.object({
  version: z.literal(1),
  attestation_bundles: z
    .array(
      z.object({
        publisher: publisherSchema,
        attestations: z.array(attestationSchema).min(1).max(8),
      }),
    )
    .min(1)
    .max(8),
});

type Attestation = z.infer<typeof attestationSchema>;

/** A PyPI attestation as the Sigstore bundle it carries. */
export function pep740Bundle(attestation: Attestation): unknown {
  const material = attestation.verification_material;
  return {
    mediaType: BUNDLE_V03,
    verificationMaterial: {
      certificate: { rawBytes: material.certificate },
      tlogEntries: material.transparency_entries,
    },
    dsseEnvelope: {
      payload: attestation.envelope.statement,
      payloadType: IN_TOTO_PAYLOAD_TYPE,
      signatures: [{ sig: attestation.envelope.signature, keyid: '' }],
    },
  };
}

function publisherOf(parsed: z.infer<typeof publisherSchema>): PublisherIdentity {
  const publisher: PublisherIdentity = { kind: parsed.kind };
  if (typeof parsed.repository === 'string') publisher.repository = parsed.repository;
  if (typeof parsed.workflow === 'string') publisher.workflow = parsed.workflow;
  if (typeof parsed.environment === 'string') publisher.environment = parsed.environment;
  return publisher;
}

const HOSTS: Record<string, string> = { GitHub: 'github.com', GitLab: 'gitlab.com' };

/** Why the certificate is not the publisher's, or undefined when it is. */
function publisherMismatch(
  publisher: PublisherIdentity,
  certificate: CertificateIdentity,
): string | undefined {
  const host = Object.prototype.hasOwnProperty.call(HOSTS, publisher.kind)
    ? HOSTS[publisher.kind]
    : undefined;
  if (host === undefined)
    return `the publisher kind ${publisher.kind.slice(0, 50)} is not one trustmap can check`;
  if (publisher.repository === undefined) return 'PyPI names no publisher repository';
  const claimed = `${host}/${publisher.repository}`.toLowerCase();
  if (certificate.repository?.toLowerCase() !== claimed)
    return `PyPI names the publisher ${claimed} but the certificate was issued to ${certificate.repository ?? 'no repository'}`;
  if (publisher.kind === 'GitHub' && publisher.workflow !== undefined) {
    const file = certificate.workflow?.split('/').pop();
    if (file !== publisher.workflow)
      return `PyPI names the workflow ${publisher.workflow} but the certificate ${certificate.workflow ?? 'none'}`;
  }
  return undefined;
}

/** A PEP 740 provenance object (PyPI integrity API) for one distribution file. */
export function verifyPep740(
  document: unknown,
  subject: { filename: string; sha256: string },
  options: SigstoreOptions = {},
): Promise<Pep740Fact> {
  return Promise.resolve(verifyNow(document, subject, options));
}

function verifyNow(
  document: unknown,
  subject: { filename: string; sha256: string },
  options: SigstoreOptions,
): Pep740Fact {
  const parsed = provenanceSchema.safeParse(document);
  if (!parsed.success) return { verified: false, reason: 'not a PEP 740 provenance object' };
  let fact: Pep740Fact | undefined;
  for (const bundle of parsed.data.attestation_bundles) {
    const publisher = publisherOf(bundle.publisher);
    for (const attestation of bundle.attestations) {
      const result = verifyAttestation(attestation, publisher, subject, options);
      if (!result.verified) return result;
      fact ??= result;
    }
  }
  return fact ?? { verified: false, reason: 'the provenance object carries no attestation' };
}

function verifyAttestation(
  attestation: Attestation,
  publisher: PublisherIdentity,
  subject: { filename: string; sha256: string },
  options: SigstoreOptions,
): Pep740Fact {
  const verified = verifySignedStatement(pep740Bundle(attestation), options);
  if ('reason' in verified) return { verified: false, reason: verified.reason, publisher };
  const { statement, certificate } = verified;
  const fact: Pep740Fact = { verified: false, publisher };
  if (verified.logIndex !== undefined) {
    fact.logIndex = verified.logIndex;
    fact.logUrl = logUrl(verified.logIndex);
  }
  if (verified.integratedAt !== undefined) fact.integratedAt = verified.integratedAt;
  if (certificate === undefined)
    return { ...fact, reason: 'the signing certificate does not parse' };
  if (certificate.repository !== undefined) fact.repository = certificate.repository;
  if (certificate.commit !== undefined) fact.commit = certificate.commit;
  if (certificate.workflow !== undefined) fact.workflow = certificate.workflow;
  if (certificate.issuer !== undefined) fact.issuer = certificate.issuer;
  if (certificate.ref !== undefined) fact.ref = certificate.ref;
  const entry = statement.subject.find((candidate) => candidate.name === subject.filename);
  if (entry === undefined)
    return { ...fact, reason: `the attestation is not about ${subject.filename}` };
  const digest = Object.prototype.hasOwnProperty.call(entry.digest, 'sha256')
    ? entry.digest.sha256
    : undefined;
  if (digest?.toLowerCase() !== subject.sha256.toLowerCase())
    return { ...fact, reason: "the subject digest is not the file's sha256" };
  const mismatch = publisherMismatch(publisher, certificate);
  if (mismatch !== undefined) return { ...fact, reason: mismatch };
  const issuer = issuerMismatch(certificate);
  if (issuer !== undefined) return { ...fact, reason: issuer };
  if (publisher.environment !== undefined)
    fact.unchecked = [
      `the environment ${publisher.environment} is PyPI's word: a Fulcio certificate records no deployment environment`,
    ];
  return { ...fact, verified: true };
}
