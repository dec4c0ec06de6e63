/**
 * PyPI closures over real HTTP from a local PyPI with the fixture documents: pytest 3.5.0 with
 * every marker taken (the 9 projects of the fixtures README) and for Linux CPython 3 (7), its
 * maintainers, PEP 508 markers and PEP 440 specifiers on named cases, requirements files, and one
 * ingest of an npm lockfile and a requirements file together.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import { text } from '../../graph/values.js';
import { emailHash } from '../../ingest/identity.js';
import { linkIdentities } from '../../ingest/identities.js';
import { pickVersion } from '../../ingest/pypi-closure.js';
import { readPythonLockfile } from '../../ingest/roots/python-lockfile.js';
import { ingest, type IngestSummary } from '../../ingest/run-ingest.js';
import { parseRootSpec } from '../../ingest/spec.js';
import {
  DEFAULT_ENVIRONMENT,
  markerHolds,
  parseRequirement,
} from '../../ingest/sources/pypi/requirement.js';
import { identityLinks } from '../helpers/graph-snapshot.js';
import { startFixturePyPi, type FixturePyPi } from '../helpers/fixture-pypi.js';
import { startFixtureRegistry, type FixtureRegistry } from '../helpers/fixture-registry.js';
import { FIXTURES } from '../helpers/fixture-registry.js';
import { tempDir } from '../helpers/temp.js';

const PYPI_FIXTURES = path.join(FIXTURES, 'pypi');

let pypi: FixturePyPi;
let registry: FixtureRegistry;
beforeAll(async () => {
  pypi = await startFixturePyPi();
  registry = await startFixtureRegistry();
});
afterAll(async () => {
  await pypi.close();
  await registry.close();
});

/** Linux CPython 3.6, the Python of pytest 3.5.0's day: setuptools 67 (>=3.7) is not for it. */
const CPYTHON_36 = { ...DEFAULT_ENVIRONMENT, python_version: '3.6', python_full_version: '3.6.15' };

async function run(
  specs: string[],
  environment: 'all' | typeof DEFAULT_ENVIRONMENT = CPYTHON_36,
  cwd = '/',
  asOf?: Date,
): Promise<{
  summary: IngestSummary;
  projects: string[];
  maintainers: string[];
  edges: string[];
  links: Record<string, unknown>[];
}> {
  const temp = tempDir();
  const store = await EmbeddedStore.open(path.join(temp.dir, 'graph.grafeo'));
  try {
    const summary = await ingest({
      roots: specs.map((s) => parseRootSpec(s, cwd)),
      store,
      registry: registry.url,
      pypiUrl: pypi.url,
      pythonEnvironment: environment,
      asOf,
    });
    const rows = async (cypher: string) =>
      (await store.query(cypher, {}, { rowLimit: 10_000, timeoutMs: 10_000 })).rows;
    const projects = await rows(
      "MATCH (p:Package)-[:HAS_VERSION]->(v:Version) WHERE p.ecosystem = 'pypi' RETURN DISTINCT p.key AS key ORDER BY key",
    );
    const maintainers = await rows(
      "MATCH (m:Person)-[:MAINTAINS]->(p:Package {key: 'pkg:pypi/pytest'}) RETURN m.key AS key ORDER BY key",
    );
    const edges = await rows(
      'MATCH (a)-[r:RESOLVES_TO]->(b) RETURN a.key AS a, b.key AS b ORDER BY a, b',
    );
    return {
      summary,
      links: await identityLinks(store),
      projects: projects.map((r) => text(r.key)),
      maintainers: maintainers.map((r) => text(r.key)),
      edges: edges.map((r) => `${text(r.a)} -> ${text(r.b)}`),
    };
  } finally {
    await store.close();
    temp.cleanup();
  }
}

const CLOSURE = [
  'attrs',
  'colorama',
  'funcsigs',
  'more-itertools',
  'pluggy',
  'py',
  'pytest',
  'setuptools',
  'six',
];

describe('PyPI ingest', () => {
  it('takes the closure of pytest==3.5.0 with every marker: the 9 projects, with maintainers', async () => {
    const { summary, projects, maintainers, edges } = await run(['pypi:pytest==3.5.0'], 'all');
    expect(summary.failures).toEqual([]);
    expect(projects).toEqual(CLOSURE.map((p) => `pkg:pypi/${p}`));
    expect(summary.roots).toEqual([
      { spec: 'pypi:pytest==3.5.0', resolved: 'pkg:pypi/pytest@3.5.0' },
    ]);
    // Every release document names its owners; every index gives upload times.
    expect(summary.coverage).toMatchObject({ packages: 9, maintainersKnown: 9, timesKnown: 9 });
    // PyPI's ownership roles are the accounts; the author field is a name.
    expect(maintainers).toEqual(
      expect.arrayContaining([
        'person:pypi:hpk',
        'person:pypi:nicoddemus',
        'person:pypi:the_compiler',
      ]),
    );
    expect(edges).toContain('pkg:pypi/pytest@3.5.0 -> pkg:pypi/py@1.5.3');
    expect(edges).toContain('pkg:pypi/more-itertools@4.1.0 -> pkg:pypi/six@1.11.0');
    // Every request went to the local server, the JSON Simple API for version lists.
    expect(pypi.requests.some((r) => r === '/simple/pytest/')).toBe(true);
  });

  it('resolves as PyPI stood on a date with --as-of: a release uploaded later does not exist', async () => {
    // six as its index would read with 1.10.0 (uploaded 2015-10-07) before the real 1.11.0.
    type Doc = Record<string, unknown> & { files: Record<string, unknown>[]; versions: string[] };
    const simple = JSON.parse(
      fs.readFileSync(path.join(PYPI_FIXTURES, 'simple/six.json'), 'utf8'),
    ) as Doc;
    const older = simple.files.map((f) => ({
      ...f,
      filename: String(f.filename).replace('1.11.0', '1.10.0'),
      'upload-time': '2015-10-07T03:30:00.000000Z',
    }));
    const release = JSON.parse(
      fs.readFileSync(path.join(PYPI_FIXTURES, 'six/1.11.0.json'), 'utf8'),
    ) as {
      info: Record<string, unknown>;
    };
    pypi.overrides.set('/simple/six/', {
      ...simple,
      files: [...older, ...simple.files],
      versions: ['1.10.0', ...simple.versions],
    });
    pypi.overrides.set('/pypi/six/1.10.0/json', {
      ...release,
      info: { ...release.info, version: '1.10.0' },
    });
    try {
      const then = await run(['pypi:six'], 'all', '/', new Date('2016-06-01T00:00:00Z'));
      expect(then.summary.failures).toEqual([]);
      expect(then.summary.roots).toEqual([{ spec: 'pypi:six', resolved: 'pkg:pypi/six@1.10.0' }]);
      const now = await run(['pypi:six'], 'all');
      expect(now.summary.roots).toEqual([{ spec: 'pypi:six', resolved: 'pkg:pypi/six@1.11.0' }]);
      // Before its first upload, the project has nothing to install, and the failure says when.
      const before = await run(['pypi:six'], 'all', '/', new Date('2010-01-01T00:00:00Z'));
      expect(before.summary.failures.map((f) => `${f.code}: ${f.reason}`)).toEqual([
        'NO_MATCHING_VERSION: no release satisfies any version as of 2010-01-01T00:00:00.000Z',
      ]);
    } finally {
      pypi.overrides.delete('/simple/six/');
      pypi.overrides.delete('/pypi/six/1.10.0/json');
    }
  });

  it('evaluates markers for Linux CPython 3: 7 projects, no funcsigs or colorama', async () => {
    const { summary, projects } = await run(['pkg:pypi/pytest@3.5.0']);
    expect(summary.failures).toEqual([]);
    expect(projects).toEqual(
      CLOSURE.filter((p) => p !== 'funcsigs' && p !== 'colorama').map((p) => `pkg:pypi/${p}`),
    );
  });

  it('reads a requirements file with an include, and an npm lockfile in the same graph, people linked across them', async () => {
    const temp = tempDir();
    // One person who publishes on both registries (documents written here, example.org email):
    // the npm package is a dependency of the lockfile's project, the PyPI one of the requirements.
    const email = 'dual.dev@example.org';
    registry.overrides.set('dual-tool', {
      name: 'dual-tool',
      'dist-tags': { latest: '1.0.0' },
      maintainers: [{ name: 'dualdev', email }],
      versions: {
        '1.0.0': {
          name: 'dual-tool',
          version: '1.0.0',
          maintainers: [{ name: 'dualdev', email }],
          _npmUser: { name: 'dualdev', email },
          dist: { tarball: 'http://127.0.0.1/dual-tool-1.0.0.tgz', shasum: '0'.repeat(40) },
        },
      },
      time: { '1.0.0': '2026-01-01T00:00:00.000Z' },
    });
    pypi.overrides.set('/simple/dual-tool-py/', {
      meta: { 'api-version': '1.1' },
      name: 'dual-tool-py',
      versions: ['1.0.0'],
      files: [],
    });
    pypi.overrides.set('/pypi/dual-tool-py/1.0.0/json', {
      info: {
        name: 'dual-tool-py',
        version: '1.0.0',
        author: 'Dual Dev',
        author_email: `Dual Dev <${email}>`,
        requires_dist: null,
      },
      ownership: { roles: [{ role: 'Owner', user: 'dualdev-py' }] },
      urls: [],
    });
    try {
      const project = path.join(temp.dir, 'mixed');
      fs.mkdirSync(project);
      fs.writeFileSync(
        path.join(project, 'requirements.txt'),
        '# app\n-r requirements-base.txt\nsix==1.11.0\ndual-tool-py==1.0.0\n',
      );
      fs.writeFileSync(
        path.join(project, 'requirements-base.txt'),
        'pytest>=3.4,!=3.5.1,<3.6  # tests\n',
      );
      fs.cpSync(path.resolve(import.meta.dirname, '../fixtures/lockfiles/npm-v3'), project, {
        recursive: true,
      });
      const lockfile = JSON.parse(
        fs.readFileSync(path.join(project, 'package-lock.json'), 'utf8'),
      ) as { packages: Record<string, { dependencies?: Record<string, string> }> };
      const root = lockfile.packages[''];
      if (root?.dependencies === undefined) throw new Error('the lockfile has no root');
      root.dependencies['dual-tool'] = '1.0.0';
      lockfile.packages['node_modules/dual-tool'] = { version: '1.0.0' } as never;
      fs.writeFileSync(path.join(project, 'package-lock.json'), JSON.stringify(lockfile));
      const { summary, edges, links } = await run([
        path.join(project, 'package-lock.json'),
        path.join(project, 'requirements.txt'),
      ]);
      expect(summary.failures).toEqual([]);
      expect(summary.roots).toEqual([
        { spec: path.join(project, 'package-lock.json'), resolved: 'pkg:npm/lock-demo@1.0.0' },
        { spec: path.join(project, 'requirements.txt'), resolved: 'project:mixed' },
      ]);
      expect(edges).toContain('project:mixed -> pkg:pypi/pytest@3.5.0');
      expect(edges).toContain('project:mixed -> pkg:pypi/six@1.11.0');
      expect(edges).toContain('pkg:npm/lock-demo@1.0.0 -> pkg:npm/chalk@4.1.0');
      expect(summary.resolved.some((k) => k.startsWith('pkg:npm/'))).toBe(true);
      expect(summary.resolved.some((k) => k.startsWith('pkg:pypi/'))).toBe(true);
      expect(edges).toContain('pkg:npm/lock-demo@1.0.0 -> pkg:npm/dual-tool@1.0.0');
      expect(edges).toContain('project:mixed -> pkg:pypi/dual-tool-py@1.0.0');
      // The npm account and the PyPI author share an email hash: linked, with the evidence.
      expect(links).toEqual([
        {
          a: 'person:npm:dualdev',
          b: `person:pypi-author:${emailHash(email)}`,
          evidence: 'email',
          confidence: 0.9,
        },
      ]);
    } finally {
      registry.overrides.delete('dual-tool');
      pypi.overrides.clear();
      temp.cleanup();
    }
  });
});

describe('PEP 508 markers and PEP 440 specifiers', () => {
  const holds = (requirement: string, extra = '') =>
    markerHolds(parseRequirement(requirement)?.marker, DEFAULT_ENVIRONMENT, extra);
  it('evaluates markers for the stated environment', () => {
    expect(holds('funcsigs; python_version < "3.0"')).toBe(false);
    expect(holds('colorama; sys_platform == "win32"')).toBe(false);
    expect(holds('uvloop; sys_platform != "win32" and implementation_name == "cpython"')).toBe(
      true,
    );
    expect(holds('tomli; python_version < "3.11"')).toBe(false);
    expect(holds('typing-extensions; python_full_version >= "3.8.1"')).toBe(true);
    expect(holds('pywin32; platform_system == "Windows" or os_name == "nt"')).toBe(false);
    expect(holds('pytest; extra == "tests"')).toBe(false);
    expect(holds('pytest; extra == "tests"', 'tests')).toBe(true);
    expect(holds('pytest; extra == "Test_Suite"', 'test-suite')).toBe(true);
    expect(holds('x; "linux" in sys_platform')).toBe(true);
  });
  it('reads requirements and picks versions the PEP 440 way', () => {
    expect(parseRequirement('Pluggy (<0.7,>=0.5)')).toMatchObject({
      name: 'pluggy',
      specifier: '<0.7,>=0.5',
    });
    expect(parseRequirement('requests[Security,socks]>=2.8.1')).toMatchObject({
      name: 'requests',
      extras: ['security', 'socks'],
    });
    const versions = ['0.5.0', '0.6.0', '0.7.0rc1', '0.7.1', '1.0.0.dev1', '1.0.0'];
    expect(pickVersion(versions, new Set(), '<0.7,>=0.5')).toBe('0.6.0');
    expect(pickVersion(versions, new Set(), '~=0.7.0')).toBe('0.7.1');
    expect(pickVersion(versions, new Set(['1.0.0']), '')).toBe('0.7.1');
    expect(pickVersion(versions, new Set(), '>=1.0.0.dev0')).toBe('1.0.0');
    expect(pickVersion(versions, new Set(), '==0.7.0rc1')).toBe('0.7.0rc1');
    expect(pickVersion(versions, new Set(), '>2')).toBeUndefined();
    const requires = new Map([['1.0.0', '>=3.7']]);
    expect(pickVersion(versions, new Set(), '', { version: '3.6.15', requires })).toBe('0.7.1');
    expect(pickVersion(versions, new Set(), '', { version: '3.12.7', requires })).toBe('1.0.0');
  });
});

describe('identities across ecosystems', () => {
  it('links people with one email hash, with the evidence, and merges nothing', async () => {
    const temp = tempDir();
    const store = await EmbeddedStore.open(path.join(temp.dir, 'graph.grafeo'));
    try {
      const hash = emailHash('Dev@Example.org');
      await store.upsertNodes('Person', [
        { key: 'person:pypi-author:' + hash, props: { name: 'Dev', emailHash: hash } },
        { key: 'person:pypi:dev', props: { name: 'dev' } },
        { key: 'person:npm:dev', props: { name: 'dev' } },
        { key: 'person:npm:other', props: { name: 'other' } },
      ]);
      await store.upsertRelationships('MAINTAINS', [
        {
          from: 'person:npm:dev',
          to: 'pkg:npm/thing',
          props: { emailHash: emailHash('dev@example.org') },
        },
        {
          from: 'person:npm:other',
          to: 'pkg:npm/thing',
          props: { emailHash: emailHash('o@example.org') },
        },
      ]);
      expect(await linkIdentities(store)).toBe(1);
      expect(await identityLinks(store)).toEqual([
        {
          a: 'person:npm:dev',
          b: `person:pypi-author:${hash}`,
          evidence: 'email',
          confidence: 0.9,
        },
      ]);
      expect((await store.counts()).nodes.Person).toBe(4);
      // Linking again adds nothing.
      await linkIdentities(store);
      expect((await store.counts()).relationships.SAME_AS).toBe(1);
    } finally {
      await store.close();
      temp.cleanup();
    }
  });
});

describe('Python lockfiles', () => {
  const LOCKS = path.resolve(import.meta.dirname, '../fixtures/python-lockfiles');
  it('reads poetry.lock, uv.lock and Pipfile.lock as exact releases', () => {
    const expected = [
      'attrs@17.4.0',
      'more-itertools@4.1.0',
      'pluggy@0.6.0',
      'py@1.5.3',
      'pytest@3.5.0',
      'setuptools@39.2.0',
      'six@1.11.0',
    ];
    for (const file of ['poetry/poetry.lock', 'uv/uv.lock', 'pipenv/Pipfile.lock']) {
      const lock = readPythonLockfile(path.join(LOCKS, file));
      expect(lock.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(expected);
    }
    const poetry = readPythonLockfile(path.join(LOCKS, 'poetry/poetry.lock'));
    expect(poetry.project).toEqual({ name: 'py-demo', version: '0.1.0' });
    expect(poetry.edges).toContainEqual({ from: '', to: 'pytest' });
    expect(poetry.edges).toContainEqual({ from: 'more-itertools', to: 'six' });
    const uv = readPythonLockfile(path.join(LOCKS, 'uv/uv.lock'));
    expect(uv.project).toEqual({ name: 'py-demo', version: '0.1.0' });
    expect(
      [...uv.edges].sort((a, b) => `${a.from}${a.to}`.localeCompare(`${b.from}${b.to}`)),
    ).toEqual(
      [...poetry.edges].sort((a, b) => `${a.from}${a.to}`.localeCompare(`${b.from}${b.to}`)),
    );
  });

  it('ingests a lockfile: the locked releases with their metadata, and its tree', async () => {
    const fromPoetry = await run([path.join(LOCKS, 'poetry/poetry.lock')]);
    expect(fromPoetry.summary.failures).toEqual([]);
    expect(fromPoetry.summary.roots).toEqual([
      { spec: path.join(LOCKS, 'poetry/poetry.lock'), resolved: 'pkg:pypi/py-demo@0.1.0' },
    ]);
    expect(fromPoetry.edges).toContain('pkg:pypi/py-demo@0.1.0 -> pkg:pypi/pytest@3.5.0');
    expect(fromPoetry.edges).toContain('pkg:pypi/more-itertools@4.1.0 -> pkg:pypi/six@1.11.0');
    expect(fromPoetry.maintainers).toContain('person:pypi:hpk');
    const fromUv = await run([path.join(LOCKS, 'uv/uv.lock')]);
    expect(fromUv.edges).toEqual(fromPoetry.edges);
    const fromPipenv = await run([path.join(LOCKS, 'pipenv/Pipfile.lock')]);
    expect(fromPipenv.edges).toHaveLength(7);
    expect(fromPipenv.edges.every((e) => e.startsWith('project:pipenv -> '))).toBe(true);
  });
});
