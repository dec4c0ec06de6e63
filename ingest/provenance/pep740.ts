import type { Pep740Fact, SigstoreOptions } from './types.js';

/** A PEP 740 provenance object (PyPI integrity API) for one distribution file. */
export function verifyPep740(
  _document: unknown,
  _subject: { filename: string; sha256: string },
  _options: SigstoreOptions = {},
): Promise<Pep740Fact> {
  return Promise.resolve({ verified: false, reason: 'not implemented' });
}
