/**
 * The trust verification uses in this process (issue 17): the shipped npm keys and Sigstore
 * trusted root, or the user's copies that `trustmap provenance refresh-keys` / `update-root`
 * wrote in the working folder, set once by the commands that ingest (`ingest`, `worker`, `check`,
 * `diff`, `serve`, `explore`) before they start. Like the anchors, it is the run's configuration,
 * not a per-call choice.
 */
import type { SigstoreOptions } from './provenance/index.js';

let current: SigstoreOptions = {};

export function useVerificationTrust(options: SigstoreOptions): void {
  current = options;
}

/** The options every verification of this process passes (empty: the shipped trust). */
export function verificationTrust(): SigstoreOptions {
  return current;
}
