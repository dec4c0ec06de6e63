/**
 * npm's registry keys: the pinned file shipped beside this module (taken from the Sigstore TUF
 * repository's `registry.npmjs.org/keys.json` target), and the validation of a `/-/npm/v1/keys`
 * answer, which is hostile input like everything a registry sends.
 */
import { z } from 'zod';
import pinned from './npm-registry-keys.json' with { type: 'json' };
import type { RegistryKey } from './types.js';

/** More keys than npm has ever published; a longer list is not a keys document. */
const MAX_KEYS = 64;

const keySchema = z.object({
  keyid: z
    .string()
    .max(200)
    .regex(/^SHA256:[A-Za-z0-9+/=]+$/),
  keytype: z.string().max(100),
  scheme: z.string().max(100),
  key: z
    .string()
    .max(2000)
    .regex(/^[A-Za-z0-9+/=]+$/),
  expires: z.iso.datetime({ offset: true }).nullable(),
});

const keysDocument = z.object({ keys: z.array(keySchema).max(MAX_KEYS) });

/** The keys of a `/-/npm/v1/keys` document, or an error in words naming the bad field. */
export function parseRegistryKeys(document: unknown): { keys: RegistryKey[] } | { error: string } {
  const parsed = keysDocument.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      error: `not an npm keys document: ${issue === undefined ? 'bad shape' : `${issue.path.join('.') || 'document'}: ${issue.message}`}`,
    };
  }
  return { keys: parsed.data.keys.map((key) => ({ ...key })) };
}

const shipped = parseRegistryKeys(pinned);
if ('error' in shipped)
  throw new Error(`ingest/provenance/npm-registry-keys.json: ${shipped.error}`);

/** The keys shipped in ingest/provenance/npm-registry-keys.json. */
export const PINNED_REGISTRY_KEYS: readonly RegistryKey[] = Object.freeze(shipped.keys);
