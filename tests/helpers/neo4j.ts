/**
 * A real Neo4j for the tests (docs/decisions/009-neo4j-in-tests.md). `buildNeo4jLauncher()` runs
 * once per test run (vitest's globalSetup, tests/helpers/neo4j-global-setup.ts): it compiles
 * tests/neo4j/ with Maven (`mvn -q -o` once ~/.m2 holds Neo4j, `mvn -q` the first time) unless the
 * build is newer than its sources. The global setup then starts one Neo4j for the whole run (an
 * embedded Neo4j Community DBMS in a JVM, Bolt on a free port of 127.0.0.1) without waiting for it,
 * and stops it at the end: one JVM start instead of one per file. `useNeo4j()` gives a test file
 * that Neo4j for itself alone: its `beforeAll` takes the run's lock (the files that use Neo4j run
 * one after another, the others beside them) and waits until Neo4j is up, `afterAll` lets go. So
 * no file sees another's data in the one user database Community has; each empties it first.
 *
 * When NEO4J_TEST_URI is set, the contract suite uses that server instead (NEO4J_TEST_USER,
 * NEO4J_TEST_PASSWORD, NEO4J_TEST_DATABASE); the other files keep the run's own, as they would
 * empty that one database while the suite runs beside them. Without Java or Maven the files skip
 * and say how to enable them; in CI (CI=true) they fail instead, as when Neo4j cannot start.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import neo4j from 'neo4j-driver';
import { afterAll, beforeAll, inject } from 'vitest';
import type { Neo4jConfig } from '../../core/config.js';

const run = promisify(execFile);

export const LAUNCHER_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'neo4j',
);
const CLASSPATH_FILE = path.join(LAUNCHER_DIR, 'target', 'classpath.txt');
/** Touched after each build that succeeded (Maven leaves an unchanged classpath.txt as it was). */
const BUILT_STAMP = path.join(LAUNCHER_DIR, 'target', 'trustmap-built');
const SOURCES = [
  path.join(LAUNCHER_DIR, 'pom.xml'),
  path.join(LAUNCHER_DIR, 'src', 'main', 'java', 'trustmap', 'neo4j', 'Launcher.java'),
];
const READY = 'TRUSTMAP_NEO4J_READY ';
const START_TIMEOUT_MS = 120_000;

/** What the build gave: a command line to start Neo4j with, or why there is none. */
export type Neo4jLauncher =
  | { kind: 'built'; java: string; classpath: string; buildMs: number }
  | { kind: 'unavailable'; reason: string };

declare module 'vitest' {
  export interface ProvidedContext {
    neo4jLauncher: Neo4jLauncher;
    /** The run's directory where the global setup says where its Neo4j listens. */
    neo4jShared: string;
  }
}

const HOW_TO_ENABLE =
  'install Java 17+ and Maven (the first run fetches Neo4j from Maven Central into ~/.m2); ' +
  'the contract suite also runs on a Neo4j 5 of yours whose data may be deleted, ' +
  'given NEO4J_TEST_URI and NEO4J_TEST_PASSWORD';

function javaCommand(): string {
  const home = process.env.JAVA_HOME;
  return home !== undefined && home !== '' ? path.join(home, 'bin', 'java') : 'java';
}

function outputOf(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const { stdout, stderr, message } = error as {
    stdout?: unknown;
    stderr?: unknown;
    message?: unknown;
  };
  const text = [stdout, stderr]
    .map((part) => (typeof part === 'string' ? part : ''))
    .join('\n')
    .trim();
  return (text !== '' ? text : String(message)).slice(-4000);
}

function upToDate(): boolean {
  try {
    const built = fs.statSync(BUILT_STAMP).mtimeMs;
    return SOURCES.every((source) => fs.statSync(source).mtimeMs <= built);
  } catch {
    return false;
  }
}

/** Compiles the launcher unless its build is current; never throws. */
export async function buildNeo4jLauncher(): Promise<Neo4jLauncher> {
  const java = javaCommand();
  try {
    await run(java, ['-version']);
  } catch (error) {
    return { kind: 'unavailable', reason: `no Java (${java} -version failed: ${outputOf(error)})` };
  }
  const started = performance.now();
  if (!upToDate()) {
    try {
      await run('mvn', ['-v']);
    } catch (error) {
      return { kind: 'unavailable', reason: `no Maven (mvn -v failed: ${outputOf(error)})` };
    }
    const maven = (offline: boolean) =>
      run('mvn', ['-q', '-B', ...(offline ? ['-o'] : []), 'package'], {
        cwd: LAUNCHER_DIR,
        maxBuffer: 16 * 1024 * 1024,
      });
    try {
      await maven(true);
    } catch {
      // The first build: ~/.m2 does not hold Neo4j yet.
      try {
        await maven(false);
      } catch (error) {
        return {
          kind: 'unavailable',
          reason: `mvn package failed in ${LAUNCHER_DIR}: ${outputOf(error)}`,
        };
      }
    }
    fs.writeFileSync(BUILT_STAMP, `${new Date().toISOString()}\n`);
  }
  const classpath = [
    path.join(LAUNCHER_DIR, 'target', 'classes'),
    fs.readFileSync(CLASSPATH_FILE, 'utf8').trim(),
  ].join(path.delimiter);
  return { kind: 'built', java, classpath, buildMs: Math.round(performance.now() - started) };
}

/** A running Neo4j DBMS started by `startNeo4j`. */
export interface Neo4jServer {
  config: Neo4jConfig;
  version: string;
  startMs: number;
  stop: () => Promise<void>;
}

function assertLoopback(uri: string): void {
  const host = new URL(uri).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]')
    throw new Error(`the Neo4j launcher printed ${uri}, which is not on loopback`);
}

/**
 * The JVM's and the page cache's sizes. The tests' (the default) fit their small graphs beside the
 * rest of a run on 2 cores; a bench of a large graph sizes Neo4j as docs/operations.md says a server
 * should be, scaled to its graph (a heap of gigabytes, the page cache at least the store's size, the
 * JVM's default collector).
 */
export interface Neo4jMemory {
  heapMiB: number;
  pageCacheMiB: number;
  /** The serial collector (one thread, least memory), as the tests run it; else the JVM's default, G1. */
  serialGC: boolean;
}

const TEST_MEMORY: Neo4jMemory = { heapMiB: 768, pageCacheMiB: 128, serialGC: true };

/** Starts the launcher's JVM and resolves when Neo4j listens on Bolt. */
export async function startNeo4j(
  launcher: Extract<Neo4jLauncher, { kind: 'built' }>,
  memory: Neo4jMemory = TEST_MEMORY,
): Promise<Neo4jServer> {
  // Begins with '-', so that every start checks what once failed 1 start in 64: the launcher read
  // a random base64url password beginning with '-' as an option (picocli), and Neo4j did not start.
  const password = `-${randomBytes(18).toString('base64url')}`;
  const started = performance.now();
  const child: ChildProcessWithoutNullStreams = spawn(
    launcher.java,
    [
      `-Xms${Math.min(256, memory.heapMiB)}m`,
      `-Xmx${memory.heapMiB}m`,
      ...(memory.serialGC ? ['-XX:+UseSerialGC'] : []),
      '-cp',
      launcher.classpath,
      'trustmap.neo4j.Launcher',
    ],
    {
      env: {
        ...process.env,
        NEO4J_TEST_PASSWORD: password,
        NEO4J_PAGECACHE_MIB: String(memory.pageCacheMiB),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-8000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const ready = await new Promise<{ uri: string; version: string }>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Neo4j did not start in ${START_TIMEOUT_MS} ms; its stderr:\n${stderr}`));
    }, START_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((text) => text.startsWith(READY));
      if (line === undefined) return;
      clearTimeout(timer);
      resolve(JSON.parse(line.slice(READY.length)) as { uri: string; version: string });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(
        new Error(`the Neo4j launcher exited (${code}) before it was ready; stderr:\n${stderr}`),
      );
    });
  });
  assertLoopback(ready.uri);
  return {
    config: { uri: ready.uri, user: 'neo4j', password, database: 'neo4j' },
    version: ready.version,
    startMs: Math.round(performance.now() - started),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGTERM'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Deletes every node and relationship (not the schema) of the database `config` names. */
export async function clearNeo4j(config: Neo4jConfig): Promise<void> {
  const driver = neo4j.driver(config.uri, neo4j.auth.basic(config.user, config.password));
  try {
    const session = driver.session({ database: config.database });
    try {
      await session.run('MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS');
    } finally {
      await session.close();
    }
  } finally {
    await driver.close();
  }
}

/** What `useNeo4j` gives a test file: `skip` is set when there is no Neo4j to test against. */
export interface Neo4jForTests {
  skip: string | undefined;
  /** The running server's connection settings; only inside tests and hooks when not skipped. */
  config: () => Neo4jConfig;
}

/** Where the run's shared Neo4j says it is ready (or why it failed), and the files' lock. */
export const SHARED_READY = 'ready.json';
export const SHARED_FAILED = 'failed.txt';
const SHARED_LOCK = 'lock';
/** A file waits for the others that use the shared Neo4j before it; together they take minutes. */
const LOCK_TIMEOUT_MS = 15 * 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Takes the run's one Neo4j for this file alone: mkdir is atomic across the forks. */
async function lockShared(dir: string, what: string): Promise<() => void> {
  const lock = path.join(dir, SHARED_LOCK);
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'holder'), `${process.pid} ${what}\n`);
      return () => {
        fs.rmSync(lock, { recursive: true, force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (Date.now() > deadline) {
      let holder = '?';
      try {
        holder = fs.readFileSync(path.join(lock, 'holder'), 'utf8').trim();
      } catch {
        // Released while we looked.
      }
      throw new Error(
        `${what}: the shared Neo4j stayed taken ${LOCK_TIMEOUT_MS} ms (by ${holder})`,
      );
    }
    await sleep(200);
  }
}

/** Waits for the Neo4j the global setup starts; throws its error when it could not start. */
async function sharedConfig(dir: string): Promise<{ config: Neo4jConfig; version: string }> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      return JSON.parse(fs.readFileSync(path.join(dir, SHARED_READY), 'utf8')) as {
        config: Neo4jConfig;
        version: string;
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (fs.existsSync(path.join(dir, SHARED_FAILED)))
      throw new Error(fs.readFileSync(path.join(dir, SHARED_FAILED), 'utf8'));
    if (Date.now() > deadline) throw new Error(`Neo4j did not start in ${START_TIMEOUT_MS} ms`);
    await sleep(100);
  }
}

/**
 * A Neo4j for this test file (see the module comment). Call it at the top of the file; describe
 * the Neo4j tests with `describe.skipIf(neo4j.skip !== undefined)`. Only one file may take
 * NEO4J_TEST_URI's server (`allowExternal`): files run in parallel.
 */
export function useNeo4j(what: string, { allowExternal = false } = {}): Neo4jForTests {
  const external = process.env.NEO4J_TEST_URI;
  if (allowExternal && external !== undefined && external !== '') {
    const config: Neo4jConfig = {
      uri: external,
      user: process.env.NEO4J_TEST_USER ?? 'neo4j',
      password: process.env.NEO4J_TEST_PASSWORD ?? 'neo4j',
      database: process.env.NEO4J_TEST_DATABASE ?? 'neo4j',
    };
    return { skip: undefined, config: () => config };
  }
  const launcher = inject('neo4jLauncher');
  if (launcher.kind === 'unavailable') {
    if (process.env.CI === 'true')
      throw new Error(
        `${what} must run on a real Neo4j in CI, but it cannot start: ${launcher.reason}`,
      );
    const skip = `${what} SKIPPED: no Neo4j (${launcher.reason}). To run it, ${HOW_TO_ENABLE}.`;
    console.warn(`\n*** ${skip} ***\n`);
    return {
      skip,
      config: () => {
        throw new Error(skip);
      },
    };
  }
  const dir = inject('neo4jShared');
  let config: Neo4jConfig | undefined;
  let release: (() => void) | undefined;
  beforeAll(async () => {
    const waited = performance.now();
    release = await lockShared(dir, what);
    const shared = await sharedConfig(dir);
    config = shared.config;
    console.info(
      `${what}: the run's Neo4j ${shared.version} at ${config.uri}, ` +
        `this file's alone after ${Math.round(performance.now() - waited)} ms`,
    );
  }, LOCK_TIMEOUT_MS + START_TIMEOUT_MS);
  afterAll(() => {
    release?.();
  });
  return {
    skip: undefined,
    config: () => {
      if (config === undefined)
        throw new Error('Neo4j is not started: use config() in tests and hooks');
      return config;
    },
  };
}
