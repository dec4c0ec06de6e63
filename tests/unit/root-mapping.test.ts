/**
 * Mapping roots to graph records with nothing fetched or written: the fixture Python lockfiles
 * (poetry, uv, Pipfile.lock), requirements files as the PyPI ingest test writes them, the npm
 * lockfile and the SBOMs the integration tests ingest. What a user would see in the graph: the
 * project node, its DEPENDS_ON ranges and kinds, RESOLVES_TO only between wanted releases, dev
 * packages only with --dev, markers that do not hold kept as edges but not followed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseToml, stringify as stringifyToml } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphRecords } from '../../ingest/records.js';
import { lockfileRecords } from '../../ingest/roots/map-lockfile.js';
import { mapPythonLock } from '../../ingest/roots/map-python-lock.js';
import { mapRequirements } from '../../ingest/roots/map-requirements.js';
import { folderProjectKey, projectKey, pythonProjectKey } from '../../ingest/roots/project-key.js';
import { readPythonLockfile } from '../../ingest/roots/python-lockfile.js';
import { readLockfile } from '../../ingest/roots/read-lockfile.js';
import { readRequirements } from '../../ingest/roots/requirements.js';
import { DEFAULT_ENVIRONMENT } from '../../ingest/sources/pypi/requirement.js';
import { prototypePolluted } from '../helpers/mutate.js';
import { tempDir } from '../helpers/temp.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
const LOCKS = path.join(FIXTURES, 'python-lockfiles');

const edges = (records: GraphRecords, type: 'RESOLVES_TO' | 'DEPENDS_ON'): string[] =>
  records
    .relationshipRows(type)
    .map((r) => `${r.from} -> ${r.to}`)
    .sort();

/** poetry.lock read independently of the reader: name -> version, and who requires whom. */
function poetryFixture(): { versions: Map<string, string>; requires: [string, string][] } {
  const doc = parseToml(fs.readFileSync(path.join(LOCKS, 'poetry/poetry.lock'), 'utf8')) as {
    package: { name: string; version: string; dependencies?: Record<string, unknown> }[];
  };
  const versions = new Map(doc.package.map((p) => [p.name, p.version]));
  const requires = doc.package.flatMap((p) =>
    Object.keys(p.dependencies ?? {}).map((d): [string, string] => [p.name, d]),
  );
  return { versions, requires };
}

let temp: { dir: string; cleanup: () => void };
beforeAll(() => {
  temp = tempDir();
});
afterAll(() => {
  temp.cleanup();
  expect(prototypePolluted()).toBe(false);
});

/** A folder under the temp dir with these files in it. */
function folder(name: string, files: Record<string, string>): string {
  const dir = path.join(temp.dir, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
  return dir;
}

describe('mapPythonLock', () => {
  const poetryFile = path.join(LOCKS, 'poetry/poetry.lock');

  it('maps poetry.lock: the project release, its own dependency, and the locked tree', () => {
    const lock = readPythonLockfile(poetryFile);
    const project = pythonProjectKey(lock, poetryFile);
    const pyproject = parseToml(
      fs.readFileSync(path.join(LOCKS, 'poetry/pyproject.toml'), 'utf8'),
    ) as { tool: { poetry: { name: string; version: string; dependencies: object } } };
    const { name, version, dependencies } = pyproject.tool.poetry;
    expect(project).toBe(`pkg:pypi/${name}@${version}`);

    const { records, pypiRoots } = mapPythonLock(lock, project, { input: poetryFile, dev: false });
    expect(records.nodeRows('Version')).toEqual([
      { key: project, props: { project: true, lockfile: 'poetry.lock' } },
    ]);
    const { versions, requires } = poetryFixture();
    const direct = Object.keys(dependencies).filter((d) => d !== 'python');
    expect(direct).toEqual(['pytest']);
    expect(records.relationshipRows('DEPENDS_ON')).toEqual(
      direct.map((d) => ({
        from: project,
        to: `pkg:pypi/${d}`,
        props: { range: `==${versions.get(d)}`, kind: 'prod' },
      })),
    );
    const key = (n: string): string => `pkg:pypi/${n}@${versions.get(n)}`;
    expect(edges(records, 'RESOLVES_TO')).toEqual(
      [
        ...direct.map((d) => `${project} -> ${key(d)}`),
        ...requires.map(([from, to]) => `${key(from)} -> ${key(to)}`),
      ].sort(),
    );
    for (const row of records.relationshipRows('RESOLVES_TO'))
      expect(row.props).toEqual({ root: project, range: `==${row.to.split('@')[1]}` });
    // Every locked release is fetched and mapped under the project, and not followed.
    expect(pypiRoots.map((r) => `${r.requirement.name}${r.requirement.specifier}`).sort()).toEqual(
      [...versions].map(([n, v]) => `${n}==${v}`).sort(),
    );
    expect(
      pypiRoots.every(
        (r) =>
          r.locked === true &&
          r.input === poetryFile &&
          r.from?.key === project &&
          r.from.root === project,
      ),
    ).toBe(true);
    records.check();
  });

  it('maps uv.lock to the same tree as poetry.lock, named as uv', () => {
    const poetry = readPythonLockfile(poetryFile);
    const uvFile = path.join(LOCKS, 'uv/uv.lock');
    const uv = readPythonLockfile(uvFile);
    const project = pythonProjectKey(uv, uvFile);
    expect(project).toBe(pythonProjectKey(poetry, poetryFile));
    const fromUv = mapPythonLock(uv, project, { input: uvFile, dev: false }).records;
    const fromPoetry = mapPythonLock(poetry, project, { input: poetryFile, dev: false }).records;
    expect(edges(fromUv, 'RESOLVES_TO')).toEqual(edges(fromPoetry, 'RESOLVES_TO'));
    expect(fromUv.relationshipRows('DEPENDS_ON')).toEqual(
      fromPoetry.relationshipRows('DEPENDS_ON'),
    );
    expect(fromUv.nodeRows('Version')[0]?.props.lockfile).toBe('uv.lock');
  });

  it('maps Pipfile.lock, which names no project, under its folder: every package the project’s', () => {
    const file = path.join(LOCKS, 'pipenv/Pipfile.lock');
    const lock = readPythonLockfile(file);
    const project = pythonProjectKey(lock, file);
    expect(project).toBe('project:pipenv');
    const { records } = mapPythonLock(lock, project, { input: file, dev: false });
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      default: Record<string, { version: string }>;
    };
    expect(records.relationshipRows('DEPENDS_ON').sort((a, b) => a.to.localeCompare(b.to))).toEqual(
      Object.entries(doc.default)
        .map(([n, e]) => ({
          from: project,
          to: `pkg:pypi/${n}`,
          props: { range: e.version, kind: 'prod' },
        }))
        .sort((a, b) => a.to.localeCompare(b.to)),
    );
    expect(records.relationshipRows('RESOLVES_TO').every((r) => r.from === project)).toBe(true);
  });

  it('drops a development package and every edge to or from it unless dev is asked for', () => {
    // The fixture poetry.lock with pytest in the dev category (the way poetry 1.1 marks it).
    const doc = parseToml(fs.readFileSync(poetryFile, 'utf8')) as {
      package: { name: string; category?: string }[];
    };
    for (const p of doc.package) if (p.name === 'pytest') p.category = 'dev';
    const dir = folder('poetry-dev', {
      'poetry.lock': stringifyToml(doc),
      'pyproject.toml': fs.readFileSync(path.join(LOCKS, 'poetry/pyproject.toml'), 'utf8'),
    });
    const file = path.join(dir, 'poetry.lock');
    const lock = readPythonLockfile(file);
    const project = pythonProjectKey(lock, file);
    const { versions } = poetryFixture();
    const pytest = `pkg:pypi/pytest@${versions.get('pytest')}`;

    const prod = mapPythonLock(lock, project, { input: file, dev: false });
    expect(prod.records.relationshipRows('DEPENDS_ON')).toEqual([]);
    expect(
      edges(prod.records, 'RESOLVES_TO').filter((e) => e.includes(pytest) || e.startsWith(project)),
    ).toEqual([]);
    // What pytest alone required is still locked, and still linked among itself.
    expect(edges(prod.records, 'RESOLVES_TO')).toContain(
      `pkg:pypi/more-itertools@${versions.get('more-itertools')} -> pkg:pypi/six@${versions.get('six')}`,
    );
    expect(prod.pypiRoots.map((r) => r.requirement.name)).not.toContain('pytest');
    expect(prod.pypiRoots).toHaveLength(versions.size - 1);

    const withDev = mapPythonLock(lock, project, { input: file, dev: true });
    expect(withDev.records.relationshipRows('DEPENDS_ON')).toEqual([
      {
        from: project,
        to: 'pkg:pypi/pytest',
        props: { range: `==${versions.get('pytest')}`, kind: 'dev' },
      },
    ]);
    expect(edges(withDev.records, 'RESOLVES_TO')).toContain(`${project} -> ${pytest}`);
    expect(withDev.pypiRoots).toHaveLength(versions.size);
  });

  it('maps the PyPI part of the CycloneDX SBOM under the npm project it describes', () => {
    const file = path.join(FIXTURES, 'sbom/lock-demo.cdx.json');
    const sbom = readLockfile(file);
    const project = projectKey(sbom, file);
    expect(project).toBe('pkg:npm/lock-demo@1.0.0');
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      metadata: { component: { version: string } };
      components: { purl: string }[];
    };
    const pypi = doc.components.filter((c) => c.purl.startsWith('pkg:pypi/'));
    expect(pypi.map((c) => c.purl)).toEqual(['pkg:pypi/requests@2.18.4']);
    if (sbom.python === undefined) throw new Error('the SBOM has no PyPI part');
    const { records, pypiRoots } = mapPythonLock(sbom.python, project, { input: file, dev: false });
    expect(records.nodeRows('Version')).toEqual([
      { key: project, props: { project: true, lockfile: 'cyclonedx-1.5' } },
    ]);
    expect(edges(records, 'RESOLVES_TO')).toEqual([`${project} -> pkg:pypi/requests@2.18.4`]);
    expect(records.relationshipRows('DEPENDS_ON')).toEqual([
      {
        from: project,
        to: 'pkg:pypi/requests',
        props: { range: '==2.18.4', kind: 'prod' },
      },
    ]);
    expect(pypiRoots.map((r) => r.requirement.specifier)).toEqual(['==2.18.4']);
  });

  it('maps a `__proto__` or `constructor` package as any other name, polluting nothing', () => {
    const dir = folder('hostile-pipenv', {
      'Pipfile.lock':
        '{"default":{"__proto__":{"version":"==1.0"},"constructor":{"version":"==2.0"}}}',
    });
    const file = path.join(dir, 'Pipfile.lock');
    const lock = readPythonLockfile(file);
    const { records, pypiRoots } = mapPythonLock(lock, folderProjectKey(file), {
      input: file,
      dev: false,
    });
    expect(edges(records, 'RESOLVES_TO')).toEqual([
      'project:hostile-pipenv -> pkg:pypi/-proto-@1.0',
      'project:hostile-pipenv -> pkg:pypi/constructor@2.0',
    ]);
    expect(pypiRoots.map((r) => r.requirement.name).sort()).toEqual(['-proto-', 'constructor']);
    records.check();
    expect(prototypePolluted()).toBe(false);
  });

  it("refuses a 5 MB name or version as that package's failure and keeps the rest", () => {
    const dir = folder('huge-pipenv', {
      'Pipfile.lock': JSON.stringify({
        default: {
          ok: { version: '==1.0' },
          big: { version: `==${'1'.repeat(5 * 2 ** 20)}` },
          [`long${'x'.repeat(5 * 2 ** 20)}`]: { version: '==1.0' },
          surrogate: { version: '==1.0\ud800' },
        },
      }),
    });
    const file = path.join(dir, 'Pipfile.lock');
    const lock = readPythonLockfile(file);
    const { records, pypiRoots, refused } = mapPythonLock(lock, folderProjectKey(file), {
      input: file,
      dev: false,
    });
    records.check();
    expect(refused.map((f) => [f.name, f.code])).toEqual([
      ['big', 'PACKAGE_INVALID'],
      [`long${'x'.repeat(96)}`, 'PACKAGE_INVALID'],
      ['surrogate', 'PACKAGE_INVALID'],
    ]);
    // The rest of the lockfile is kept.
    expect(pypiRoots.map((r) => r.requirement.name)).toEqual(['ok']);
    expect(records.relationshipRows('DEPENDS_ON').map((r) => r.to)).toEqual(['pkg:pypi/ok']);
  });

  it('names a project by its folder when its name or version cannot be a key', () => {
    const file = path.join(LOCKS, 'poetry/poetry.lock');
    const lock = readPythonLockfile(file);
    const named = (project: { name: string; version: string }): string =>
      pythonProjectKey({ ...lock, project }, file);
    expect(named({ name: 'demo', version: '1.0' })).toBe('pkg:pypi/demo@1.0');
    for (const project of [
      { name: 'x'.repeat(1500), version: '1.0' },
      { name: 'demo', version: '1'.repeat(5 * 2 ** 20) },
      { name: 'demo', version: '1.0\ud800' },
      // 256 characters, which encode to 2,304.
      { name: 'demo', version: '中'.repeat(256) },
    ])
      expect(named(project)).toBe('project:poetry');
  });
});

describe('mapRequirements', () => {
  /** The files the PyPI ingest test writes, with a marker and what pip would not follow. */
  function requirementsProject(): string {
    const dir = folder('mixed', {
      'requirements.txt': [
        '# app',
        '-r requirements-base.txt',
        '-c constraints.txt',
        'six==1.11.0',
        'dual-tool-py==1.0.0',
        'colorama>=0.3; sys_platform == "win32"',
        'attrs; python_version >= "3"',
        'Requests[Security]',
        'thing @ https://example.org/thing-1.0.tar.gz',
        '',
      ].join('\n'),
      'requirements-base.txt': 'pytest>=3.4,!=3.5.1,<3.6  # tests\n',
    });
    return path.join(dir, 'requirements.txt');
  }

  it('gives the project DEPENDS_ON every requirement, ranges as written, kinds by marker', async () => {
    const file = requirementsProject();
    const read = await readRequirements(file);
    const project = folderProjectKey(file);
    expect(project).toBe('project:mixed');
    const { records } = mapRequirements(read, project, {
      input: file,
      environment: DEFAULT_ENVIRONMENT,
    });
    expect(records.nodeRows('Version')).toEqual([
      { key: project, props: { project: true, lockfile: 'requirements' } },
    ]);
    const dependsOn = Object.fromEntries(
      records.relationshipRows('DEPENDS_ON').map((r) => [r.to, r.props]),
    );
    expect(dependsOn).toEqual({
      'pkg:pypi/pytest': { range: '>=3.4,!=3.5.1,<3.6', kind: 'prod' },
      'pkg:pypi/six': { range: '==1.11.0', kind: 'prod' },
      'pkg:pypi/dual-tool-py': { range: '==1.0.0', kind: 'prod' },
      'pkg:pypi/colorama': { range: '>=0.3', kind: 'marker' },
      'pkg:pypi/attrs': { range: '*', kind: 'marker' },
      'pkg:pypi/requests': { range: '*', kind: 'prod' },
    });
    expect(records.relationshipRows('DEPENDS_ON').every((r) => r.from === project)).toBe(true);
    // Requirements are followed by the PyPI closure: no RESOLVES_TO from the file itself.
    expect(records.relationshipRows('RESOLVES_TO')).toEqual([]);
    expect(read.skipped).toEqual([
      '-c constraints.txt',
      'thing @ https://example.org/thing-1.0.tar.gz',
    ]);
  });

  it('follows a marker that holds, keeps the edge of one that does not but follows it not', async () => {
    const file = requirementsProject();
    const read = await readRequirements(file);
    const project = folderProjectKey(file);
    const linux = mapRequirements(read, project, { input: file, environment: DEFAULT_ENVIRONMENT });
    expect(linux.pypiRoots.map((r) => r.requirement.name).sort()).toEqual([
      'attrs',
      'dual-tool-py',
      'pytest',
      'requests',
      'six',
    ]);
    expect(edges(linux.records, 'DEPENDS_ON')).toContain(`${project} -> pkg:pypi/colorama`);
    const requests = linux.pypiRoots.find((r) => r.requirement.name === 'requests');
    expect(requests).toMatchObject({
      input: file,
      requirement: { extras: ['security'], specifier: '' },
      from: { key: project, root: project },
    });
    expect(requests?.locked).toBeUndefined();

    const windows = mapRequirements(read, project, {
      input: file,
      environment: { ...DEFAULT_ENVIRONMENT, sys_platform: 'win32' },
    });
    expect(windows.pypiRoots.map((r) => r.requirement.name)).toContain('colorama');
    const every = mapRequirements(read, project, { input: file, environment: 'all' });
    expect(every.pypiRoots).toHaveLength(read.requirements.length);
    expect(edges(every.records, 'DEPENDS_ON')).toEqual(edges(linux.records, 'DEPENDS_ON'));
  });

  it('refuses a `__proto__` requirement as pip would, naming the file, and pollutes nothing', async () => {
    const dir = folder('hostile-requirements', { 'requirements.txt': '__proto__==1.0\n' });
    await expect(readRequirements(path.join(dir, 'requirements.txt'))).rejects.toThrow(
      expect.objectContaining({
        name: 'InvalidInputError',
        message: expect.stringContaining('requirements.txt') as string,
      }) as Error,
    );
    const ok = folder('constructor-requirements', { 'requirements.txt': 'constructor==1.0\n' });
    const file = path.join(ok, 'requirements.txt');
    const { records } = mapRequirements(await readRequirements(file), folderProjectKey(file), {
      input: file,
      environment: DEFAULT_ENVIRONMENT,
    });
    expect(edges(records, 'DEPENDS_ON')).toEqual([
      'project:constructor-requirements -> pkg:pypi/constructor',
    ]);
    expect(prototypePolluted()).toBe(false);
  });
});

describe('lockfileRecords', () => {
  const file = path.join(FIXTURES, 'lockfiles/npm-v3/package-lock.json');
  const lock = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    name: string;
    version: string;
    packages: Record<
      string,
      { version?: string; dev?: boolean; dependencies?: object; devDependencies?: object }
    >;
  };
  const root = lock.packages[''] ?? {};
  const versionOf = (name: string): string | undefined =>
    lock.packages[`node_modules/${name}`]?.version;

  it('maps package-lock v3: the project with its version, DEPENDS_ON by kind, jobs not followed', () => {
    const locked = readLockfile(file);
    const project = projectKey(locked, file);
    expect(project).toBe(`pkg:npm/${lock.name}@${lock.version}`);
    // A version of 256 characters that encodes to more than a key holds: named by its folder.
    const wide = { ...locked, project: { ...locked.project, version: '中'.repeat(256) } };
    expect(projectKey(wide, file)).toBe(folderProjectKey(file));
    const { records, jobs } = lockfileRecords(locked, project, true);
    expect(records.nodeRows('Version')).toEqual([
      {
        key: project,
        props: { version: lock.version, project: true, lockfile: 'npm lockfileVersion 3' },
      },
    ]);
    const asked = { ...root.dependencies, ...root.devDependencies } as Record<string, string>;
    const kindOf = (name: string): string => (name in (root.dependencies ?? {}) ? 'prod' : 'dev');
    const expected = Object.keys(asked).map((n) => ({
      from: project,
      to: `pkg:npm/${n}`,
      props: { range: asked[n], kind: kindOf(n) },
    }));
    expect(expected.map((e) => e.props.kind)).toContain('dev');
    expect(records.relationshipRows('DEPENDS_ON').sort((a, b) => a.to.localeCompare(b.to))).toEqual(
      expected.sort((a, b) => a.to.localeCompare(b.to)),
    );
    const installed = Object.entries(lock.packages).filter(([p]) => p !== '');
    expect(jobs.map((j) => `${j.name}@${j.spec}`).sort()).toEqual(
      installed.map(([p, e]) => `${p.replace(/^.*node_modules\//, '')}@${e.version}`).sort(),
    );
    expect(jobs.every((j) => j.follow === false && j.root === project && j.depth === 0)).toBe(true);
  });

  it('leaves dev packages, their jobs and their edges out without dev', () => {
    const locked = readLockfile(file);
    const project = projectKey(locked, file);
    const devOnly = Object.entries(lock.packages)
      .filter(([p, e]) => p !== '' && e.dev === true)
      .map(([p]) => p.replace(/^.*node_modules\//, ''));
    expect(devOnly.length).toBeGreaterThan(0);
    const { records, jobs } = lockfileRecords(locked, project, false);
    expect(jobs.map((j) => j.name)).not.toEqual(expect.arrayContaining([devOnly[0]]));
    for (const name of devOnly) {
      const key = `pkg:npm/${name}@${versionOf(name)}`;
      expect(edges(records, 'RESOLVES_TO').filter((e) => e.includes(key))).toEqual([]);
      expect(edges(records, 'DEPENDS_ON')).not.toContain(`${project} -> pkg:npm/${name}`);
    }
    expect(records.relationshipRows('DEPENDS_ON').every((r) => r.props.kind === 'prod')).toBe(true);
  });

  it('maps CycloneDX and SPDX of the same project to the same npm edges', () => {
    const cdxFile = path.join(FIXTURES, 'sbom/lock-demo.cdx.json');
    const spdxFile = path.join(FIXTURES, 'sbom/lock-demo.spdx.json');
    const cdx = readLockfile(cdxFile);
    const spdx = readLockfile(spdxFile);
    const project = projectKey(cdx, cdxFile);
    expect(projectKey(spdx, spdxFile)).toBe(project);
    const fromCdx = lockfileRecords(cdx, project, true).records;
    const fromSpdx = lockfileRecords(spdx, project, true).records;
    expect(edges(fromCdx, 'RESOLVES_TO')).toEqual(edges(fromSpdx, 'RESOLVES_TO'));
    expect(edges(fromCdx, 'RESOLVES_TO')).toContain(
      `${project} -> pkg:npm/chalk@${versionOf('chalk')}`,
    );
  });
});
