/**
 * Scoring orders a PyPI package's versions the PEP 440 way: which release is the package's
 * selected (latest) version, and which release came before another (provenance regression,
 * first-time publisher). Pre-releases, post-releases, dev releases, epochs and local versions.
 */
import { describe, expect, it } from 'vitest';
import { emptyTrustGraph, type TrustGraph, type VersionNode } from '../../trust/load.js';
import { computeScores } from '../../trust/score.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const ROOT = 'project:demo';

interface Release {
  version: string;
  provenance: boolean;
  publishers?: string[];
}

/** A project that resolves every given release of each PyPI package (as several roots would). */
function graphOf(packages: Record<string, Release[]>): TrustGraph {
  const node = (key: string, version: string | undefined, provenance: boolean): VersionNode => ({
    key,
    version,
    publishedAt: '2026-05-01T00:00:00Z',
    hasInstallScripts: false,
    license: 'MIT',
    provenance,
    maintainers: undefined,
    installScripts: undefined,
    installScriptText: undefined,
    dependencies: undefined,
    trustedPublisher: undefined,
    tagged: undefined,
    project: key === ROOT,
    trust: undefined,
    reach: undefined,
  });
  const graph: TrustGraph = {
    ...emptyTrustGraph(),
    versions: new Map([[ROOT, node(ROOT, undefined, false)]]),
    advisoriesKnown: true,
  };
  for (const [name, releases] of Object.entries(packages)) {
    const pkg = `pkg:pypi/${name}`;
    graph.packages.set(pkg, {
      key: pkg,
      name,
      maintainersKnown: true,
      createdAt: undefined,
      latest: undefined,
      tagOverlap: undefined,
    });
    graph.versionsOf.set(pkg, []);
    for (const release of releases) {
      const key = `${pkg}@${release.version}`;
      graph.versions.set(key, node(key, release.version, release.provenance));
      graph.versionsOf.get(pkg)?.push(key);
      graph.packageOf.set(key, pkg);
      if (release.publishers !== undefined) {
        graph.publishers.set(key, release.publishers);
        for (const person of release.publishers) graph.persons.add(person);
      }
      graph.resolves.set(`${ROOT} ${key}`, {
        from: ROOT,
        to: key,
        ranges: new Set([`==${release.version}`]),
        roots: new Set([`pypi:${name}==${release.version}`]),
      });
    }
  }
  return graph;
}

const score = (packages: Record<string, Release[]>) =>
  computeScores(graphOf(packages), { anchors: [], now: NOW });

describe('PyPI version ordering in scoring (PEP 440)', () => {
  it('selects the highest release: post-releases above finals, local versions above their public one, epochs above all', () => {
    const result = score({
      // Listed out of order, and none of these is valid semver except 2.0.0.
      final: [
        { version: '1.0.post1', provenance: true },
        { version: '1.0', provenance: true },
        { version: '1.0rc1', provenance: true },
        { version: '0.9', provenance: true },
      ],
      prerelease: [
        { version: '2.0b1', provenance: true },
        { version: '2.0.dev3', provenance: true },
        { version: '1.9', provenance: true },
      ],
      local: [
        { version: '3.1', provenance: true },
        { version: '3.1+ubuntu.1', provenance: true },
      ],
      epoch: [
        { version: '2024.1', provenance: true },
        { version: '1!0.1', provenance: true },
        { version: '2.0.0', provenance: true },
      ],
    });
    expect(Object.fromEntries(result.packageVersion)).toEqual({
      'pkg:pypi/final': 'pkg:pypi/final@1.0.post1',
      'pkg:pypi/prerelease': 'pkg:pypi/prerelease@2.0b1',
      'pkg:pypi/local': 'pkg:pypi/local@3.1+ubuntu.1',
      'pkg:pypi/epoch': 'pkg:pypi/epoch@1!0.1',
    });
  });

  it('compares a release with the one before it in PEP 440 order (provenance regression)', () => {
    const result = score({
      lib: [
        // Before 1.1 in PEP 440 order comes 1.1rc1 (attested), not 1.0.post1 (not attested).
        { version: '1.1', provenance: false },
        { version: '1.0', provenance: true },
        { version: '1.0.post1', provenance: false },
        { version: '1.1rc1', provenance: true },
        // 1.0.post1 comes after 1.0, which was attested: a regression.
      ],
    });
    const capped = (v: string) => result.versions.get(`pkg:pypi/lib@${v}`)?.local.capped;
    expect(capped('1.0')).toBeUndefined();
    expect(capped('1.0.post1')).toBe('provenance regression');
    expect(capped('1.1rc1')).toBeUndefined();
    expect(capped('1.1')).toBe('provenance regression');
  });

  it('finds a first-time publisher against the releases that came earlier in PEP 440 order', () => {
    const result = score({
      tool: [
        { version: '1.0a1', provenance: true, publishers: ['person:pypi:mallory'] },
        { version: '0.9', provenance: true, publishers: ['person:pypi:alice'] },
        { version: '1.0', provenance: true, publishers: ['person:pypi:alice'] },
        { version: '1!0.1', provenance: true, publishers: ['person:pypi:bob'] },
      ],
    });
    const capped = (v: string) => result.versions.get(`pkg:pypi/tool@${v}`)?.local.capped;
    // The first release has no earlier one: no one is new.
    expect(capped('0.9')).toBeUndefined();
    // mallory's pre-release of 1.0 comes after alice's 0.9.
    expect(capped('1.0a1')).toBe('first-time publisher');
    expect(capped('1.0')).toBeUndefined();
    // The epoch puts 1!0.1 after every other release, and bob published none of them.
    expect(capped('1!0.1')).toBe('first-time publisher');
  });

  it('leaves npm versions to semver', () => {
    const graph = graphOf({});
    const pkg = 'pkg:npm/left';
    graph.versionsOf.set(pkg, []);
    for (const [version, provenance] of [
      ['1.10.0', false],
      ['1.9.0', true],
      ['1.10.0-beta.1', true],
    ] as const) {
      const key = `${pkg}@${version}`;
      graph.versions.set(key, {
        ...(graph.versions.get(ROOT) as VersionNode),
        key,
        version,
        provenance,
        project: false,
      });
      graph.versionsOf.get(pkg)?.push(key);
      graph.packageOf.set(key, pkg);
      graph.resolves.set(`${ROOT} ${key}`, {
        from: ROOT,
        to: key,
        ranges: new Set(),
        roots: new Set(),
      });
    }
    const result = computeScores(graph, { anchors: [], now: NOW });
    expect(result.packageVersion.get(pkg)).toBe('pkg:npm/left@1.10.0');
    expect(result.versions.get('pkg:npm/left@1.10.0')?.local.capped).toBe('provenance regression');
  });
});
