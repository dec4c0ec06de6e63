/** Releases of a made-up package `demo` for the flag tests: alice publishes, one dependency. */
import type { ReleaseFacts } from '../../trust/version-flags.js';

export function release(
  version: string,
  publishedAt: string,
  facts: Partial<ReleaseFacts> = {},
): ReleaseFacts {
  return {
    key: `pkg:npm/demo@${version}`,
    version,
    publishedAt,
    publishers: ['person:npm:alice'],
    maintainers: ['person:npm:alice'],
    installScripts: [],
    installScriptText: [],
    dependencies: ['left-pad@^1.0.0'],
    provenance: false,
    trustedPublisher: false,
    ...facts,
  };
}
