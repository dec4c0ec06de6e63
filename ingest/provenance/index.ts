/** Provenance verification (issue 17): npm Sigstore attestations, registry signatures, PEP 740. */
export type {
  Pep740Fact,
  ProvenanceFact,
  PublisherIdentity,
  RegistryKey,
  SignatureFact,
  SigstoreOptions,
} from './types.js';
export { VerificationCache, DEFAULT_CACHE_ENTRIES, cachesByOwner } from './cache.js';
export { verifyRegistrySignatures } from './registry-signatures.js';
export { parseRegistryKeys, PINNED_REGISTRY_KEYS } from './registry-keys.js';
export { parseTrustedRoot, SHIPPED_TRUSTED_ROOT } from './trust-material.js';
export { verifyNpmAttestations } from './npm-attestations.js';
export { verifyPep740 } from './pep740.js';
export { localTrust, LOCAL_KEYS_FILE, LOCAL_ROOT_FILE, fetchRegistryKeys } from './local-trust.js';
