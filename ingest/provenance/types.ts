/** The facts verification records on a version: what was proven, by whom, or why it was not. */

export interface ProvenanceFact {
  verified: boolean;
  /** Why it is not verified, in words a user reads ("the subject digest is not the tarball's dist.integrity"). */
  reason?: string;
  /** Source repository the build names, as 'github.com/<owner>/<repo>' (host/path, no scheme, no .git). */
  repository?: string;
  /** Git commit sha the build names. */
  commit?: string;
  /** The workflow file, e.g. '.github/workflows/release.yml'. */
  workflow?: string;
  /** SLSA builder id. */
  builder?: string;
  /** OIDC issuer of the signing certificate. */
  issuer?: string;
  /** Transparency-log entry: index and a link a user can open (https://search.sigstore.dev/?logIndex=N). */
  logIndex?: number;
  logUrl?: string;
  /** When the log integrated the entry, ISO 8601. */
  integratedAt?: string;
  /** Git ref the build names (refs/tags/v1.0.0), from the certificate. */
  ref?: string;
}

export interface SignatureFact {
  verified: boolean;
  keyid?: string;
  reason?: string;
}

export interface PublisherIdentity {
  kind: string;
  repository?: string;
  workflow?: string;
  environment?: string;
}

/** A PEP 740 fact: the publisher PyPI names, and what of it the certificate could not confirm. */
export interface Pep740Fact extends ProvenanceFact {
  publisher?: PublisherIdentity;
  /** Parts taken from PyPI without a check, each in words (the certificate carries no environment). */
  unchecked?: string[];
}

/** One npm registry key, in the shape of `GET /-/npm/v1/keys`. */
export interface RegistryKey {
  keyid: string;
  keytype: string;
  scheme: string;
  /** Base64 DER SubjectPublicKeyInfo. */
  key: string;
  /** ISO 8601, or null while the key is current. */
  expires: string | null;
}

/** The options every Sigstore verification takes: a trusted root (the shipped one by default). */
export interface SigstoreOptions {
  /** A Sigstore trusted root (JSON of `application/vnd.dev.sigstore.trustedroot+json`). */
  trustedRoot?: unknown;
  /** npm's registry keys, which sign npm's publish attestations (the shipped file by default). */
  keys?: RegistryKey[];
}
