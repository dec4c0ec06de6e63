/**
 * Advisories for what is in the graph: every ingested npm and PyPI version is asked of OSV in
 * batches, each advisory it names is fetched once, checked against the version (its ranges, the
 * ecosystem's way), and written as `Vulnerability` + `AFFECTED_BY`; `MAL-` advisories mark the
 * package malicious. Opt-in (`trustmap advisories`, `ingest --advisories`): it tells OSV every
 * version the graph holds.
 */
import { append } from '../core/collections.js';
import { PackageURL } from 'packageurl-js';
import type { GraphStore } from '../graph/store.js';
import { silentLogger, type Logger } from '../core/log.js';
import { GraphRecords } from './records.js';
import { affects, type Ecosystem } from './sources/osv/affected.js';
import { mapAdvisory } from './sources/osv/map-advisory.js';
import { OsvClient } from './sources/osv/osv-client.js';
import { BatchWriter } from './writer.js';

export interface AdvisorySummary {
  /** Versions asked about. */
  versions: number;
  /** Distinct advisories that hit at least one of them. */
  advisories: number;
  /** (version, advisory) pairs written. */
  affected: number;
  /** Packages an advisory marks malicious. */
  malicious: string[];
  /** Pairs OSV named that the advisory's own ranges do not confirm (not written). */
  unconfirmed: number;
  requests: number;
  elapsedMs: number;
}

interface Target {
  key: string;
  pkg: string;
  ecosystem: Ecosystem;
  name: string;
  version: string;
}

const ECOSYSTEMS: Record<string, Ecosystem> = { npm: 'npm', pypi: 'PyPI' };

/** A version key (a purl) as an OSV target; undefined for what OSV cannot be asked about. */
export function targetOf(key: string): Target | undefined {
  let purl: PackageURL;
  try {
    purl = PackageURL.fromString(key);
  } catch {
    return undefined;
  }
  const ecosystem = ECOSYSTEMS[purl.type];
  if (ecosystem === undefined || purl.version == null) return undefined;
  const name = purl.namespace == null ? purl.name : `${purl.namespace}/${purl.name}`;
  return { key, pkg: key.slice(0, key.lastIndexOf('@')), ecosystem, name, version: purl.version };
}

export async function ingestAdvisories(options: {
  store: GraphStore;
  osvUrl: string;
  logger?: Logger;
}): Promise<AdvisorySummary> {
  const started = performance.now();
  const logger = options.logger ?? silentLogger;
  const targets = new Map<string, Target>();
  for await (const batch of options.store.stream({ labels: ['Version'], types: [] })) {
    if (batch.kind !== 'nodes') continue;
    for (const node of batch.nodes) {
      const target = targetOf(node.key);
      if (target !== undefined) targets.set(node.key, target);
    }
  }
  const client = new OsvClient({ url: options.osvUrl, logger });
  const hits = await client.queryBatch([...targets.keys()]);
  const byAdvisory = new Map<string, Target[]>();
  for (const [key, ids] of hits)
    for (const id of ids) append(byAdvisory, id, targets.get(key) as Target);

  const writer = new BatchWriter(options.store);
  const malicious = new Set<string>();
  let affected = 0;
  let unconfirmed = 0;
  let advisories = 0;
  await Promise.all(
    [...byAdvisory].map(async ([id, named]) => {
      const record = await client.vuln(id);
      const confirmed = named.filter((t) => affects(record, t.ecosystem, t.name, t.version));
      unconfirmed += named.length - confirmed.length;
      for (const t of named)
        if (!confirmed.includes(t))
          logger.warn(
            { advisory: id, version: t.key },
            "OSV named a version the advisory's ranges do not cover; not recorded",
          );
      if (confirmed.length === 0) return;
      advisories++;
      affected += confirmed.length;
      if (id.startsWith('MAL-')) for (const t of confirmed) malicious.add(t.pkg);
      const records: GraphRecords = mapAdvisory(
        id,
        record,
        confirmed.map((t) => ({ version: t.key, pkg: t.pkg })),
      );
      await writer.add(records);
    }),
  );
  await writer.flush();
  return {
    versions: targets.size,
    advisories,
    affected,
    malicious: [...malicious].sort(),
    unconfirmed,
    requests: client.requests,
    elapsedMs: Math.round(performance.now() - started),
  };
}
