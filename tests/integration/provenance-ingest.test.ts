/**
 * Provenance verified, end to end (issue 17): a registry on loopback serves packuments with the
 * real Sigstore bundles of sigstore@1.0.0 and tuf-js@1.0.0, an altered bundle, a repository claim
 * the build contradicts, and the fixtures' registry signatures (one with its integrity altered).
 * `trustmap ingest` verifies them, `score` flags what failed, and `explain` says what was proven.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import type { JsonValue } from '../../graph/values.js';
import { addAttestedPackuments } from '../helpers/attested-packuments.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { ingest } from '../../ingest/run-ingest.js';
import { parseRootSpec } from '../../ingest/spec.js';
import { startFixturePyPi, type FixturePyPi } from '../helpers/fixture-pypi.js';
import {
  FIXTURES,
  PACKUMENTS,
  startFixtureRegistry,
  type FixtureRegistry,
} from '../helpers/fixture-registry.js';
import { tempDir } from '../helpers/temp.js';

let registry: FixtureRegistry;
/** Two projects: one installs sigstore@1.0.0, the other 1.0.1 with tuf-js, lodash and is-stream. */
let clean: { dir: string; cleanup: () => void };
let work: { dir: string; cleanup: () => void };
const props = new Map<string, Record<string, JsonValue>>();
const cleanProps = new Map<string, Record<string, JsonValue>>();
const hostedAt = new Map<string, Record<string, JsonValue>>();

function trustmap(args: string[], dir = work.dir): Promise<CliResult> {
  return runCli(args, dir, { NPM_REGISTRY: registry.url });
}

async function ingestAndScore(dir: string, roots: string[]): Promise<void> {
  const ingested = await trustmap(['ingest', ...roots, '--no-repos'], dir);
  expect(ingested.stderr).toContain('0 failures');
  expect(ingested.code).toBe(0);
  const scored = await trustmap(['score'], dir);
  expect(scored.stderr).toBe('');
  expect(scored.code).toBe(0);
}

/** The stored properties of `keys`, and the HOSTED_AT links of `packages`, after the CLI closed it. */
async function read(
  dir: string,
  keys: string[],
  into: Map<string, Record<string, JsonValue>>,
  packages: string[] = [],
): Promise<void> {
  const store = await EmbeddedStore.open(path.join(dir, '.trustmap', 'graph.grafeo'));
  try {
    for (const key of keys) into.set(key, (await store.node(key))?.properties ?? {});
    for (const pkg of packages)
      for (const n of await store.neighbours(pkg, 100))
        if (n.type === 'HOSTED_AT') hostedAt.set(`${pkg} ${n.key}`, n.properties);
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  registry = await startFixtureRegistry();
  addAttestedPackuments(registry);
  // is-stream as the registry serves it, but 3.0.0's integrity altered: its signature must fail.
  const isStream = JSON.parse(fs.readFileSync(path.join(PACKUMENTS, 'is-stream.json'), 'utf8')) as {
    versions: Record<string, { dist: { integrity: string } }>;
  };
  const dist = isStream.versions['3.0.0']?.dist as { integrity: string };
  dist.integrity = dist.integrity.replace(/^sha512-./, (s) =>
    s.endsWith('L') ? 'sha512-M' : 'sha512-L',
  );
  registry.overrides.set('is-stream', isStream);
  clean = tempDir('trustmap-provenance-clean-');
  work = tempDir('trustmap-provenance-');
  await ingestAndScore(clean.dir, ['npm:sigstore@1.0.0']);
  await read(clean.dir, ['pkg:npm/sigstore@1.0.0', 'pkg:npm/sigstore@0.9.0'], cleanProps, [
    'pkg:npm/sigstore',
  ]); // Installing the later, unverified release in the same project takes back nothing proven.
  await ingestAndScore(clean.dir, ['npm:sigstore@1.0.1']);
  await read(clean.dir, [], new Map(), ['pkg:npm/sigstore']);

  await ingestAndScore(work.dir, ['npm:sigstore@1.0.1', 'npm:tuf-js@1.0.0']);
  await read(
    work.dir,
    [
      'pkg:npm/sigstore@1.0.0',
      'pkg:npm/sigstore@1.0.1',
      'pkg:npm/tuf-js@1.0.0',
      'pkg:npm/lodash@4.17.21',
      'pkg:npm/is-stream@3.0.0',
      'pkg:npm/is-stream@2.0.1',
    ],
    props,
    ['pkg:npm/tuf-js'],
  );
}, 180_000);
afterAll(async () => {
  await registry.close();
  work.cleanup();
  clean.cleanup();
});

describe('npm provenance, verified', () => {
  it('records what the real bundle proves: the repository, commit, workflow, builder and log entry', () => {
    const verified = {
      attested: true,
      provenance: true,
      provenanceSource: 'github.com/sigstore/sigstore-js',
      provenanceRepository: 'repo:github.com/sigstore/sigstore-js',
      provenanceCommit: '06528997c3c8ab9f864fad9a3658446aca7fd86d',
      provenanceWorkflow: expect.stringContaining('.github/workflows/publish.yml') as unknown,
      provenanceIssuer: 'https://token.actions.githubusercontent.com',
      provenanceLogUrl: expect.stringContaining('12988397') as unknown,
    };
    expect(cleanProps.get('pkg:npm/sigstore@1.0.0')).toMatchObject(verified);
    expect(cleanProps.get('pkg:npm/sigstore@1.0.0')?.provenanceReason ?? null).toBeNull();
    // The release before it names no attestations: no provenance, known.
    expect(cleanProps.get('pkg:npm/sigstore@0.9.0')).toMatchObject({
      attested: false,
      provenance: false,
    });
    // Installing 1.0.1 verifies the release before it too: what "provenance dropped" compares.
    expect(props.get('pkg:npm/sigstore@1.0.0')).toMatchObject(verified);
  });

  it('makes the link to the claimed repository verified, by provenance, and keeps it', () => {
    expect(hostedAt.get('pkg:npm/sigstore repo:github.com/sigstore/sigstore-js')).toMatchObject({
      verified: true,
      evidence: 'provenance',
    });
    // tuf-js was built from theupdateframework/tuf-js, not from the repository it claims.
    // The claimed link stays a claim: nothing proved it.
    const claimed = hostedAt.get('pkg:npm/tuf-js repo:github.com/popular/famous-lib');
    expect(claimed).toBeDefined();
    expect(claimed?.verified).toBeUndefined();
    expect(props.get('pkg:npm/tuf-js@1.0.0')).toMatchObject({
      provenance: true,
      provenanceSource: 'github.com/theupdateframework/tuf-js',
    });
  });

  it('does not count an altered bundle as provenance, and says why', () => {
    const altered = props.get('pkg:npm/sigstore@1.0.1');
    expect(altered).toMatchObject({ attested: true, provenance: false });
    // The altered signature no longer matches the transparency log's record of it.
    expect(altered?.provenanceReason).toBe(
      'the transparency-log entry does not record this signature (tlog entry signature mismatch)',
    );
  });

  it('flags the altered release (dropped after a verified one) and the repository mismatch', async () => {
    const dropped = await trustmap(['explain', 'pkg:npm/sigstore@1.0.1', '--json']);
    expect(dropped.stderr).toBe('');
    expect(dropped.code).toBe(0);
    const flags = (
      JSON.parse(dropped.stdout) as { flags: { id: string; severity: string; evidence: string }[] }
    ).flags;
    expect(flags).toContainEqual(
      expect.objectContaining({ id: 'provenance-dropped', severity: 'high' }),
    );
    expect(flags).toContainEqual(
      expect.objectContaining({ id: 'provenance-unverified', severity: 'medium' }),
    );
    const mismatch = await trustmap(['explain', 'pkg:npm/tuf-js@1.0.0', '--json']);
    const tufFlags = (JSON.parse(mismatch.stdout) as { flags: { id: string; evidence: string }[] })
      .flags;
    expect(tufFlags).toContainEqual(
      expect.objectContaining({
        id: 'repository-mismatch',
        evidence:
          'built from github.com/theupdateframework/tuf-js, but the package names github.com/popular/famous-lib',
      }),
    );
    const verified = await trustmap(['explain', 'pkg:npm/sigstore@1.0.0', '--json'], clean.dir);
    const ids = (JSON.parse(verified.stdout) as { flags: { id: string }[] }).flags.map((f) => f.id);
    expect(ids).not.toContain('repository-mismatch');
    expect(ids).not.toContain('provenance-unverified');
  });

  it('explains in words what was proven', async () => {
    const result = await trustmap(['explain', 'pkg:npm/sigstore@1.0.0'], clean.dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'provenance verified: built from github.com/sigstore/sigstore-js at commit 06528997c3c8ab9f864fad9a3658446aca7fd86d, by GitHub Actions workflow publish.yml',
    );
    expect(result.stdout).toContain(
      'transparency log: https://search.sigstore.dev/?logIndex=12988397',
    );
    const altered = await trustmap(['explain', 'pkg:npm/sigstore@1.0.1']);
    expect(altered.stdout).toContain('provenance named but not verified: ');
  });
});

describe('registry signatures, verified', () => {
  it("verifies the fixtures' signatures against npm's pinned key", () => {
    for (const key of ['pkg:npm/lodash@4.17.21', 'pkg:npm/is-stream@2.0.1'])
      expect(props.get(key)).toMatchObject({
        signed: true,
        signedKeyid: 'SHA256:jl3bwswu80PjjokCgh0o2w5c2U4LhQAE57gj9cz1kzA',
      });
  });

  it('refuses a signature over an integrity the registry no longer serves', async () => {
    expect(props.get('pkg:npm/is-stream@3.0.0')).toMatchObject({ signed: false });
    expect(props.get('pkg:npm/is-stream@3.0.0')?.signedReason).toEqual(expect.any(String));
    const result = await trustmap(['explain', 'pkg:npm/is-stream@3.0.0']);
    expect(result.stdout).toContain('registry signature does not verify: ');
  });
});

describe('PyPI provenance (PEP 740), verified', () => {
  const FILE = 'sigstore-3.6.1.tar.gz';
  const provenance = JSON.parse(
    fs.readFileSync(path.join(FIXTURES, 'pypi/provenance', `${FILE}.provenance.json`), 'utf8'),
  ) as unknown;
  /** The index and release documents PyPI serves for sigstore 3.6.1, in their real shape. */
  function servePyPi(pypi: FixturePyPi, sha256: string): void {
    pypi.overrides.set('/simple/sigstore/', {
      meta: { 'api-version': '1.4', '_last-serial': 0 },
      name: 'sigstore',
      versions: ['3.6.1'],
      files: [
        {
          filename: FILE,
          hashes: { sha256 },
          'requires-python': '>=3.9',
          size: 100,
          'upload-time': '2024-12-19T17:10:00.000000Z',
          url: `https://files.pythonhosted.org/packages/${FILE}`,
          yanked: false,
          provenance: `https://pypi.org/integrity/sigstore/3.6.1/${FILE}/provenance`,
        },
      ],
    });
    pypi.overrides.set('/pypi/sigstore/3.6.1/json', {
      info: { name: 'sigstore', version: '3.6.1', license: 'Apache-2.0', requires_dist: null },
      ownership: { organization: 'sigstore', roles: [{ role: 'Owner', user: 'woodruffw' }] },
      urls: [],
      vulnerabilities: [],
    });
    pypi.overrides.set(`/integrity/sigstore/3.6.1/${FILE}/provenance`, provenance);
  }

  async function ingestSigstore(sha256: string): Promise<Record<string, JsonValue>> {
    const pypi = await startFixturePyPi();
    const temp = tempDir('trustmap-pep740-');
    const store = await EmbeddedStore.open(path.join(temp.dir, 'graph.grafeo'));
    try {
      servePyPi(pypi, sha256);
      const summary = await ingest({
        roots: [parseRootSpec('pypi:sigstore==3.6.1', '/')],
        store,
        registry: registry.url,
        pypiUrl: pypi.url,
        pythonEnvironment: 'all',
      });
      expect(summary.failures).toEqual([]);
      expect(pypi.requests).toContain(`/integrity/sigstore/3.6.1/${FILE}/provenance`);
      return (await store.node('pkg:pypi/sigstore@3.6.1'))?.properties ?? {};
    } finally {
      await store.close();
      await pypi.close();
      temp.cleanup();
    }
  }

  it('verifies the real provenance object and records the Trusted Publisher', async () => {
    const props = await ingestSigstore(
      'ee60fdc9236fd6709271ad53b44027461360c3fde155d2af15482e4c451ff865',
    );
    expect(props).toMatchObject({
      attested: true,
      provenance: true,
      provenanceSource: 'github.com/sigstore/sigstore-python',
      provenanceCommit: '896cfe13105495e6dc6f8faf23e1007da35edeeb',
      provenanceWorkflow: '.github/workflows/release.yml',
      provenancePublisher: 'GitHub sigstore/sigstore-python',
      provenanceLogUrl: 'https://search.sigstore.dev/?logIndex=156716889',
    });
  });

  it('refuses it for a file with another digest, and says why', async () => {
    const props = await ingestSigstore('0'.repeat(64));
    expect(props).toMatchObject({ attested: true, provenance: false });
    expect(props.provenanceReason).toBe("the subject digest is not the file's sha256");
  });
});

describe("the working folder's copy of the registry keys", () => {
  it('replaces the shipped keys: a signature by a key it does not list does not verify', async () => {
    const own = tempDir('trustmap-provenance-keys-');
    try {
      // The keys a refresh would write, with npm's 2023 key only: lodash's 2021-era key is gone.
      const shipped = JSON.parse(
        fs.readFileSync(path.resolve('ingest/provenance/npm-registry-keys.json'), 'utf8'),
      ) as { keys: { keyid: string }[] };
      const keys = { keys: shipped.keys.filter((k) => !k.keyid.startsWith('SHA256:jl3b')) };
      fs.writeFileSync(path.join(own.dir, 'trustmap.npm-keys.json'), JSON.stringify(keys));
      const ingested = await trustmap(['ingest', 'npm:lodash@4.17.21', '--no-repos'], own.dir);
      expect(ingested.code).toBe(0);
      expect(ingested.stderr).toContain('verifying provenance with ');
      const local = new Map<string, Record<string, JsonValue>>();
      await read(own.dir, ['pkg:npm/lodash@4.17.21'], local);
      expect(local.get('pkg:npm/lodash@4.17.21')).toMatchObject({ signed: false });
      expect(local.get('pkg:npm/lodash@4.17.21')?.signedReason).toEqual(
        expect.stringContaining('SHA256:jl3bwswu80PjjokCgh0o2w5c2U4LhQAE57gj9cz1kzA'),
      );
    } finally {
      own.cleanup();
    }
  });
});

describe('facts kept across runs', () => {
  const fetchedAttestations = (): number =>
    [...registry.requests]
      .filter(([path]) => path.startsWith('-/npm/v1/attestations/sigstore@'))
      .reduce((sum, [, count]) => sum + count, 0);

  it('takes what an earlier run verified for the same digest and trust, and checks again under other keys', async () => {
    const before = fetchedAttestations();
    const again = await trustmap(['ingest', 'npm:sigstore@1.0.0', '--no-repos'], clean.dir);
    expect(again.code).toBe(0);
    expect(fetchedAttestations()).toBe(before); // nothing fetched, nothing verified
    const kept = new Map<string, Record<string, JsonValue>>();
    await read(clean.dir, ['pkg:npm/sigstore@1.0.0'], kept);
    const facts = (p: Record<string, JsonValue> | undefined) =>
      Object.fromEntries(Object.entries(p ?? {}).filter(([k]) => k.startsWith('provenance')));
    expect(facts(kept.get('pkg:npm/sigstore@1.0.0'))).toEqual(
      facts(cleanProps.get('pkg:npm/sigstore@1.0.0')),
    );
    expect(kept.get('pkg:npm/sigstore@1.0.0')).toMatchObject({ provenance: true });

    // Other keys (the shipped ones, in another order): another trust, so verified again.
    const shipped = JSON.parse(
      fs.readFileSync(path.resolve('ingest/provenance/npm-registry-keys.json'), 'utf8'),
    ) as { keys: unknown[] };
    const keysFile = path.join(clean.dir, 'trustmap.npm-keys.json');
    fs.writeFileSync(keysFile, JSON.stringify({ keys: [...shipped.keys].reverse() }));
    try {
      const checked = await trustmap(['ingest', 'npm:sigstore@1.0.0', '--no-repos'], clean.dir);
      expect(checked.code).toBe(0);
      expect(fetchedAttestations()).toBe(before + 1);
      const rechecked = new Map<string, Record<string, JsonValue>>();
      await read(clean.dir, ['pkg:npm/sigstore@1.0.0'], rechecked);
      expect(rechecked.get('pkg:npm/sigstore@1.0.0')).toMatchObject({
        provenance: true,
        provenanceSource: 'github.com/sigstore/sigstore-js',
      });
      expect(rechecked.get('pkg:npm/sigstore@1.0.0')?.provenanceDigest).not.toEqual(
        kept.get('pkg:npm/sigstore@1.0.0')?.provenanceDigest,
      );
    } finally {
      fs.rmSync(keysFile);
    }
  });

  it('keeps no failure, and takes no fact for a digest it did not check', async () => {
    // The altered release failed: nothing kept, so the next run checks it again.
    expect(props.get('pkg:npm/sigstore@1.0.1')?.provenanceDigest ?? null).toBeNull();
    // The registry now serves another tarball digest for 1.0.0: the stored fact is not taken.
    const served = registry.overrides.get('sigstore') as {
      versions: Record<string, { dist: { integrity: string } }>;
    };
    const copy = structuredClone(served);
    const dist = copy.versions['1.0.0']?.dist as { integrity: string };
    dist.integrity = dist.integrity.replace(/^sha512-./, (c) =>
      c.endsWith('A') ? 'sha512-B' : 'sha512-A',
    );
    registry.overrides.set('sigstore', copy);
    const before = fetchedAttestations();
    try {
      const again = await trustmap(['ingest', 'npm:sigstore@1.0.0', '--no-repos'], clean.dir);
      expect(again.code).toBe(0);
      expect(fetchedAttestations()).toBe(before + 1);
      const now = new Map<string, Record<string, JsonValue>>();
      await read(clean.dir, ['pkg:npm/sigstore@1.0.0'], now);
      expect(now.get('pkg:npm/sigstore@1.0.0')).toMatchObject({
        provenance: false,
        provenanceReason: "the subject digest is not the tarball's dist.integrity",
      });
      expect(now.get('pkg:npm/sigstore@1.0.0')?.provenanceDigest ?? null).toBeNull();
    } finally {
      registry.overrides.set('sigstore', served);
    }
  });
});

describe('verification starts as the tree is placed', () => {
  /** A tree a few levels deep below the attested root (its integrity, so its bundles, unchanged). */
  function deepen(own: FixtureRegistry): void {
    const sigstore = own.overrides.get('sigstore') as {
      versions: Record<string, { dependencies: Record<string, string> }>;
    };
    const root = sigstore.versions['1.0.0'];
    if (root === undefined) throw new Error('no sigstore@1.0.0');
    root.dependencies = { ...root.dependencies, rimraf: '^3.0.0', cliui: '^7.0.0' };
  }

  it("fetches a version's attestations once, while the placement pass still reads packuments", async () => {
    const own = await startFixtureRegistry();
    addAttestedPackuments(own);
    deepen(own);
    const temp = tempDir('trustmap-provenance-placed-');
    const store = await EmbeddedStore.open(path.join(temp.dir, 'graph.grafeo'));
    try {
      const summary = await ingest({
        roots: [parseRootSpec('npm:sigstore@1.0.0', temp.dir)],
        store,
        registry: own.url,
      });
      expect(summary.failures).toEqual([]);
      // First requests in order: the root's attestations come before the packuments of the
      // levels below it, so verification ran beside the placement pass, not after it.
      const order = [...own.requests.keys()];
      const attestations = order.indexOf('-/npm/v1/attestations/sigstore@1.0.0');
      const packuments = order.filter((p) => !p.startsWith('-/'));
      expect(attestations).toBeGreaterThan(0);
      expect(attestations).toBeLessThan(order.indexOf(packuments.at(-1) ?? ''));
      // Started at placement, taken by the recording job: fetched (and verified) once.
      expect(own.requests.get('-/npm/v1/attestations/sigstore@1.0.0')).toBe(1);
      const stored = (await store.node('pkg:npm/sigstore@1.0.0'))?.properties ?? {};
      const fact = (p: Record<string, JsonValue> | undefined) => ({
        provenance: p?.provenance,
        source: p?.provenanceSource,
        commit: p?.provenanceCommit,
        workflow: p?.provenanceWorkflow,
      });
      expect(stored.provenance).toBe(true);
      expect(fact(stored)).toEqual(fact(cleanProps.get('pkg:npm/sigstore@1.0.0')));
    } finally {
      await store.close();
      await own.close();
      temp.cleanup();
    }
  });
  it('asks a registry that serves no attestations once, and records why nothing is known', async () => {
    const own = await startFixtureRegistry();
    addAttestedPackuments(own);
    own.overrides.delete('-/npm/v1/attestations/sigstore@1.0.0'); // a mirror that passes none
    deepen(own);
    const temp = tempDir('trustmap-provenance-missing-');
    const store = await EmbeddedStore.open(path.join(temp.dir, 'graph.grafeo'));
    try {
      const summary = await ingest({
        roots: [parseRootSpec('npm:sigstore@1.0.0', temp.dir)],
        store,
        registry: own.url,
      });
      expect(summary.failures).toEqual([]);
      expect(own.requests.get('-/npm/v1/attestations/sigstore@1.0.0')).toBe(1);
      const stored = (await store.node('pkg:npm/sigstore@1.0.0'))?.properties ?? {};
      expect(stored.provenanceUnknown).toEqual(expect.stringContaining('(404)'));
    } finally {
      await store.close();
      await own.close();
      temp.cleanup();
    }
  });
});
