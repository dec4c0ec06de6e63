/**
 * The closure trustmap resolves against the lockfile npm writes, spec by spec: `npm install
 * --package-lock-only --ignore-scripts` (a cold cache, the configured registry, NPM_REGISTRY) and
 * `trustmap ingest` (the library, a new embedded store and client), one after the other. Prints the
 * agreement in names and in name@versions, the differences, and the two times. Asserts nothing;
 * needs the network, so it is not part of `.ci/run` (tests/integration/ingest-npm-tree.test.ts
 * tests the same rules on fixture registries).
 *
 *   npx tsx bench/resolve-vs-npm.ts [--tree] [spec ...]
 *
 * `--tree` times the placement alone (no store writes). Specs are `name@range`; the default list
 * is heavy in peers, optionals and platform binaries.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../core/config.js';
import { EmbeddedStore } from '../graph/embedded/embedded-store.js';
import { loadPackument } from '../ingest/npm-closure.js';
import { buildNpmTree } from '../ingest/npm-tree.js';
import { ingest } from '../ingest/run-ingest.js';
import { RegistryClient } from '../ingest/sources/npm/registry-client.js';
import { parseRootSpec } from '../ingest/spec.js';
import { npmLockOnly } from './npm-lock.js';

const DEFAULT_SPECS = [
  'jest@29',
  'react@18',
  'react-dom@18',
  'vite@5',
  'webpack@5',
  'typescript-eslint@8',
  'eslint@9',
  'eslint-config-airbnb@19',
  'eslint-config-next@14',
  'vitest@2',
  '@testing-library/react@16',
  'next@14',
  '@vitejs/plugin-react@4',
  'ts-jest@29',
  'eslint-plugin-react@7',
  '@storybook/react@8',
  'react-scripts@5',
  'esbuild@0.21',
  '@angular/core@17',
  'npm@10',
];

const args = process.argv.slice(2);
const treeOnly = args.includes('--tree');
const specs = args.filter((a) => a !== '--tree');
const { npmRegistry } = loadConfig();

async function trustmapVersions(
  name: string,
  range: string,
  dir: string,
): Promise<{ seconds: number; versions: Set<string>; failures: number }> {
  const started = performance.now();
  if (treeOnly) {
    const client = new RegistryClient({ registry: npmRegistry, concurrency: 16 });
    const tree = await buildNpmTree((n) => loadPackument(n, { client }), name, range);
    return {
      seconds: (performance.now() - started) / 1000,
      versions: new Set(tree.versions.map((v) => `${v.name}@${v.version}`)),
      failures: tree.failures.length,
    };
  }
  const store = await EmbeddedStore.open(path.join(dir, 'graph.grafeo'));
  try {
    const summary = await ingest({
      roots: [parseRootSpec(`npm:${name}@${range}`, dir)],
      store,
      registry: npmRegistry,
      concurrency: 16,
    });
    const versions = new Set(
      summary.resolved.map((key) => decodeURIComponent(key.replace(/^pkg:npm\//, ''))),
    );
    return {
      seconds: (performance.now() - started) / 1000,
      versions,
      failures: summary.failures.length,
    };
  } finally {
    await store.close();
  }
}

function nameOf(nameAtVersion: string): string {
  return nameAtVersion.slice(0, nameAtVersion.lastIndexOf('@'));
}

function agreement(
  a: Set<string>,
  b: Set<string>,
): { percent: number; onlyA: string[]; onlyB: string[] } {
  const onlyA = [...a].filter((x) => !b.has(x)).sort();
  const onlyB = [...b].filter((x) => !a.has(x)).sort();
  const union = new Set([...a, ...b]).size;
  return {
    percent: union === 0 ? 100 : (100 * (union - onlyA.length - onlyB.length)) / union,
    onlyA,
    onlyB,
  };
}

function list(items: string[]): string {
  return items.length <= 12
    ? items.join(', ')
    : `${items.slice(0, 12).join(', ')} and ${items.length - 12} more`;
}

console.log(
  `resolve vs npm lock-only (npm ${process.env.npm_config_user_agent ?? ''}), registry ${npmRegistry}, node ${process.version}, ${os.cpus().length} cores, trustmap ${treeOnly ? 'placement only' : 'ingest'}`,
);
const rows: string[] = [
  '| spec | npm name@versions | of them only in tarballs | trustmap | names agree | name@versions agree | npm s | trustmap s |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
];
for (const spec of specs.length > 0 ? specs : DEFAULT_SPECS) {
  const at = spec.lastIndexOf('@');
  const name = spec.slice(0, at);
  const range = spec.slice(at + 1);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trustmap-bench-resolve-'));
  try {
    const npm = await npmLockOnly(dir, name, range, npmRegistry);
    const ours = await trustmapVersions(name, range, dir);
    // Packages only inside others' tarballs: in npm's lockfile, not in the closure (trustmap reads
    // no tarball; the dependency is recorded as bundled).
    const installed = new Set([...npm.versions].filter((v) => !npm.bundled.has(v)));
    const names = agreement(
      new Set([...installed].map(nameOf)),
      new Set([...ours.versions].map(nameOf)),
    );
    const versions = agreement(installed, ours.versions);
    console.log(`\n${spec}`);
    console.log(
      `  npm       ${npm.seconds.toFixed(1).padStart(6)} s  ${npm.versions.size} name@versions`,
    );
    console.log(
      `  trustmap  ${ours.seconds.toFixed(1).padStart(6)} s  ${ours.versions.size} name@versions, ${ours.failures} failures`,
    );
    console.log(
      `  names agree ${names.percent.toFixed(1)}%, name@versions agree ${versions.percent.toFixed(1)}%`,
    );
    if (npm.bundled.size > 0)
      console.log(`  bundled (in a tarball, left out): ${list([...npm.bundled].sort())}`);
    if (versions.onlyA.length > 0) console.log(`  only npm:      ${list(versions.onlyA)}`);
    if (versions.onlyB.length > 0) console.log(`  only trustmap: ${list(versions.onlyB)}`);
    rows.push(
      `| ${spec} | ${npm.versions.size} | ${npm.bundled.size} | ${ours.versions.size} | ${names.percent.toFixed(1)}% | ${versions.percent.toFixed(1)}% | ${npm.seconds.toFixed(1)} | ${ours.seconds.toFixed(1)} |`,
    );
  } catch (error) {
    console.log(
      `\n${spec}\n  failed: ${error instanceof Error ? error.message.slice(0, 500) : String(error)}`,
    );
    rows.push(`| ${spec} | failed | | | | | | |`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
console.log(`\n${rows.join('\n')}`);
