/**
 * The benign history of the real packuments (../shared/fixtures/npm/packuments: 52 packages,
 * 1,117 versions, 2013-2026), each release flagged as of its own upload time (later releases do
 * not exist for it): the measure of the flags' false positives. Used by the test that keeps the
 * rate small and by bench/flags-benign.ts, which prints the list.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readPackument } from '../../ingest/sources/npm/packument.js';
import { mapPackument } from '../../ingest/sources/npm/map-packument.js';
import { BatchWriter } from '../../ingest/writer.js';
import { flagGraph } from '../../trust/graph-flags.js';
import { loadTrustGraph } from '../../trust/load.js';
import type { VersionFlag } from '../../trust/version-flags.js';
import { PACKUMENTS } from './fixture-registry.js';
import { tempStore } from './fixture-store.js';

export interface BenignHistory {
  packages: number;
  /** Versions with an upload time, each flagged as of it. */
  versions: number;
  /** Every version with at least one flag, with its flags. */
  flagged: { key: string; flags: VersionFlag[] }[];
}

export async function flagBenignHistory(): Promise<BenignHistory> {
  const { store, close } = await tempStore();
  try {
    const writer = new BatchWriter(store);
    const files = fs.readdirSync(PACKUMENTS).filter((f) => f.endsWith('.json'));
    for (const file of files) {
      const document = JSON.parse(fs.readFileSync(path.join(PACKUMENTS, file), 'utf8')) as {
        name: string;
      };
      await writer.add(mapPackument(readPackument(document, document.name)));
    }
    await writer.flush();
    const graph = await loadTrustGraph(store);
    const flagged: BenignHistory['flagged'] = [];
    let versions = 0;
    for (const [key, version] of graph.versions) {
      if (version.publishedAt === undefined) continue;
      versions++;
      const pkg = graph.packageOf.get(key);
      const only = pkg === undefined ? undefined : { packages: new Set([pkg]) };
      const flags = flagGraph(graph, new Date(version.publishedAt), only).get(key) ?? [];
      if (flags.length > 0) flagged.push({ key, flags });
    }
    flagged.sort((a, b) => a.key.localeCompare(b.key));
    return { packages: files.length, versions, flagged };
  } finally {
    await close();
  }
}
