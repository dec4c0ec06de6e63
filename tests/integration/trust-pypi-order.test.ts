/**
 * Scoring orders a PyPI project's releases the PEP 440 way, end to end: four releases of six
 * (a release candidate, the final, a post-release, and an older final) served by the local
 * PyPI, each pinned by one project's requirements file, ingested into the embedded store,
 * loaded and scored. The post-release is the selected
 * version, and it is compared with the final before it, which was attested: a provenance
 * regression.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import { ingest } from '../../ingest/run-ingest.js';
import { parseRootSpec } from '../../ingest/spec.js';
import { loadTrustGraph } from '../../trust/load.js';
import { computeScores, type ScoreResult } from '../../trust/score.js';
import { startFixturePyPi, type FixturePyPi } from '../helpers/fixture-pypi.js';
import {
  FIXTURES,
  startFixtureRegistry,
  type FixtureRegistry,
} from '../helpers/fixture-registry.js';
import { tempDir } from '../helpers/temp.js';

type Json = Record<string, unknown>;
const read = (file: string): Json =>
  JSON.parse(fs.readFileSync(path.join(FIXTURES, 'pypi', file), 'utf8')) as Json;

/**
 * Listed, and uploaded a month apart, out of PEP 440 order: the order is the versions', not the
 * upload times'. Only 1.11.0 carries a provenance attestation (verified, below).
 */
const RELEASES = ['1.10.0', '1.11.0.post1', '1.11.0', '1.11.0rc1'];
const ATTESTED = new Set(['1.11.0']);

/** The fixture documents of six 1.11.0, rewritten as the document of another release. */
function serveReleases(pypi: FixturePyPi): void {
  const simple = read('simple/six.json');
  const [wheel] = simple.files as Json[];
  simple.versions = RELEASES;
  simple.files = RELEASES.map((version, i) => ({
    ...wheel,
    filename: `six-${version}-py2.py3-none-any.whl`,
    url: `https://files.pythonhosted.org/six-${version}-py2.py3-none-any.whl`,
    'upload-time': `2017-0${i + 1}-17T18:46:53.702194Z`,
    provenance: ATTESTED.has(version)
      ? `https://pypi.org/integrity/six/${version}/six-${version}-py2.py3-none-any.whl/provenance`
      : null,
  }));
  pypi.overrides.set('/simple/six/', simple);
  const release = read('six/1.11.0.json');
  for (const version of RELEASES)
    pypi.overrides.set(`/pypi/six/${encodeURIComponent(version)}/json`, {
      ...release,
      info: { ...(release.info as Json), version },
    });
}

let pypi: FixturePyPi;
let registry: FixtureRegistry;
let result: ScoreResult;
let cleanup: () => void;
beforeAll(async () => {
  pypi = await startFixturePyPi();
  registry = await startFixtureRegistry();
  serveReleases(pypi);
  const temp = tempDir();
  cleanup = temp.cleanup;
  const store = await EmbeddedStore.open(path.join(temp.dir, 'graph.grafeo'));
  try {
    // One project per release, each pinning it in its requirements file.
    const roots = RELEASES.map((version, i) => {
      const project = path.join(temp.dir, `app-${i}`);
      fs.mkdirSync(project);
      fs.writeFileSync(path.join(project, 'requirements.txt'), `six==${version}\n`);
      return parseRootSpec(path.join(project, 'requirements.txt'), '/');
    });
    await ingest({
      roots,
      store,
      registry: registry.url,
      pypiUrl: pypi.url,
      pythonEnvironment: 'all',
    });
    // The fixture PyPI serves no provenance object for these rewritten files (the index names
    // one for 1.11.0): what a verified one records is written as the ingest would write it.
    await store.upsertNodes('Version', [
      {
        key: 'pkg:pypi/six@1.11.0',
        props: { provenance: true, provenanceSource: 'github.com/benjaminp/six' },
      },
    ]);
    result = computeScores(await loadTrustGraph(store), {
      anchors: [],
      // A month after the last upload: recent enough that a release without provenance still
      // scores above the regression cap, so that the cap shows.
      now: new Date('2017-05-01T00:00:00Z'),
    });
  } finally {
    await store.close();
  }
});
afterAll(async () => {
  await pypi.close();
  await registry.close();
  cleanup();
});

describe('PyPI releases in the scoring result', () => {
  it('scores every release, and selects the highest in PEP 440 order', () => {
    expect([...result.versions.keys()].filter((k) => k.startsWith('pkg:pypi/six@')).sort()).toEqual(
      RELEASES.map((v) => `pkg:pypi/six@${v}`).sort(),
    );
    expect(result.packageVersion.get('pkg:pypi/six')).toBe('pkg:pypi/six@1.11.0.post1');
  });

  it('compares each release with the one before it in PEP 440 order', () => {
    const capped = (v: string) => result.versions.get(`pkg:pypi/six@${v}`)?.local.capped;
    // 1.11.0.post1 follows 1.11.0, which was attested; 1.11.0rc1 follows 1.10.0, which was not.
    expect(capped('1.11.0.post1')).toBe('provenance regression');
    expect(capped('1.11.0rc1')).toBeUndefined();
    expect(capped('1.10.0')).toBeUndefined();
    expect(capped('1.11.0')).toBeUndefined();
  });
});
