/**
 * Property: a PyPI document damaged at random (the real release documents and JSON Simple API
 * indexes of the fixtures, mutated by helpers/mutate.ts) fails alone. Mapped, a release gives
 * records the store takes; ingested through a local PyPI beside undamaged projects, the run
 * returns its summary (nothing thrown, no UNEXPECTED failure) and every undamaged project's
 * release is in the graph.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../../ingest/run-ingest.js';
import { parseRootSpec } from '../../ingest/spec.js';
import { mapRelease } from '../../ingest/sources/pypi/map-release.js';
import { BatchWriter } from '../../ingest/writer.js';
import { startFixturePyPi, type FixturePyPi } from '../helpers/fixture-pypi.js';
import { FIXTURES } from '../helpers/fixture-registry.js';
import { applyMutations, mutationsArb, prototypePolluted, type Path } from '../helpers/mutate.js';
import { tempStore, useTempStore } from '../helpers/fixture-store.js';

const MAPPING_RUNS = 300;
const INGEST_RUNS = 25;

const RELEASES = new Map([
  ['attrs', '17.4.0'],
  ['colorama', '0.3.9'],
  ['funcsigs', '1.0.2'],
  ['more-itertools', '4.1.0'],
  ['pluggy', '0.6.0'],
  ['py', '1.5.3'],
]);
const PYPI = path.join(FIXTURES, 'pypi');
const release = (name: string): string =>
  fs.readFileSync(path.join(PYPI, name, `${RELEASES.get(name) ?? ''}.json`), 'utf8');
const simple = (name: string): string =>
  fs.readFileSync(path.join(PYPI, 'simple', `${name}.json`), 'utf8');

const RELEASE_TARGETS: Path[] = [
  ['info'],
  ['info', 'name'],
  ['info', 'project_urls'],
  ['info', 'project_urls', '*'],
  ['info', 'home_page'],
  ['info', 'requires_dist'],
  ['info', 'requires_dist', '*'],
  ['info', 'author'],
  ['info', 'author_email'],
  ['info', 'maintainer_email'],
  ['info', 'license'],
  ['info', 'requires_python'],
  ['ownership'],
  ['ownership', 'roles'],
  ['ownership', 'roles', '*'],
  ['ownership', 'roles', '*', 'user'],
];
const INDEX_TARGETS: Path[] = [
  ['versions'],
  ['versions', '*'],
  ['files'],
  ['files', '*'],
  ['files', '*', 'filename'],
  ['files', '*', 'yanked'],
  ['files', '*', 'requires-python'],
  ['files', '*', 'upload-time'],
  ['files', '*', 'provenance'],
];

describe('a PyPI release document damaged at random', () => {
  const shared = useTempStore();

  it(`is mapped to records the store takes (${MAPPING_RUNS} runs)`, async () => {
    const store = shared();
    const writer = new BatchWriter(store, 5000);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...RELEASES.keys()),
        mutationsArb(RELEASE_TARGETS),
        async (name, mutations) => {
          const document = applyMutations(JSON.parse(release(name)) as unknown, mutations);
          const mapped = mapRelease(name, RELEASES.get(name) ?? '', document, undefined);
          await writer.add(mapped.records.check());
          await writer.flush();
          expect((await store.node(`pkg:pypi/${name}`))?.properties.ecosystem).toBe('pypi');
        },
      ),
      { numRuns: MAPPING_RUNS },
    );
    expect(prototypePolluted()).toBe(false);
  }, 120_000);
});

describe('a PyPI ingest with damaged documents among good ones', () => {
  let pypi: FixturePyPi;
  beforeAll(async () => {
    pypi = await startFixturePyPi();
  });
  afterAll(async () => {
    await pypi.close();
  });

  it(`writes every undamaged project's release (${INGEST_RUNS} runs)`, async () => {
    const damage = fc.record({
      name: fc.constantFrom(...RELEASES.keys()),
      document: fc.constantFrom('release' as const, 'index' as const),
      mutations: mutationsArb([...RELEASE_TARGETS, ...INDEX_TARGETS]),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(damage, { minLength: 1, maxLength: 3 }), async (damaged) => {
        pypi.overrides.clear();
        for (const { name, document, mutations } of damaged) {
          const url =
            document === 'release'
              ? `/pypi/${name}/${RELEASES.get(name) ?? ''}/json`
              : `/simple/${name}/`;
          const text = document === 'release' ? release(name) : simple(name);
          pypi.overrides.set(url, applyMutations(JSON.parse(text) as unknown, mutations));
        }
        const { store, close: closeStore } = await tempStore();
        try {
          const summary = await ingest({
            roots: [...RELEASES].map(([n, v]) => parseRootSpec(`pypi:${n}==${v}`, '/')),
            store,
            registry: 'http://127.0.0.1:9/',
            pypiUrl: pypi.url,
            concurrency: 4,
          });
          for (const failure of summary.failures) expect(failure.code).not.toBe('UNEXPECTED');
          for (const [name, version] of RELEASES) {
            if (damaged.some((d) => d.name === name)) continue;
            const key = `pkg:pypi/${name}@${version}`;
            const versions = (await store.neighbours(`pkg:pypi/${name}`, 1000))
              .filter((n) => n.type === 'HAS_VERSION')
              .map((n) => n.key);
            expect(versions).toContain(key);
          }
        } finally {
          await closeStore();
        }
      }),
      { numRuns: INGEST_RUNS },
    );
    expect(prototypePolluted()).toBe(false);
  }, 120_000);
});
