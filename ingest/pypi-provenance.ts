/**
 * PyPI provenance checked (PEP 740, issue 17): for a resolved release whose index names a
 * provenance object for one of its files, the object is fetched from the configured PyPI's
 * Integrity API and verified against the shipped Sigstore trusted root, for that file's sha256.
 * The release records what was proven and the Trusted Publisher identity, or why nothing was.
 * Cached by the file's digest for the life of the client.
 */
import { pypiVersionKey } from './sources/pypi/map-release.js';
import type { ProjectIndex, PyPiClient } from './sources/pypi/pypi-client.js';
import { cachesByOwner, type Pep740Fact } from './provenance/index.js';
import { verifyPep740OffThread } from './provenance/verify-pool.js';
import { factProps } from './provenance-props.js';
import { GraphRecords } from './records.js';
import { verificationTrust } from './verification-trust.js';

const cacheFor = cachesByOwner<Pep740Fact | undefined>();

/** The records of what the release's provenance proves; empty when its index names none. */
export async function pypiProvenanceRecords(
  client: PyPiClient,
  project: string,
  version: string,
  index: ProjectIndex,
): Promise<GraphRecords> {
  const records = new GraphRecords();
  const file = index.provenanceFiles.get(version);
  if (file === undefined) return records;
  const cache = cacheFor(client);
  const key = `${file.filename} ${file.sha256}`;
  const fact = await cache.verify(key, async (): Promise<Pep740Fact | undefined> => {
    let document: unknown;
    try {
      document = await client.provenance(project, version, file.filename);
    } catch {
      return undefined; // PyPI failed: unknown, and asked again by the next run
    }
    // A mirror may list a provenance URL it does not serve: unknown too.
    if (document === undefined) return undefined;
    try {
      return await verifyPep740OffThread(document, file, verificationTrust());
    } catch {
      return undefined; // our verification thread failed: unknown, asked again by the next run
    }
  });
  const versionKey = pypiVersionKey(project, version);
  if (fact === undefined) {
    cache.delete(key);
    records.node('Version', versionKey, {
      provenanceUnknown: `the provenance of ${file.filename} could not be fetched from PyPI`,
    });
  } else records.node('Version', versionKey, factProps(fact));
  return records;
}
