/**
 * Property: a packument damaged at random (the real fixture documents, mutated by
 * helpers/mutate.ts) fails alone. Read and mapped, it gives graph records the real embedded store
 * takes, or an `InvalidPackageError` that names the package; ingested through a local registry
 * beside undamaged packuments, the run returns its summary (nothing thrown, no UNEXPECTED
 * failure) and every undamaged package is in the graph.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import { isTrustmapError } from '../../core/errors.js';
import { ingest } from '../../ingest/run-ingest.js';
import { parseRootSpec } from '../../ingest/spec.js';
import { mapPackument } from '../../ingest/sources/npm/map-packument.js';
import { readPackument } from '../../ingest/sources/npm/packument.js';
import { BatchWriter } from '../../ingest/writer.js';
import {
  PACKUMENTS,
  startFixtureRegistry,
  type FixtureRegistry,
} from '../helpers/fixture-registry.js';
import { applyMutations, mutationsArb, prototypePolluted, type Path } from '../helpers/mutate.js';
import { tempStore, useTempStore } from '../helpers/fixture-store.js';

const MAPPING_RUNS = 300;
const INGEST_RUNS = 30;

/** Where a packument's fields are, so mutations hit the ones read as often as random spots. */
const TARGETS: Path[] = [
  ['repository'],
  ['repository', 'url'],
  ['versions', '*', 'repository'],
  ['versions', '*', 'repository', 'url'],
  ['versions'],
  ['versions', '*'],
  ['versions', '*', '_npmUser'],
  ['versions', '*', 'dependencies'],
  ['versions', '*', 'dependencies', '*'],
  ['versions', '*', 'peerDependenciesMeta'],
  ['versions', '*', 'dist'],
  ['versions', '*', 'dist', 'signatures'],
  ['versions', '*', 'license'],
  ['versions', '*', 'scripts'],
  ['maintainers'],
  ['maintainers', '*'],
  ['maintainers', '*', 'email'],
  ['time'],
  ['time', '*'],
  ['dist-tags'],
  ['dist-tags', 'latest'],
  ['description'],
  ['license'],
  ['name'],
];

const files = fs.readdirSync(PACKUMENTS).filter((f) => f.endsWith('.json'));
const texts = new Map(files.map((f) => [f, fs.readFileSync(path.join(PACKUMENTS, f), 'utf8')]));
const nameOf = (file: string): string => file.replace(/\.json$/, '').replace('__', '/');

/** The versions the store holds for a package (HAS_VERSION), or undefined without the package. */
async function storedVersions(store: EmbeddedStore, key: string): Promise<string[] | undefined> {
  if ((await store.node(key)) === undefined) return undefined;
  const neighbours = await store.neighbours(key, 10_000);
  return neighbours
    .filter((n) => n.type === 'HAS_VERSION' && n.outgoing)
    .map((n) => n.key)
    .sort();
}

describe('a packument damaged at random', () => {
  const shared = useTempStore();

  it(`is mapped and written, or refused naming the package (${MAPPING_RUNS} runs)`, async () => {
    const store = shared();
    const writer = new BatchWriter(store, 5000);
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...files),
        mutationsArb(TARGETS),
        async (file, mutations) => {
          const name = nameOf(file);
          const document = applyMutations(JSON.parse(texts.get(file) ?? '') as unknown, mutations);
          let records;
          try {
            records = mapPackument(readPackument(document, name));
          } catch (error) {
            // Refused as this package's, with a message naming it: never a TypeError.
            expect(isTrustmapError(error), String(error)).toBe(true);
            expect((error as Error).name).toBe('InvalidPackageError');
            expect((error as Error).message).toContain(name);
            refused++;
            return;
          }
          await writer.add(records);
          await writer.flush();
          const key = `pkg:npm/${name.replace('@', '%40')}`;
          expect((await store.node(key))?.properties.name).toBe(name);
        },
      ),
      { numRuns: MAPPING_RUNS },
    );
    expect(prototypePolluted()).toBe(false);
    // Most damage is survivable: the run above is not made of refusals only.
    expect(refused).toBeLessThan(MAPPING_RUNS / 2);
  }, 120_000);
});

describe('an ingest with damaged packuments among good ones', () => {
  /** chalk's closure (has-flag included), each asked for by exact version: one root each. */
  const ROOTS = new Map([
    ['chalk', '4.1.0'],
    ['supports-color', '7.2.0'],
    ['has-flag', '4.0.0'],
    ['ansi-styles', '4.3.0'],
    ['color-convert', '2.0.1'],
    ['color-name', '1.1.4'],
  ]);
  let registry: FixtureRegistry;
  beforeAll(async () => {
    registry = await startFixtureRegistry();
  });
  afterAll(async () => {
    await registry.close();
  });

  it(`writes every undamaged package and lists failures as packages' (${INGEST_RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.subarray([...ROOTS.keys()], { minLength: 1, maxLength: 3 }),
        fc.array(mutationsArb(TARGETS), { minLength: 3, maxLength: 3 }),
        async (damaged, mutations) => {
          registry.overrides.clear();
          damaged.forEach((name, i) => {
            const text = texts.get(`${name}.json`) ?? '';
            registry.overrides.set(
              name,
              applyMutations(JSON.parse(text) as unknown, mutations[i] ?? []),
            );
          });
          const { store, close: closeStore } = await tempStore();
          try {
            const summary = await ingest({
              roots: [...ROOTS].map(([n, v]) => parseRootSpec(`npm:${n}@${v}`, '/')),
              store,
              registry: registry.url,
              concurrency: 4,
              // Generous: the machine may be busy with other tests; a damaged document fails at once anyway.
              client: { timeoutMs: 30_000, retries: 2 },
            });
            for (const failure of summary.failures) expect(failure.code).not.toBe('UNEXPECTED');
            for (const [name, version] of ROOTS) {
              if (damaged.includes(name)) continue;
              const key = `pkg:npm/${name}@${version}`;
              expect(summary.roots).toContainEqual({
                spec: `npm:${name}@${version}`,
                resolved: key,
              });
              expect(await storedVersions(store, `pkg:npm/${name}`)).toContain(key);
            }
          } finally {
            await closeStore();
          }
        },
      ),
      { numRuns: INGEST_RUNS },
    );
    expect(prototypePolluted()).toBe(false);
  }, 120_000);
});
