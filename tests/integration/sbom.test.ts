/**
 * SBOMs as roots: a CycloneDX 1.5 and an SPDX 2.3 document of the same project (the lockfile
 * fixture's lock-demo) read as exact versions, ingested from the fixture registry, giving the
 * same resolved tree.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import { text } from '../../graph/values.js';
import { readSbom } from '../../ingest/roots/sbom.js';
import { ingest } from '../../ingest/run-ingest.js';
import { parseRootSpec } from '../../ingest/spec.js';
import { startFixturePyPi, type FixturePyPi } from '../helpers/fixture-pypi.js';
import { startFixtureRegistry, type FixtureRegistry } from '../helpers/fixture-registry.js';
import { tempDir } from '../helpers/temp.js';

const SBOMS = path.resolve(import.meta.dirname, '../fixtures/sbom');
const read = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(SBOMS, name), 'utf8'));

let registry: FixtureRegistry;
let pypi: FixturePyPi;
beforeAll(async () => {
  registry = await startFixtureRegistry();
  pypi = await startFixturePyPi();
});
afterAll(async () => {
  await registry.close();
  await pypi.close();
});

/** The resolved tree an ingest of `file` writes, as "from -> to" lines. */
async function resolvedTree(file: string): Promise<string[]> {
  const temp = tempDir();
  const store = await EmbeddedStore.open(path.join(temp.dir, 'graph.grafeo'));
  try {
    const summary = await ingest({
      roots: [parseRootSpec(file, '/')],
      store,
      registry: registry.url,
      pypiUrl: pypi.url,
    });
    expect(summary.failures).toEqual([]);
    const result = await store.query(
      'MATCH (a:Version)-[r:RESOLVES_TO]->(b:Version) RETURN a.key AS a, b.key AS b, r.root AS root ORDER BY a, b',
      {},
      { rowLimit: 1000, timeoutMs: 10_000 },
    );
    for (const row of result.rows) expect(row.root).toBe('pkg:npm/lock-demo@1.0.0');
    return result.rows.map((row) => `${text(row.a)} -> ${text(row.b)}`);
  } finally {
    await store.close();
    temp.cleanup();
  }
}

describe('SBOM roots', () => {
  it('reads CycloneDX and SPDX as the same exact versions and edges', () => {
    const cdx = readSbom(read('lock-demo.cdx.json'), 'lock-demo.cdx.json');
    const spdx = readSbom(read('lock-demo.spdx.json'), 'lock-demo.spdx.json');
    expect(cdx.format).toBe('cyclonedx-1.5');
    expect(spdx.format).toBe('spdx-2.3');
    for (const sbom of [cdx, spdx]) {
      expect(sbom.project).toEqual({ name: 'lock-demo', version: '1.0.0' });
      expect(sbom.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual([
        'ansi-styles@4.3.0',
        'chalk@4.1.0',
        'color-convert@2.0.1',
        'color-name@1.1.4',
        'cross-spawn@7.0.3',
        'has-flag@4.0.0',
        'is-number@4.0.0',
        'isexe@2.0.0',
        'path-key@3.1.1',
        'shebang-command@2.0.0',
        'shebang-regex@3.0.0',
        'supports-color@7.2.0',
        'which@2.0.2',
      ]);
      expect(sbom.packages.filter((p) => p.dev).map((p) => p.name)).toEqual(['is-number']);
    }
    // The PyPI component of the CycloneDX document is read as a PyPI release.
    expect(cdx.skipped).toBe(0);
    expect(spdx.skipped).toBe(0);
    expect(cdx.python.packages).toEqual([{ name: 'requests', version: '2.18.4', dev: false }]);
    expect(spdx.python.packages).toEqual([]);
    const edges = (s: typeof cdx) =>
      s.edges
        .map((e) => {
          const name = (id: string) => {
            const p = s.packages.find((x) => x.id === id);
            return p === undefined ? '(project)' : `${p.name}@${p.version}`;
          };
          return `${e.from === '' ? '(project)' : name(e.from)} -> ${name(e.to)}`;
        })
        .sort();
    expect(edges(spdx)).toEqual(edges(cdx));
    expect(edges(cdx)).toContain('(project) -> chalk@4.1.0');
    expect(edges(cdx)).toContain('color-convert@2.0.1 -> color-name@1.1.4');
  });

  it('ingests an SBOM as a root: the exact versions, the same tree from either format', async () => {
    const fromCdx = await resolvedTree(path.join(SBOMS, 'lock-demo.cdx.json'));
    // The CycloneDX document's PyPI component, a dependency of the project (no edge names it).
    expect(fromCdx).toContain('pkg:npm/lock-demo@1.0.0 -> pkg:pypi/requests@2.18.4');
    const npmOnly = fromCdx.filter((line) => !line.includes('pkg:pypi/'));
    expect(fromCdx).toContain('pkg:npm/lock-demo@1.0.0 -> pkg:npm/chalk@4.1.0');
    expect(fromCdx).toContain('pkg:npm/which@2.0.2 -> pkg:npm/isexe@2.0.0');
    // devDependencies are not followed without --dev, as for lockfiles.
    expect(fromCdx.some((line) => line.includes('is-number'))).toBe(false);
    expect(npmOnly).toHaveLength(12);
    expect(await resolvedTree(path.join(SBOMS, 'lock-demo.spdx.json'))).toEqual(npmOnly);
  });

  it('says clearly what it does not read', () => {
    const temp = tempDir();
    try {
      const notSbom = path.join(temp.dir, 'data.json');
      fs.writeFileSync(notSbom, '{"hello": "world"}');
      expect(() => parseRootSpec(notSbom, '/')).toThrow(/nor a CycloneDX or SPDX JSON SBOM/);
      expect(() =>
        readSbom({ bomFormat: 'CycloneDX', specVersion: '1.2', components: [] }, 'old.json'),
      ).toThrow(/CycloneDX 1.2 is not 1.4-1.6/);
      expect(() => readSbom({ spdxVersion: 'SPDX-3.0' }, 'new.json')).toThrow(
        /SPDX-3.0 is not an SBOM trustmap reads/,
      );
    } finally {
      temp.cleanup();
    }
  });
});
