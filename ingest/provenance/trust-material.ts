/**
 * The Sigstore trust the verifiers use: the public-good trusted root shipped beside this module
 * (the `trusted_root.json` target of Sigstore's TUF repository, as @sigstore/tuf seeds it), npm's
 * registry keys for its publish attestations, and the @sigstore/verify Verifier built over them.
 * Building it parses the root's keys and certificates, so the result is kept per root object.
 */
import { PublicKeyDetails, TrustedRoot, type PublicKey } from '@sigstore/protobuf-specs';
import { Verifier, toTrustMaterial, type TrustMaterial } from '@sigstore/verify';
import { TrustedCertificate } from './trusted-certificate.js';
import shippedRoot from './trusted-root.json' with { type: 'json' };
import { PINNED_REGISTRY_KEYS } from './registry-keys.js';
import type { RegistryKey, SigstoreOptions } from './types.js';
import { isRecord } from '../untrusted.js';

export const TRUSTED_ROOT_MEDIA_TYPE = 'application/vnd.dev.sigstore.trustedroot+json;version=0.1';

/** The trusted root shipped in ingest/provenance/trusted-root.json. */
export const SHIPPED_TRUSTED_ROOT: unknown = shippedRoot;

/** A trusted root's parsed form, or why the document is not one. */
export function parseTrustedRoot(document: unknown): { root: TrustedRoot } | { error: string } {
  if (!isRecord(document) || document.mediaType !== TRUSTED_ROOT_MEDIA_TYPE)
    return { error: `not a Sigstore trusted root (mediaType must be ${TRUSTED_ROOT_MEDIA_TYPE})` };
  try {
    const root = TrustedRoot.fromJSON(document);
    if (root.tlogs.length === 0 || root.certificateAuthorities.length === 0)
      return { error: 'the trusted root names no transparency log or no certificate authority' };
    return { root };
  } catch (error) {
    return { error: `the trusted root does not parse (${(error as Error).message.slice(0, 200)})` };
  }
}

/** npm's keys as Sigstore public keys, valid from the epoch to their `expires`. */
function sigstoreKeys(keys: readonly RegistryKey[]): Record<string, PublicKey> {
  const out = Object.create(null) as Record<string, PublicKey>;
  for (const key of keys) {
    if (key.keytype !== 'ecdsa-sha2-nistp256') continue;
    out[key.keyid] = {
      rawBytes: Buffer.from(key.key, 'base64'),
      keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256,
      validFor: {
        start: new Date(0),
        ...(key.expires === null ? {} : { end: new Date(key.expires) }),
      },
    };
  }
  return out;
}

/**
 * The trust material with its authorities' certificates as TrustedCertificate (each one's DER,
 * public key and signature checks among themselves computed once per process instead of on every
 * bundle: they were about half of a verification, bench/provenance.ts) and npm's keys parsed once
 * per key id instead of once per bundle. The checks themselves are @sigstore/verify's.
 */
function remembering(material: TrustMaterial): TrustMaterial {
  const keys = new Map<string, ReturnType<TrustMaterial['publicKey']>>();
  const publicKey: TrustMaterial['publicKey'] = (hint) => {
    let key = keys.get(hint);
    if (key === undefined) keys.set(hint, (key = material.publicKey(hint))); // throws when unknown
    return key;
  };
  const authorities = (list: TrustMaterial['certificateAuthorities']) =>
    list.map((authority) => ({
      ...authority,
      certChain: authority.certChain.map((certificate) => new TrustedCertificate(certificate.root)),
    }));
  return {
    ...material,
    certificateAuthorities: authorities(material.certificateAuthorities),
    timestampAuthorities: authorities(material.timestampAuthorities),
    publicKey,
  };
}

const byRoot = new WeakMap<object, WeakMap<readonly RegistryKey[], Verifier | string>>();

/**
 * The verifier for these options (the shipped root and keys by default), built once per root and
 * keys object, or why none can be built.
 */
export function verifierFor(options: SigstoreOptions = {}): Verifier | { error: string } {
  const document = options.trustedRoot ?? SHIPPED_TRUSTED_ROOT;
  const keys = options.keys ?? PINNED_REGISTRY_KEYS;
  if (!isRecord(document)) return { error: 'not a Sigstore trusted root (not an object)' };
  let perKeys = byRoot.get(document);
  if (perKeys === undefined) byRoot.set(document, (perKeys = new WeakMap()));
  let built = perKeys.get(keys);
  if (built === undefined) {
    const parsed = parseTrustedRoot(document);
    built =
      'error' in parsed
        ? parsed.error
        : new Verifier(remembering(toTrustMaterial(parsed.root, sigstoreKeys(keys))));
    perKeys.set(keys, built);
  }
  return typeof built === 'string' ? { error: built } : built;
}
