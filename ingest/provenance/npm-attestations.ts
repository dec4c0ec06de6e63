/**
 * npm provenance (`GET /-/npm/v1/attestations/<name>@<version>`): the SLSA provenance bundle and,
 * when present, npm's publish attestation, each verified with @sigstore/verify against the trusted
 * root; then the statement's subject is the version (`pkg:npm/<name>@<version>`, sha512 equal to
 * `dist.integrity`) and the build it names (repository, commit, workflow) is the one the signing
 * certificate was issued to. The fact reports what the certificate says; the predicate must agree.
 */
import { z } from 'zod';
import { issuerMismatch } from './certificate.js';
import { buildClaims } from './slsa.js';
import { logUrl, verifySignedStatement, type Statement } from './signed-statement.js';
import type { ProvenanceFact, SigstoreOptions } from './types.js';

const PUBLISH_ATTESTATION = 'https://github.com/npm/attestation/tree/main/specs/publish/v0.1';
const MAX_ATTESTATIONS = 16;

const documentSchema = z.object({
  attestations: z
    .array(z.object({ predicateType: z.string().max(2000), bundle: z.unknown() }))
    .max(MAX_ATTESTATIONS),
});

export interface NpmSubject {
  name: string;
  version: string;
  /** `dist.integrity`, `sha512-<base64>`. */
  integrity: string;
}

export interface NpmAttestationOptions extends SigstoreOptions {
  /**
   * The repository the package claims ('github.com/<owner>/<repo>'): a build from another one
   * is not verified (reason says both), though the fact still names the real one.
   */
  expectedRepository?: string;
}

/** The purl npm puts in a statement's subject: a scope's `@` percent-encoded. */
export function npmPurl(name: string, version: string): string {
  return `pkg:npm/${name.replace(/^@/, '%40')}@${version}`;
}

/** `sha512-<base64>` as hex, or undefined when it is not a sha512 integrity. */
function sha512Hex(integrity: string): string | undefined {
  const match = /^sha512-([A-Za-z0-9+/]{86}==)$/.exec(integrity.trim());
  return match?.[1] === undefined ? undefined : Buffer.from(match[1], 'base64').toString('hex');
}

/** Why the statement is not about this version, or undefined when it is. */
function subjectMismatch(statement: Statement, subject: NpmSubject): string | undefined {
  const purl = npmPurl(subject.name, subject.version);
  const entry = statement.subject.find((candidate) => candidate.name === purl);
  if (entry === undefined) return `the attestation is not about ${purl}`;
  const expected = sha512Hex(subject.integrity);
  if (expected === undefined) return "the tarball's dist.integrity is not a sha512 digest";
  const digest = Object.prototype.hasOwnProperty.call(entry.digest, 'sha512')
    ? entry.digest.sha512
    : undefined;
  if (digest?.toLowerCase() !== expected)
    return "the subject digest is not the tarball's dist.integrity";
  return undefined;
}

function failed(reason: string, fact: Omit<ProvenanceFact, 'verified'> = {}): ProvenanceFact {
  return { ...fact, verified: false, reason };
}

/** The body of GET <registry>/-/npm/v1/attestations/<name>@<version> (hostile JSON). */
export function verifyNpmAttestations(
  document: unknown,
  subject: NpmSubject,
  options: NpmAttestationOptions = {},
): Promise<ProvenanceFact> {
  return Promise.resolve(verifyNow(document, subject, options));
}

function verifyNow(
  document: unknown,
  subject: NpmSubject,
  options: NpmAttestationOptions,
): ProvenanceFact {
  const parsed = documentSchema.safeParse(document);
  if (!parsed.success) return failed('the registry answer is not an attestations document');
  const attestations = parsed.data.attestations;
  const provenance = attestations.find((entry) =>
    entry.predicateType.startsWith('https://slsa.dev/provenance/'),
  );
  if (provenance === undefined) return failed('the registry serves no SLSA provenance attestation');
  const build = verifySignedStatement(provenance.bundle, options);
  if ('reason' in build) return failed(build.reason);
  const { statement, certificate } = build;
  const log: Omit<ProvenanceFact, 'verified'> = {};
  if (build.logIndex !== undefined) {
    log.logIndex = build.logIndex;
    log.logUrl = logUrl(build.logIndex);
  }
  if (build.integratedAt !== undefined) log.integratedAt = build.integratedAt;
  if (statement.predicateType !== provenance.predicateType)
    return failed('the signed predicate type is not the one the registry lists', log);
  const claims = buildClaims(statement.predicateType, statement.predicate);
  if (claims === undefined)
    return failed(
      `the predicate ${statement.predicateType.slice(0, 100)} is not SLSA provenance`,
      log,
    );
  if (certificate === undefined)
    return failed('the provenance is not signed by a build identity certificate', log);
  const fact: Omit<ProvenanceFact, 'verified'> = { ...log };
  const repository = certificate.repository ?? claims.repository;
  if (repository !== undefined) fact.repository = repository;
  const commit = certificate.commit ?? claims.commit;
  if (commit !== undefined) fact.commit = commit;
  const workflow = certificate.workflow ?? claims.workflow;
  if (workflow !== undefined) fact.workflow = workflow;
  if (claims.builder !== undefined) fact.builder = claims.builder;
  if (certificate.issuer !== undefined) fact.issuer = certificate.issuer;
  if (certificate.ref !== undefined) fact.ref = certificate.ref;
  const mismatch = subjectMismatch(statement, subject);
  if (mismatch !== undefined) return failed(mismatch, fact);
  const issuer = issuerMismatch(certificate);
  if (issuer !== undefined) return failed(issuer, fact);
  if (claims.repository === undefined || claims.workflow === undefined)
    return failed('the SLSA predicate does not name a source repository and a workflow', fact);
  if (certificate.repository === undefined)
    return failed('the signing certificate names no source repository', fact);
  if (!sameRepository(claims.repository, certificate.repository))
    return failed(
      `the predicate names ${claims.repository} but the certificate was issued to ${certificate.repository}`,
      fact,
    );
  if (
    claims.commit !== undefined &&
    certificate.commit !== undefined &&
    claims.commit !== certificate.commit
  )
    return failed(
      `the predicate names commit ${claims.commit} but the certificate commit ${certificate.commit}`,
      fact,
    );
  if (certificate.workflow !== undefined && certificate.workflow !== claims.workflow)
    return failed(
      `the predicate names workflow ${claims.workflow} but the certificate ${certificate.workflow}`,
      fact,
    );
  const publish = attestations.find((entry) => entry.predicateType === PUBLISH_ATTESTATION);
  if (publish !== undefined) {
    const published = verifySignedStatement(publish.bundle, options);
    if ('reason' in published)
      return failed(`npm's publish attestation: ${published.reason}`, fact);
    const publishMismatch = subjectMismatch(published.statement, subject);
    if (publishMismatch !== undefined)
      return failed(`npm's publish attestation: ${publishMismatch}`, fact);
  }
  if (
    options.expectedRepository !== undefined &&
    !sameRepository(options.expectedRepository, certificate.repository)
  )
    return failed(
      `built from ${certificate.repository}, not from ${options.expectedRepository}, the repository the package claims`,
      fact,
    );
  return { ...fact, verified: true };
}

/** Host names compare without case, GitHub owner and repository names too. */
function sameRepository(a: string, b: string): boolean {
  return a.toLowerCase().replace(/\.git$/, '') === b.toLowerCase().replace(/\.git$/, '');
}
