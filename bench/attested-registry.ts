/**
 * Attestations that verify, for chosen versions of generated or real packuments
 * (bench/generated-registry.ts, bench/attested-mirror.ts): each version's documents
 * signed by the bench PKI (bench/sigstore-pki.ts) for the repository its packument names, with
 * its `gitHead` (or a digest of its id) as the commit. Built before anything is timed.
 */
import { createHash } from 'node:crypto';
import { parseRepository } from '../ingest/sources/repository-url.js';
import type { AttestedVersion, BenchPki } from './sigstore-pki.js';

/** Signing runs this many versions at a time (the mock CA's calls are async). */
const AT_ONCE = 16;

/** The GitHub repository a packument's field names ('github.com/o/r'), as the ingest reads it. */
export function githubRepository(url: string | undefined): string | undefined {
  const ref = url === undefined ? undefined : parseRepository(url);
  if (ref?.host !== 'github.com' || ref.owner === undefined) return undefined;
  return ref.key.replace(/^repo:/, '');
}

interface Manifest {
  name?: unknown;
  version?: unknown;
  gitHead?: unknown;
  repository?: unknown;
  dist?: { integrity?: unknown };
}

/** What a version's documents must say, from its manifest, or undefined when it cannot verify. */
export function attestedVersion(
  manifest: Manifest,
  fallbackRepository?: unknown,
): AttestedVersion | undefined {
  const { name, version, gitHead } = manifest;
  const integrity = manifest.dist?.integrity;
  const field = manifest.repository ?? fallbackRepository;
  const url = typeof field === 'string' ? field : (field as { url?: unknown } | undefined)?.url;
  const repository = githubRepository(typeof url === 'string' ? url : undefined);
  if (typeof name !== 'string' || typeof version !== 'string') return undefined;
  if (typeof integrity !== 'string' || !integrity.startsWith('sha512-') || repository === undefined)
    return undefined;
  const commit =
    typeof gitHead === 'string' && /^[0-9a-f]{40}$/.test(gitHead)
      ? gitHead
      : createHash('sha1').update(`${name}@${version}`).digest('hex');
  return { name, version, integrity, repository, commit };
}

/** Each version's attestations document, by '<name>@<version>'. */
export async function signAll(
  pki: BenchPki,
  versions: readonly AttestedVersion[],
): Promise<Map<string, Buffer>> {
  const documents = new Map<string, Buffer>();
  for (let i = 0; i < versions.length; i += AT_ONCE)
    await Promise.all(
      versions.slice(i, i + AT_ONCE).map(async (version) => {
        documents.set(`${version.name}@${version.version}`, await pki.attestationsFor(version));
      }),
    );
  return documents;
}
