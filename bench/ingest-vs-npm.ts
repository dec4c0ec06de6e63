/**
 * Ingest of a package's closure against `npm install --package-lock-only --ignore-scripts` of the
 * same spec: same registry (NPM_REGISTRY), cold caches (a new npm cache folder, a new trustmap
 * store and client), one after the other in one run. Prints each time, the ratio (target: trustmap
 * at most 0.5x npm's time) and the store's write rate. Asserts nothing.
 *
 *   npx tsx bench/ingest-vs-npm.ts [spec ...]     (default: jest@29 react-scripts@5)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../core/config.js';
import { EmbeddedStore } from '../graph/embedded/embedded-store.js';
import { ingest } from '../ingest/run-ingest.js';
import { parseRootSpec } from '../ingest/spec.js';
import { npmLockOnly } from './npm-lock.js';

const specs =
  process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['jest@29', 'react-scripts@5'];
const { npmRegistry } = loadConfig();

console.log(
  `ingest vs npm lock-only, registry ${npmRegistry}, node ${process.version}, ${os.cpus().length} cores`,
);
for (const spec of specs) {
  const at = spec.lastIndexOf('@');
  const name = spec.slice(0, at);
  const range = spec.slice(at + 1);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trustmap-bench-npm-'));
  const npm = await npmLockOnly(dir, name, `^${range}`, npmRegistry);
  const npmSeconds = npm.seconds;
  const npmPackages = npm.versions.size;

  const store = await EmbeddedStore.open(path.join(dir, 'graph.grafeo'));
  const started = performance.now();
  const summary = await ingest({
    roots: [parseRootSpec(`npm:${name}@^${range}`, dir)],
    store,
    registry: npmRegistry,
    concurrency: 16,
  });
  const trustmapSeconds = (performance.now() - started) / 1000;
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });

  console.log(`\n${spec}`);
  console.log(
    `  npm install --package-lock-only  ${npmSeconds.toFixed(1).padStart(6)} s  ${npmPackages} packages in the lockfile`,
  );
  console.log(
    `  trustmap ingest                  ${trustmapSeconds.toFixed(1).padStart(6)} s  ${summary.resolved.length} versions of ${summary.counts.packages} packages, ` +
      `${summary.counts.requests} requests, ${summary.failures.length} failures`,
  );
  console.log(
    `  ratio trustmap / npm             ${(trustmapSeconds / npmSeconds).toFixed(2)}x  (target <= 0.50x)`,
  );
  console.log(
    `  store writes                     ${summary.counts.rowsWritten} rows, ${summary.counts.relationshipsWritten} relationships in ${(summary.counts.writeMs / 1000).toFixed(1)} s: ` +
      `${Math.round(summary.counts.relationshipsWritten / Math.max(summary.counts.writeMs / 1000, 0.001))} edges/s`,
  );
}
