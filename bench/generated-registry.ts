/**
 * A generated npm registry for the scale benches (issue 15 item 3): `generateRegistry(n, seed)`
 * builds the dependency graph of `n` packages, deterministically from the seed, and
 * `serveGeneratedRegistry` serves their packuments on loopback in the real shape (as in
 * ../shared/fixtures/npm/packuments: versions with dist.integrity/shasum/tarball, `time`,
 * maintainers, `_npmUser`, repository, dist-tags, a readme; dependencies as semver ranges).
 *
 * The graph: package 0 is the root. Every other package j has one dependent among the packages
 * before it (a random recursive tree, so the root reaches all of them within about ln(n) levels),
 * and a package has on average two more dependencies on packages after it, drawn towards the end
 * of the list (the small utilities that many packages use), so it is a DAG with a few very popular
 * leaves. A package has 1 to 12 versions over a few majors (or, with shape `real`, as many as
 * packages of real closures have: a median of 25); a dependent mostly asks for the
 * latest major (`^M.m.0`, `~M.m.p`, `>=M.0.0 <M+1.0.0`, an exact version) and sometimes for an
 * older one, so some packages are placed at two versions, as in real trees.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** mulberry32: a small seeded PRNG, enough for a bench's shapes. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Dependency {
  target: number;
  range: string;
}

interface GeneratedPackage {
  name: string;
  versions: string[];
  /** Ids of its maintainers (gen-user-<id>). */
  maintainers: number[];
  dependencies: Dependency[];
  devDependencies: number[];
  createdMs: number;
}

export interface GeneratedRegistry {
  packages: GeneratedPackage[];
  /** The root's name (package 0). */
  root: string;
  /** Dependency edges between packages (each package's list, not per version). */
  edges: number;
  /** Versions over all packuments. */
  versions: number;
}

const WORDS = [
  'core',
  'util',
  'parse',
  'color',
  'stream',
  'path',
  'glob',
  'json',
  'ansi',
  'fs',
  'http',
  'cli',
  'config',
  'log',
  'cache',
  'types',
];

function packageName(i: number, random: () => number): string {
  const word = WORDS[Math.floor(random() * WORDS.length)] ?? 'pkg';
  if (i > 0 && i % 9 === 0) return `@gen-scope-${i % 97}/${word}-${i}`;
  return `gen-${word}-${i}`;
}

/**
 * How many versions a packument has, in the real closures of jest@29 and react-scripts@5 (1,099
 * distinct packuments of registry.npmjs.org, 2026-12-03): the count at every 5th percentile, then
 * at the 98th, 99th, 99.5th, 99.9th and 100th. Their mean is 62.9 (drawn from the table: about
 * 62.0; seed 15's 1,000 packages: 59.1), their median 25.
 */
const REAL_VERSION_COUNTS: readonly (readonly [number, number])[] = [
  [0, 1],
  [0.05, 3],
  [0.1, 5],
  [0.15, 6],
  [0.2, 8],
  [0.25, 10],
  [0.3, 12],
  [0.35, 14],
  [0.4, 17],
  [0.45, 21],
  [0.5, 25],
  [0.55, 29],
  [0.6, 33],
  [0.65, 38],
  [0.7, 45],
  [0.75, 57],
  [0.8, 72],
  [0.85, 87],
  [0.9, 122],
  [0.95, 204],
  [0.98, 352],
  [0.99, 653],
  [0.995, 893],
  [0.999, 2350],
  [1, 3478],
];

/**
 * The packuments' size: `small`, 1 to 12 versions (mean about 4; the scale benches' graphs and
 * figures), or `real`, drawn from the version counts of real closures (REAL_VERSION_COUNTS).
 */
export type RegistryShape = 'small' | 'real';

/** A version count drawn from REAL_VERSION_COUNTS (linear between its percentiles). */
function realCount(random: () => number): number {
  const p = random();
  for (let i = 1; i < REAL_VERSION_COUNTS.length; i += 1) {
    const [p1, c1] = REAL_VERSION_COUNTS[i] as readonly [number, number];
    const [p0, c0] = REAL_VERSION_COUNTS[i - 1] as readonly [number, number];
    if (p <= p1) return Math.round(c0 + ((p - p0) / (p1 - p0)) * (c1 - c0));
  }
  return REAL_VERSION_COUNTS[REAL_VERSION_COUNTS.length - 1]?.[1] ?? 1; // p < 1: not reached
}

/**
 * 1.0.0, then mostly patch and minor bumps, sometimes a major: one bump in ten (small), or, for the
 * real shape, one in 2 * sqrt(count), so that a package has about as many majors as real ones of
 * its size (react-scripts@5's packuments, medians: 1 major up to 10 versions, 3 at 11-30, 4 at
 * 31-100, 7 at 101-300, 6 above).
 */
function versionList(random: () => number, shape: RegistryShape): string[] {
  const count = shape === 'real' ? realCount(random) : 1 + Math.floor(random() * random() * 12);
  const majorShare = shape === 'real' ? 0.5 / Math.sqrt(count) : 0.1;
  let [major, minor, patch] = [1, 0, 0];
  const out = ['1.0.0'];
  while (out.length < count) {
    // Of the other bumps, two in three are patches (small: 60%, 30%, 10%, in this order of old).
    const roll = random();
    if (roll < ((1 - majorShare) * 2) / 3) patch += 1;
    else if (roll < 1 - majorShare) [minor, patch] = [minor + 1, 0];
    else [major, minor, patch] = [major + 1, 0, 0];
    out.push(`${major}.${minor}.${patch}`);
  }
  return out;
}

/** A range a dependent writes for `versions` (mostly the latest major; it always matches one). */
function rangeFor(versions: string[], random: () => number): string {
  const latest = versions[versions.length - 1] ?? '1.0.0';
  const majors = [...new Set(versions.map((v) => v.split('.')[0] ?? '1'))];
  const major =
    random() < 0.85
      ? (latest.split('.')[0] ?? '1')
      : (majors[Math.floor(random() * majors.length)] ?? '1');
  const inMajor = versions.filter((v) => v.startsWith(`${major}.`));
  const picked = inMajor[Math.floor(random() * inMajor.length)] ?? latest;
  const [, minor, patch] = picked.split('.');
  const roll = random();
  if (roll < 0.7) return `^${major}.${minor ?? '0'}.0`;
  if (roll < 0.85) return `~${picked}`;
  if (roll < 0.95) return `>=${major}.0.0 <${Number(major) + 1}.0.0`;
  return `${major}.${minor ?? '0'}.${patch ?? '0'}`;
}

export function generateRegistry(
  n: number,
  seed = 15,
  shape: RegistryShape = 'small',
): GeneratedRegistry {
  if (!Number.isInteger(n) || n < 2) throw new Error(`--packages must be an integer >= 2: ${n}`);
  const random = prng(seed);
  const base = Date.UTC(2015, 0, 1);
  const packages: GeneratedPackage[] = [];
  for (let i = 0; i < n; i += 1) {
    const maintainers = [Math.floor(random() * Math.max(3, n / 6))];
    while (random() < 0.35 && maintainers.length < 4)
      maintainers.push(Math.floor(random() * Math.max(3, n / 6)));
    packages.push({
      name: packageName(i, random),
      versions: versionList(random, shape),
      maintainers: [...new Set(maintainers)],
      dependencies: [],
      devDependencies: [],
      createdMs: base + Math.floor(random() * 8 * 365 * 86_400_000),
    });
  }
  const targets = packages.map(() => new Set<number>());
  for (let j = 1; j < n; j += 1) targets[Math.floor(random() * j)]?.add(j);
  for (let i = 0; i < n - 1; i += 1) {
    // About two more, geometric, towards the end of the list.
    while (random() < 0.67) {
      const target = i + 1 + Math.floor((n - i - 1) * Math.sqrt(random()));
      if (target < n) targets[i]?.add(target);
    }
  }
  let edges = 0;
  for (let i = 0; i < n; i += 1) {
    const pkg = packages[i] as GeneratedPackage;
    for (const target of [...(targets[i] ?? [])].sort((a, b) => a - b)) {
      const dependency = packages[target] as GeneratedPackage;
      pkg.dependencies.push({ target, range: rangeFor(dependency.versions, random) });
      edges += 1;
    }
    for (let d = 0; d < 3; d += 1) pkg.devDependencies.push(Math.floor(random() * n));
  }
  const versions = packages.reduce((sum, pkg) => sum + pkg.versions.length, 0);
  return { packages, root: packages[0]?.name ?? '', edges, versions };
}

function digest(algorithm: 'sha512' | 'sha1', text: string, encoding: 'base64' | 'hex'): string {
  return createHash(algorithm).update(text).digest(encoding);
}

function person(id: number): { name: string; email: string } {
  return { name: `gen-user-${id}`, email: `gen-user-${id}@example.test` };
}

function repositoryOf(pkg: GeneratedPackage): { type: string; url: string } {
  const slug = pkg.name.replace(/^@/, '').replace('/', '-');
  return {
    type: 'git',
    url: `git+https://github.com/gen-org-${pkg.maintainers[0] ?? 0}/${slug}.git`,
  };
}

/** The packument of `registry.packages[index]`, as the registry would send it. */
export function packument(
  registry: GeneratedRegistry,
  index: number,
  url: string,
): Record<string, unknown> {
  const pkg = registry.packages[index];
  if (pkg === undefined) throw new Error(`no generated package ${index}`);
  const maintainers = pkg.maintainers.map(person);
  const repository = repositoryOf(pkg);
  const homepage = `${repository.url.replace(/^git\+/, '').replace(/\.git$/, '')}#readme`;
  const dependencies: Record<string, string> = {};
  for (const dependency of pkg.dependencies)
    dependencies[registry.packages[dependency.target]?.name ?? ''] = dependency.range;
  const devDependencies: Record<string, string> = {};
  for (const target of pkg.devDependencies) {
    const dev = registry.packages[target];
    if (dev !== undefined && target !== index)
      devDependencies[dev.name] = `^${dev.versions[0] ?? '1.0.0'}`;
  }
  const time: Record<string, string> = {};
  const versions: Record<string, unknown> = {};
  const stamp = (k: number) => new Date(pkg.createdMs + k * 23 * 86_400_000 + index).toISOString();
  time.created = stamp(0);
  pkg.versions.forEach((version, k) => {
    const id = `${pkg.name}@${version}`;
    const file = `${pkg.name.split('/').pop() ?? pkg.name}-${version}.tgz`;
    time[version] = stamp(k);
    versions[version] = {
      name: pkg.name,
      version,
      description: `Generated package ${index} for the trustmap scale benches`,
      license: index % 13 === 0 ? 'ISC' : 'MIT',
      repository,
      main: 'index.js',
      engines: { node: '>=8' },
      scripts: { test: 'node test.js' },
      dependencies,
      devDependencies,
      gitHead: digest('sha1', id, 'hex'),
      bugs: { url: `${homepage.replace(/#readme$/, '')}/issues` },
      homepage,
      _id: id,
      _nodeVersion: '18.17.0',
      _npmVersion: '9.6.7',
      _npmUser: maintainers[k % maintainers.length],
      dist: {
        integrity: `sha512-${digest('sha512', id, 'base64')}`,
        shasum: digest('sha1', id, 'hex'),
        tarball: `${url}${pkg.name}/-/${file}`,
        fileCount: 4 + (index % 20),
        unpackedSize: 2000 + ((index * 37) % 50_000),
      },
      maintainers,
      directories: {},
      _hasShrinkwrap: false,
    };
  });
  time.modified = stamp(pkg.versions.length);
  const latest = pkg.versions[pkg.versions.length - 1] ?? '1.0.0';
  return {
    _id: pkg.name,
    _rev: `${pkg.versions.length}-${digest('sha1', pkg.name, 'hex').slice(0, 32)}`,
    name: pkg.name,
    description: `Generated package ${index} for the trustmap scale benches`,
    'dist-tags': { latest },
    versions,
    time,
    maintainers,
    author: maintainers[0],
    repository,
    homepage,
    bugs: { url: `${homepage.replace(/#readme$/, '')}/issues` },
    license: index % 13 === 0 ? 'ISC' : 'MIT',
    readme: `# ${pkg.name}\n\nGenerated for the trustmap scale benches.\n\n${'Usage notes. '.repeat(30)}\n`,
    readmeFilename: 'README.md',
  };
}

/** Marks every version of a generated packument as attested, as the registry's `dist` says it. */
function nameAttestations(document: Record<string, unknown>, url: string): void {
  const versions = document.versions as Record<string, { dist: Record<string, unknown> }>;
  for (const [version, manifest] of Object.entries(versions))
    manifest.dist.attestations = {
      url: `${url}-/npm/v1/attestations/${String(document.name)}@${version}`,
      provenance: { predicateType: 'https://slsa.dev/provenance/v0.2' },
    };
}

export interface ServedRegistry {
  url: string;
  /** Requests answered with a packument. */
  requests: () => number;
  /** Requests answered with an attestations document. */
  attestations: () => number;
  close: () => Promise<void>;
}

export interface ServeOptions {
  /** Bodies served round robin for every version's attestations. */
  attestations?: readonly Buffer[];
  /** Each version's own attestations document, by '<name>@<version>' (bench/sigstore-pki.ts). */
  attestationsByVersion?: ReadonlyMap<string, Buffer>;
  /**
   * Milliseconds each answer waits before it is sent (default 0): a registry across a network,
   * as registry.npmjs.org is to an ingest, instead of one on loopback that answers at once.
   */
  latencyMs?: number;
  /**
   * Every packument encoded before the server is handed out (default: each on its first request),
   * so that an answer waits for `latencyMs` only, as from a registry's cache, not for its making.
   */
  prepared?: boolean;
}

/**
 * Serves `registry`'s packuments on a free port of 127.0.0.1 (GET /<name>, scoped as @s%2fn).
 * Given `attestations` (bodies of `/-/npm/v1/attestations/...`), every version names
 * attestations and each such request gets the next body, round robin (bench/provenance-ingest.ts).
 * Given `attestationsByVersion`, every version names attestations and gets its own (404 if none).
 * Given `latencyMs`, every answer is that much later. Given `prepared`, every body is made first.
 */
export async function serveGeneratedRegistry(
  registry: GeneratedRegistry,
  options: ServeOptions = {},
): Promise<ServedRegistry> {
  const attested = options.attestations ?? [];
  const byVersion = options.attestationsByVersion;
  let attestations = 0;
  const byName = new Map(registry.packages.map((pkg, i) => [pkg.name, i]));
  const bodies = new Map<number, Buffer>();
  let requests = 0;
  let url = '';
  const latency = options.latencyMs ?? 0;
  const bodyOf = (index: number): Buffer => {
    let body = bodies.get(index);
    if (body === undefined) {
      const document = packument(registry, index, url);
      if (attested.length > 0 || byVersion !== undefined) nameAttestations(document, url);
      body = Buffer.from(JSON.stringify(document));
      bodies.set(index, body);
    }
    return body;
  };
  const answer = (request: http.IncomingMessage, response: http.ServerResponse): void => {
    let name: string;
    try {
      name = decodeURIComponent((request.url ?? '/').slice(1).split('?')[0] ?? '');
    } catch {
      response.writeHead(400).end();
      return;
    }
    if (name.startsWith('-/npm/v1/attestations/') && attested.length > 0) {
      const document = attested[attestations++ % attested.length] as Buffer;
      response.writeHead(200, { 'content-type': 'application/json' }).end(document);
      return;
    }
    if (name.startsWith('-/npm/v1/attestations/') && byVersion !== undefined) {
      const document = byVersion.get(name.slice('-/npm/v1/attestations/'.length));
      if (document === undefined) response.writeHead(404).end();
      else {
        attestations += 1;
        response.writeHead(200, { 'content-type': 'application/json' }).end(document);
      }
      return;
    }
    const index = byName.get(name);
    if (request.method !== 'GET' || index === undefined) {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
      return;
    }
    const body = bodyOf(index);
    requests += 1;
    response
      .writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) })
      .end(body);
  };
  const server = http.createServer((request, response) => {
    if (latency > 0)
      setTimeout(() => {
        answer(request, response);
      }, latency);
    else answer(request, response);
  });
  const listening = await listenOnLoopback(server);
  url = listening.url;
  if (options.prepared === true) registry.packages.forEach((_, index) => bodyOf(index));
  return {
    url,
    requests: () => requests,
    attestations: () => attestations,
    close: listening.close,
  };
}

/** Listens on a free port of 127.0.0.1; `close` ends open connections too. */
export async function listenOnLoopback(
  server: http.Server,
): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}
