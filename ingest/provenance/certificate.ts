/**
 * What a Fulcio signing certificate says about the build that signed: its OIDC issuer, source
 * repository, commit, ref and workflow, read from the Fulcio extensions (OID 1.3.6.1.4.1.57264.1.*:
 * the DER-encoded v2 ones, falling back to the raw v1 ones older certificates carry).
 */
import { ASN1Obj, X509Certificate } from '@sigstore/core';

const FULCIO = '1.3.6.1.4.1.57264.1';

/** v2 extensions (DER UTF8String) and the v1 ones (raw bytes) that said the same. */
const FIELDS = {
  issuer: { v2: `${FULCIO}.8`, v1: `${FULCIO}.1` },
  sourceRepositoryUri: { v2: `${FULCIO}.12`, v1: undefined },
  sourceRepositoryDigest: { v2: `${FULCIO}.13`, v1: `${FULCIO}.3` },
  sourceRepositoryRef: { v2: `${FULCIO}.14`, v1: `${FULCIO}.6` },
  buildConfigUri: { v2: `${FULCIO}.18`, v1: undefined },
  workflowRepository: { v2: undefined, v1: `${FULCIO}.5` },
} as const;

export interface CertificateIdentity {
  issuer?: string;
  /** 'github.com/<owner>/<repo>' */
  repository?: string;
  commit?: string;
  ref?: string;
  /** The workflow file path, '.github/workflows/release.yml'. */
  workflow?: string;
  /** The certificate's subject alternative name (the workflow URI for GitHub Actions). */
  subjectAlternativeName?: string;
}

function extensionText(
  cert: X509Certificate,
  oid: string | undefined,
  der: boolean,
): string | undefined {
  if (oid === undefined) return undefined;
  const extension = cert.extension(oid);
  if (extension === undefined) return undefined;
  try {
    const raw = Buffer.from(extension.value);
    const bytes = der ? ASN1Obj.parseBuffer(raw).value : raw;
    const text = bytes.toString('utf8');
    return text.length > 0 && text.length <= 2000 ? text : undefined;
  } catch {
    return undefined;
  }
}

function field(cert: X509Certificate, name: keyof typeof FIELDS): string | undefined {
  const { v2, v1 } = FIELDS[name];
  return extensionText(cert, v2, true) ?? extensionText(cert, v1, false);
}

/** 'https://github.com/o/r', 'git+https://github.com/o/r.git@ref' -> 'github.com/o/r'. */
export function repositoryName(uri: string): string | undefined {
  const match = /^(?:git\+)?https:\/\/([^/@\s]+)\/([^@\s]+?)(?:\.git)?(?:@.*)?$/.exec(uri);
  const [, host, path] = match ?? [];
  if (host === undefined || path === undefined) return undefined;
  return `${host.toLowerCase()}/${path}`;
}

/** The workflow path of a build config URI 'https://github.com/o/r/.github/workflows/x.yml@ref'. */
export function workflowPath(uri: string): string | undefined {
  const match = /^https:\/\/[^/]+\/[^/]+\/[^/]+\/(\.github\/workflows\/[^@\s]+)@/.exec(uri);
  return match?.[1];
}

/** The identity a (verified) leaf certificate states. */
export function certificateIdentity(cert: X509Certificate): CertificateIdentity {
  const identity: CertificateIdentity = {};
  const issuer = field(cert, 'issuer');
  if (issuer !== undefined) identity.issuer = issuer;
  const san = cert.subjectAltName;
  if (san !== undefined) identity.subjectAlternativeName = san;
  const sourceUri = field(cert, 'sourceRepositoryUri');
  const v1Repository = field(cert, 'workflowRepository');
  const repository =
    sourceUri !== undefined
      ? repositoryName(sourceUri)
      : v1Repository !== undefined && /^[\w.-]+\/[\w.-]+$/.test(v1Repository)
        ? `github.com/${v1Repository}`
        : undefined;
  if (repository !== undefined) identity.repository = repository;
  const commit = field(cert, 'sourceRepositoryDigest');
  if (commit !== undefined && /^[0-9a-f]{40,64}$/i.test(commit)) identity.commit = commit;
  const ref = field(cert, 'sourceRepositoryRef');
  if (ref !== undefined) identity.ref = ref;
  const buildConfig = field(cert, 'buildConfigUri') ?? san;
  const workflow = buildConfig === undefined ? undefined : workflowPath(buildConfig);
  if (workflow !== undefined) identity.workflow = workflow;
  return identity;
}

/** The OIDC issuers whose tokens name the repository themselves, by the forge that hosts it. */
const FORGE_ISSUERS: Record<string, string> = {
  'github.com': 'https://token.actions.githubusercontent.com',
  'gitlab.com': 'https://gitlab.com',
};

/**
 * Why the certificate's repository cannot be taken as proven, or undefined when it can: only the
 * forge's own CI (its OIDC issuer) states which of its repositories ran the build; another issuer
 * chaining to Fulcio may carry a repository name its user configured.
 */
export function issuerMismatch(identity: CertificateIdentity): string | undefined {
  const repository = identity.repository;
  if (repository === undefined) return undefined;
  const host = repository.slice(0, repository.indexOf('/'));
  const expected = Object.prototype.hasOwnProperty.call(FORGE_ISSUERS, host)
    ? FORGE_ISSUERS[host]
    : undefined;
  if (expected === undefined)
    return `the certificate names a repository on ${host}, whose builds no known issuer vouches for`;
  if (identity.issuer !== expected)
    return `the certificate names ${repository}, but was issued by ${identity.issuer ?? 'an unnamed issuer'}, not ${expected}`;
  return undefined;
}
