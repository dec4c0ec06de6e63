/**
 * One Sigstore bundle carrying a DSSE-wrapped in-toto statement, verified with @sigstore/verify:
 * the envelope's signature by the bundle's key or certificate, the certificate chain to the trusted
 * root (valid at the log's integrated time), the transparency-log entry (inclusion promise or
 * proof). Then the statement inside, parsed as the hostile JSON it still is.
 */
import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import {
  PolicyError,
  VerificationError,
  toSignedEntity,
  type SignedEntity,
} from '@sigstore/verify';
import { z } from 'zod';
import { certificateIdentity, type CertificateIdentity } from './certificate.js';
import { verifierFor } from './trust-material.js';
import { LeafCertificate } from './trusted-certificate.js';
import type { SigstoreOptions } from './types.js';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
const MAX_SUBJECTS = 64;

const statementSchema = z.object({
  _type: z.string().max(200),
  subject: z
    .array(
      z.object({
        name: z.string().max(2000),
        digest: z.record(z.string().max(64), z.string().max(256)),
      }),
    )
    .min(1)
    .max(MAX_SUBJECTS),
  predicateType: z.string().max(2000),
  predicate: z.unknown(),
});

export type Statement = z.infer<typeof statementSchema>;

export interface VerifiedStatement {
  statement: Statement;
  /** What the signing certificate says; undefined for a bundle signed by a key (npm's publish attestation). */
  certificate: CertificateIdentity | undefined;
  /** The public key hint of a key-signed bundle. */
  keyHint: string | undefined;
  logIndex: number | undefined;
  integratedAt: string | undefined;
}

const REASONS: Record<string, string> = {
  SIGNATURE_ERROR: 'the signature over the attestation does not verify',
  CERTIFICATE_ERROR:
    'the signing certificate does not chain to the trusted root at the signing time',
  PUBLIC_KEY_ERROR: 'the signing key is not trusted at the signing time',
  TLOG_ERROR: 'the transparency-log entry does not verify',
  TLOG_BODY_ERROR: 'the transparency-log entry does not record this signature',
  TLOG_INCLUSION_PROOF_ERROR: "the transparency-log entry's inclusion proof does not verify",
  TLOG_INCLUSION_PROMISE_ERROR: "the transparency-log entry's signed timestamp does not verify",
  TLOG_MISSING_INCLUSION_ERROR:
    'the transparency-log entry has neither inclusion proof nor promise',
  TIMESTAMP_ERROR: 'the signing time cannot be established',
};

function libraryReason(error: unknown): string {
  if (error instanceof VerificationError || error instanceof PolicyError) {
    const words = REASONS[error.code] ?? 'the Sigstore bundle does not verify';
    return `${words} (${error.message.slice(0, 200)})`;
  }
  return `the Sigstore bundle does not verify (${error instanceof Error ? error.message.slice(0, 200) : 'unknown error'})`;
}

/**
 * `run()` with no stack traces taken. @sigstore/core parses every OCTET STRING as if it held
 * ASN.1 and catches the error when it does not (most of a certificate's extensions), and taking
 * each error's stack was a twelfth of a verification (bench/provenance.ts). Nothing reads those
 * stacks; an error that leaves `run` keeps its message, which is all a reason uses.
 */
function withoutStacks<T>(run: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return run();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** The bundle as @sigstore/verify checks it, its signing certificate one that keeps its DER. */
function signedEntity(bundle: Bundle): SignedEntity {
  const entity = withoutStacks(() => toSignedEntity(bundle));
  if (entity.key.$case !== 'certificate') return entity;
  const certificate = new LeafCertificate(entity.key.certificate.root);
  return { ...entity, key: { $case: 'certificate', certificate } };
}

/** Verifies a serialized Sigstore bundle (hostile JSON) and returns the statement it signs. */
export function verifySignedStatement(
  serialized: unknown,
  options: SigstoreOptions,
): VerifiedStatement | { reason: string } {
  const verifier = verifierFor(options);
  if ('error' in verifier) return { reason: verifier.error };
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(serialized);
  } catch (error) {
    return {
      reason: `not a Sigstore bundle (${error instanceof Error ? error.message.slice(0, 200) : 'bad shape'})`,
    };
  }
  if (bundle.content.$case !== 'dsseEnvelope')
    return { reason: 'the Sigstore bundle signs a message, not an attestation envelope' };
  const envelope = bundle.content.dsseEnvelope;
  let entity: SignedEntity;
  try {
    entity = signedEntity(bundle);
    verifier.verify(entity);
  } catch (error) {
    return { reason: libraryReason(error) };
  }
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE)
    return {
      reason: `the envelope's payload is ${envelope.payloadType.slice(0, 100)}, not in-toto`,
    };
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(envelope.payload).toString('utf8'));
  } catch {
    return { reason: 'the signed statement is not JSON' };
  }
  const parsed = statementSchema.safeParse(json);
  if (!parsed.success) return { reason: 'the signed statement is not an in-toto statement' };
  const entry = bundle.verificationMaterial.tlogEntries[0];
  const logIndex = entry === undefined ? undefined : Number(entry.logIndex);
  const seconds = entry === undefined ? undefined : Number(entry.integratedTime);
  const content = bundle.verificationMaterial.content;
  return {
    statement: parsed.data,
    certificate:
      entity.key.$case === 'certificate' ? certificateIdentity(entity.key.certificate) : undefined,
    keyHint: content.$case === 'publicKey' ? content.publicKey.hint : undefined,
    logIndex: logIndex !== undefined && Number.isSafeInteger(logIndex) ? logIndex : undefined,
    integratedAt:
      seconds !== undefined && Number.isSafeInteger(seconds) && seconds > 0
        ? new Date(seconds * 1000).toISOString()
        : undefined,
  };
}

export function logUrl(logIndex: number): string {
  return `https://search.sigstore.dev/?logIndex=${logIndex}`;
}
