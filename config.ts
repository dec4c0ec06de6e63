/**
 * trustmap's configuration: defaults, then the environment, then validation that fails fast and
 * names the bad setting. This is the only module that reads `process.env`; everything else gets a
 * `Config` passed in.
 */
import path from 'node:path';
import { ConfigError } from './errors.js';

export interface Neo4jConfig {
  uri: string;
  user: string;
  password: string;
  database: string;
}

export interface Config {
  /** Path of the embedded (Grafeo) store file; used when `neo4j` is undefined. */
  dbPath: string;
  /** Set when NEO4J_URI is set: the Neo4j backend is used instead of the embedded store. */
  neo4j: Neo4jConfig | undefined;
  redisUrl: string | undefined;
  npmRegistry: string;
  pypiUrl: string;
  githubApiUrl: string;
  githubToken: string | undefined;
  osvUrl: string;
  host: string;
  port: number;
  token: string | undefined;
  /** Limits of ad-hoc (user-written) Cypher queries. */
  queryTimeoutMs: number;
  queryRowLimit: number;
  /** Memory an ad-hoc query may take (the query host's resident size), in MiB. */
  queryMemoryMb: number;
  /** Caps of what-if, chokepoint and investigation answers: size in KiB, path length in hops. */
  answerLimitKb: number;
  pathHopLimit: number;
  /**
   * The address people open the explorer at (scheme, host, port), when it is not the bind
   * address: an https URL turns on `upgrade-insecure-requests` and HSTS.
   */
  publicUrl: string | undefined;
  /** How long an ingest job stays locked to a worker that stopped answering. */
  workerLockMs: number;
  logLevel: LogLevel;
}

/** Defaults of the answer caps (issue 11), for the settings below and for callers without a Config. */
export const ANSWER_DEFAULTS = { answerLimitKb: 512, pathHopLimit: 50 } as const;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Every environment variable trustmap reads, with its meaning and default, for docs and `--help`. */
export const SETTINGS = [
  ['TRUSTMAP_DB', 'embedded store file', './.trustmap/graph.grafeo'],
  [
    'NEO4J_URI',
    'Neo4j to use instead of the embedded store (neo4j://, bolt://, +s, +ssc)',
    'unset',
  ],
  ['NEO4J_USER', 'Neo4j user', 'neo4j'],
  ['NEO4J_PASSWORD', 'Neo4j password (required with NEO4J_URI)', 'unset'],
  ['NEO4J_DATABASE', 'Neo4j database name', 'neo4j'],
  [
    'REDIS_URL',
    'Redis for the BullMQ ingest queue (redis:// or rediss://)',
    'unset: in-process queue',
  ],
  ['NPM_REGISTRY', 'npm registry base URL', 'https://registry.npmjs.org/'],
  ['PYPI_URL', 'PyPI base URL', 'https://pypi.org'],
  ['GITHUB_API_URL', 'GitHub REST API base URL', 'https://api.github.com'],
  ['GITHUB_TOKEN', 'GitHub token (optional; without it git history is read instead)', 'unset'],
  ['OSV_URL', 'OSV API base URL', 'https://api.osv.dev'],
  ['TRUSTMAP_HOST', 'address the server binds', '127.0.0.1'],
  ['TRUSTMAP_PORT', 'port the server listens on', '8470'],
  ['TRUSTMAP_TOKEN', 'Bearer token the server requires (required off loopback)', 'unset'],
  ['TRUSTMAP_QUERY_TIMEOUT_MS', 'time limit of an ad-hoc Cypher query', '30000'],
  ['TRUSTMAP_QUERY_ROW_LIMIT', 'row limit of an ad-hoc Cypher query', '10000'],
  [
    'TRUSTMAP_QUERY_MEMORY_MB',
    'memory limit of an ad-hoc Cypher query, in MiB (embedded store)',
    '2048',
  ],
  [
    'TRUSTMAP_ANSWER_LIMIT_KB',
    'largest what-if, chokepoints or investigation answer, in KiB (rows past it are cut, saying so)',
    String(ANSWER_DEFAULTS.answerLimitKb),
  ],
  [
    'TRUSTMAP_PATH_HOP_LIMIT',
    'longest path those answers carry, in hops (longer paths are cut, saying so)',
    String(ANSWER_DEFAULTS.pathHopLimit),
  ],
  [
    'TRUSTMAP_PUBLIC_URL',
    'address people open the explorer at; https turns on HSTS and upgrade-insecure-requests',
    'unset: http on the bind address',
  ],
  ['TRUSTMAP_WORKER_LOCK_MS', 'how long a stopped worker keeps its ingest jobs locked', '30000'],
  ['TRUSTMAP_LOG_LEVEL', `log level (${LOG_LEVELS.join(', ')})`, 'info'],
] as const;

export type SettingName = (typeof SETTINGS)[number][0];
export type Environment = Readonly<Partial<Record<string, string | undefined>>>;

const NEO4J_SCHEMES = ['neo4j:', 'neo4j+s:', 'neo4j+ssc:', 'bolt:', 'bolt+s:', 'bolt+ssc:'];
const REDIS_SCHEMES = ['redis:', 'rediss:'];
const HTTP_SCHEMES = ['http:', 'https:'];

/**
 * Builds the configuration from an environment (by default the process's) and a working directory.
 * Throws a `ConfigError` naming the first bad setting.
 */
export function loadConfig(env: Environment = process.env, cwd: string = process.cwd()): Config {
  const read = (name: SettingName): string | undefined => {
    const value = env[name];
    if (value === undefined) return undefined;
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  };

  const neo4jUri = read('NEO4J_URI');
  let neo4j: Neo4jConfig | undefined;
  if (neo4jUri !== undefined) {
    const uri = url('NEO4J_URI', neo4jUri, NEO4J_SCHEMES);
    const password = read('NEO4J_PASSWORD');
    if (password === undefined) {
      throw new ConfigError('NEO4J_PASSWORD', 'is required when NEO4J_URI is set');
    }
    neo4j = {
      uri,
      user: read('NEO4J_USER') ?? 'neo4j',
      password,
      database: name('NEO4J_DATABASE', read('NEO4J_DATABASE') ?? 'neo4j'),
    };
  }

  const redis = read('REDIS_URL');
  const logLevel = read('TRUSTMAP_LOG_LEVEL') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(
      'TRUSTMAP_LOG_LEVEL',
      `must be one of ${LOG_LEVELS.join(', ')}, not "${logLevel}"`,
    );
  }
  const token = read('TRUSTMAP_TOKEN');
  if (token !== undefined && token.length < 16) {
    throw new ConfigError('TRUSTMAP_TOKEN', 'must be at least 16 characters long');
  }

  return {
    dbPath: path.resolve(cwd, read('TRUSTMAP_DB') ?? path.join('.trustmap', 'graph.grafeo')),
    neo4j,
    redisUrl: redis === undefined ? undefined : url('REDIS_URL', redis, REDIS_SCHEMES),
    npmRegistry: baseUrl('NPM_REGISTRY', read('NPM_REGISTRY') ?? 'https://registry.npmjs.org/'),
    pypiUrl: baseUrl('PYPI_URL', read('PYPI_URL') ?? 'https://pypi.org'),
    githubApiUrl: baseUrl('GITHUB_API_URL', read('GITHUB_API_URL') ?? 'https://api.github.com'),
    githubToken: read('GITHUB_TOKEN'),
    osvUrl: baseUrl('OSV_URL', read('OSV_URL') ?? 'https://api.osv.dev'),
    host: read('TRUSTMAP_HOST') ?? '127.0.0.1',
    port: integer('TRUSTMAP_PORT', read('TRUSTMAP_PORT') ?? '8470', 0, 65535),
    token,
    queryTimeoutMs: integer(
      'TRUSTMAP_QUERY_TIMEOUT_MS',
      read('TRUSTMAP_QUERY_TIMEOUT_MS') ?? '30000',
      100,
      3_600_000,
    ),
    queryRowLimit: integer(
      'TRUSTMAP_QUERY_ROW_LIMIT',
      read('TRUSTMAP_QUERY_ROW_LIMIT') ?? '10000',
      1,
      1_000_000,
    ),
    queryMemoryMb: integer(
      'TRUSTMAP_QUERY_MEMORY_MB',
      read('TRUSTMAP_QUERY_MEMORY_MB') ?? '2048',
      64,
      1_048_576,
    ),
    answerLimitKb: integer(
      'TRUSTMAP_ANSWER_LIMIT_KB',
      read('TRUSTMAP_ANSWER_LIMIT_KB') ?? String(ANSWER_DEFAULTS.answerLimitKb),
      1,
      1_048_576,
    ),
    pathHopLimit: integer(
      'TRUSTMAP_PATH_HOP_LIMIT',
      read('TRUSTMAP_PATH_HOP_LIMIT') ?? String(ANSWER_DEFAULTS.pathHopLimit),
      1,
      100_000,
    ),
    publicUrl: publicUrl(read('TRUSTMAP_PUBLIC_URL')),
    workerLockMs: integer(
      'TRUSTMAP_WORKER_LOCK_MS',
      read('TRUSTMAP_WORKER_LOCK_MS') ?? '30000',
      1000,
      3_600_000,
    ),
    logLevel: logLevel as LogLevel,
  };
}

function url(setting: string, value: string, schemes: readonly string[]): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(setting, `"${value}" is not a URL`);
  }
  if (!schemes.includes(parsed.protocol)) {
    throw new ConfigError(
      setting,
      `"${value}" must use one of ${schemes.map((s) => s.replace(/:$/, '://')).join(', ')}`,
    );
  }
  return value;
}

/** A service base URL, returned with exactly one trailing slash so paths can be appended. */
function baseUrl(setting: string, value: string): string {
  url(setting, value, HTTP_SCHEMES);
  const parsed = new URL(value);
  if (parsed.search !== '' || parsed.hash !== '') {
    throw new ConfigError(setting, `"${value}" must be a base URL without a query or fragment`);
  }
  return value.replace(/\/+$/, '') + '/';
}

/** The explorer's public address: an http(s) origin, kept without a trailing slash. */
function publicUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  url('TRUSTMAP_PUBLIC_URL', value, HTTP_SCHEMES);
  const parsed = new URL(value);
  if (
    parsed.username !== '' ||
    parsed.password !== '' ||
    parsed.search !== '' ||
    parsed.hash !== ''
  ) {
    throw new ConfigError(
      'TRUSTMAP_PUBLIC_URL',
      `"${value}" must be a plain address (scheme, host, port, path), without credentials, query or fragment`,
    );
  }
  return parsed.href.replace(/\/+$/, '');
}

function integer(setting: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value)) throw new ConfigError(setting, `"${value}" is not a whole number`);
  const parsed = Number(value);
  if (parsed < min || parsed > max) {
    throw new ConfigError(setting, `${parsed} is out of range (${min} to ${max})`);
  }
  return parsed;
}

function name(setting: string, value: string): string {
  if (!/^[A-Za-z][A-Za-z0-9.-]{0,62}$/.test(value)) {
    throw new ConfigError(setting, `"${value}" is not a valid database name`);
  }
  return value;
}
