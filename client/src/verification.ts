/**
 * A version's verification in the details panel (issue 17): what its provenance attestation
 * proved (repository, commit, workflow, by whom) with a link to the transparency-log entry, or why
 * it did not verify, and the registry's signature. Registry text is set as text only.
 */
import type { Json } from './api.js';
import { h, link, note } from './dom.js';
import { verificationWords } from '../../shared/provenance-words.js';

/** Stored properties the section says in words, kept out of the panel's list of the rest. */
export const VERIFICATION_PROPERTIES = [
  'attested',
  'provenance',
  'provenanceReason',
  'provenanceRepository',
  'provenanceSource',
  'provenanceCommit',
  'provenanceWorkflow',
  'provenanceBuilder',
  'provenanceIssuer',
  'provenanceLogUrl',
  'provenanceAt',
  'provenanceRef',
  'provenanceUnknown',
  'provenancePublisher',
  'signed',
  'signedKeyid',
  'signedReason',
];

export function verificationSection(p: Readonly<Record<string, Json>>): HTMLElement[] {
  const words = verificationWords(p);
  const items = words.map((line) => h('li', {}, line));
  const log = p.provenance === true ? p.provenanceLogUrl : undefined;
  return [
    h('h3', {}, 'Verification'),
    words.length === 0
      ? note('No provenance attestation and no registry signature.')
      : h('ul', { class: 'verification' }, ...items),
    typeof log === 'string' ? h('p', {}, link(log, 'Transparency-log entry')) : null,
  ].filter((e): e is HTMLElement => e !== null);
}
