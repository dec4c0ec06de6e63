import type { ProvenanceFact, SigstoreOptions } from './types.js';

/** The body of GET <registry>/-/npm/v1/attestations/<name>@<version> (hostile JSON). */
export function verifyNpmAttestations(
  _document: unknown,
  _subject: { name: string; version: string; integrity: string },
  _options: SigstoreOptions & { expectedRepository?: string } = {},
): Promise<ProvenanceFact> {
  return Promise.resolve({ verified: false, reason: 'not implemented' });
}
