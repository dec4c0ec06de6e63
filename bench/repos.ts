/**
 * The repository stage from git history on local repositories: N bare repositories made with
 * `git fast-import` (C commits each by a handful of authors, a tag every tenth commit), a store
 * with one package per repository, then `enrichRepositories` as `trustmap ingest` runs it: the
 * first run clones (bare, blobless), the second fetches. Local clones measure trustmap's and git's
 * own cost per repository (processes, log parsing, writes), not a network's. Asserts nothing.
 *
 *   npx tsx bench/repos.ts [repositories=200] [commits=200] [concurrency=4]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedStore } from '../graph/embedded/embedded-store.js';
import { enrichRepositories } from '../ingest/enrich-repositories.js';

const repositories = Number(process.argv[2] ?? 200);
const commits = Number(process.argv[3] ?? 200);
const concurrency = Number(process.argv[4] ?? 4);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trustmap-bench-repos-'));

function fastImport(bare: string, seed: number): void {
  execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', bare]);
  const lines: string[] = [];
  const start = Date.parse('2024-01-01T00:00:00Z') / 1000;
  for (let i = 0; i < commits; i++) {
    const author = `dev${String((seed + i * 7) % 5)}`;
    const when = start + i * 86_400;
    const message = `change ${String(i)}`;
    const content = `${String(seed)} ${String(i)}\n`;
    lines.push(
      'commit refs/heads/main',
      `mark :${String(i + 1)}`,
      `author ${author} <${author}@example.org> ${String(when)} +0000`,
      `committer ${author} <${author}@example.org> ${String(when)} +0000`,
      `data ${String(Buffer.byteLength(message))}`,
      message,
      `M 644 inline file-${String(i % 20)}.txt`,
      `data ${String(Buffer.byteLength(content))}`,
      content,
    );
    if (i % 10 === 9) lines.push(`reset refs/tags/v1.${String(i)}.0`, `from :${String(i + 1)}`, '');
  }
  execFileSync('git', ['--git-dir', bare, 'fast-import', '--quiet'], {
    input: lines.join('\n') + '\n',
  });
}

const made = performance.now();
for (let i = 0; i < repositories; i++)
  fastImport(path.join(dir, 'mirror', `repo-${String(i)}.git`), i);
const madeSeconds = (performance.now() - made) / 1000;

const store = await EmbeddedStore.open(path.join(dir, 'graph.grafeo'));
try {
  const packages = Array.from({ length: repositories }, (_, i) => `pkg:npm/bench-${String(i)}`);
  await store.upsertNodes(
    'Package',
    packages.map((key, i) => ({ key, props: { name: `bench-${String(i)}` } })),
  );
  await store.upsertNodes(
    'Repository',
    packages.map((_, i) => ({ key: `repo:github.com/bench/repo-${String(i)}`, props: {} })),
  );
  await store.upsertRelationships(
    'HOSTED_AT',
    packages.map((key, i) => ({
      from: key,
      to: `repo:github.com/bench/repo-${String(i)}`,
      props: {},
    })),
  );
  const cloneUrl = (key: string): string =>
    `file://${path.join(dir, 'mirror', `${key.slice(key.lastIndexOf('/') + 1)}.git`)}`;
  console.log(
    `repository stage bench: ${String(repositories)} repositories x ${String(commits)} commits, concurrency ${String(concurrency)}, ${String(os.cpus().length)} cores, node ${process.version}`,
  );
  console.log(`  made the repositories (fast-import)   ${madeSeconds.toFixed(1).padStart(6)} s`);
  for (const run of ['first run (clone)', 'second run (fetch)']) {
    const started = performance.now();
    const summary = await enrichRepositories({
      store,
      cacheDir: path.join(dir, 'cache'),
      cloneUrl,
      concurrency,
    });
    const seconds = (performance.now() - started) / 1000;
    if (summary.failures[0] !== undefined)
      console.log(`  first failure: ${summary.failures[0].reason}`);
    console.log(
      `  ${run.padEnd(36)} ${seconds.toFixed(1).padStart(6)} s   ${(repositories / seconds).toFixed(1)} repositories/s   read ${String(summary.read)}, ${String(summary.contributors)} contributors, ${String(summary.failures.length)} failures`,
    );
  }
} finally {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
