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
  /** Requests an ingest keeps in flight to a registry (npm, PyPI). */
  fetchConcurrency: number;
  /** Records a closure ingest collects before it writes them to the store. */
  writeBatchRows: number;
  /** Rows a store writes in one transaction. */
  transactionRows: number;
  /** Threads that verify provenance beside an ingest (0: on its own thread); unset: cores - 1, 1 to 4. */
  verifyThreads: number | undefined;
  /** Stages a visitor's ingest through the API runs besides the roots and the scores. */
  apiRepositories: boolean;
  apiAdvisories: boolean;
  logLevel: LogLevel;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const NEO4J_SCHEMES = ['neo4j:', 'neo4j+s:', 'neo4j+ssc:', 'bolt:', 'bolt+s:', 'bolt+ssc:'];
const REDIS_SCHEMES = ['redis:', 'rediss:'];
const HTTP_SCHEMES = ['http:', 'https:'];

/** One setting: its meaning, its default (as text, read as a set value is), and its validator. */
export interface SettingSpec<T> {
  description: string;
  /** The value when the setting is unset; without one the setting is optional. */
  default?: string;
  /** What `--help` and the README say when there is no default. */
  whenUnset?: string;
  /** Reads a set (non-empty, trimmed) value; throws a ConfigError naming the setting. */
  parse: (setting: string, value: string) => T;
}

const text = (_setting: string, value: string): string => value;
const onOff = (setting: string, value: string): boolean => {
  if (value === 'on') return true;
  if (value === 'off') return false;
  throw new ConfigError(setting, `must be on or off, not "${value.slice(0, 40)}"`);
};
const integerIn =
  (min: number, max: number) =>
  (setting: string, value: string): number =>
    integer(setting, value, min, max);
const urlWith =
  (schemes: readonly string[]) =>
  (setting: string, value: string): string =>
    url(setting, value, schemes);

/**
 * Every environment variable trustmap reads: the one table that `loadConfig`, `--help` and the
 * README's configuration table (checked by tests/unit/config.test.ts) come from.
 */
export const SETTINGS = {
  TRUSTMAP_DB: {
    description: 'embedded store file',
    default: './.trustmap/graph.grafeo',
    parse: text,
  },
  NEO4J_URI: {
    description: 'Neo4j to use instead of the embedded store (neo4j://, bolt://, +s, +ssc)',
    parse: urlWith(NEO4J_SCHEMES),
  },
  NEO4J_USER: { description: 'Neo4j user', default: 'neo4j', parse: text },
  NEO4J_PASSWORD: { description: 'Neo4j password (required with NEO4J_URI)', parse: text },
  NEO4J_DATABASE: { description: 'Neo4j database name', default: 'neo4j', parse: name },
  REDIS_URL: {
    description: 'Redis for the BullMQ ingest queue (redis:// or rediss://)',
    whenUnset: 'unset: in-process queue',
    parse: urlWith(REDIS_SCHEMES),
  },
  NPM_REGISTRY: {
    description: 'npm registry base URL',
    default: 'https://registry.npmjs.org/',
    parse: baseUrl,
  },
  PYPI_URL: { description: 'PyPI base URL', default: 'https://pypi.org', parse: baseUrl },
  GITHUB_API_URL: {
    description: 'GitHub REST API base URL',
    default: 'https://api.github.com',
    parse: baseUrl,
  },
  GITHUB_TOKEN: {
    description: 'GitHub token (optional; without it git history is read instead)',
    parse: text,
  },
  OSV_URL: { description: 'OSV API base URL', default: 'https://api.osv.dev', parse: baseUrl },
  TRUSTMAP_HOST: { description: 'address the server binds', default: '127.0.0.1', parse: text },
  TRUSTMAP_PORT: {
    description: 'port the server listens on',
    default: '8470',
    parse: integerIn(0, 65535),
  },
  TRUSTMAP_TOKEN: {
    description: 'Bearer token the server requires (required off loopback)',
    parse: (setting: string, value: string): string => {
      if (value.length < 16) throw new ConfigError(setting, 'must be at least 16 characters long');
      return value;
    },
  },
  TRUSTMAP_QUERY_TIMEOUT_MS: {
    description: 'time limit of an ad-hoc Cypher query',
    default: '30000',
    parse: integerIn(100, 3_600_000),
  },
  TRUSTMAP_QUERY_ROW_LIMIT: {
    description: 'row limit of an ad-hoc Cypher query',
    default: '10000',
    parse: integerIn(1, 1_000_000),
  },
  TRUSTMAP_QUERY_MEMORY_MB: {
    description: 'memory limit of an ad-hoc Cypher query, in MiB (embedded store)',
    default: '2048',
    parse: integerIn(64, 1_048_576),
  },
  TRUSTMAP_ANSWER_LIMIT_KB: {
    description:
      'largest what-if, chokepoints or investigation answer, in KiB (rows past it are cut, saying so)',
    default: '512',
    parse: integerIn(1, 1_048_576),
  },
  TRUSTMAP_PATH_HOP_LIMIT: {
    description: 'longest path those answers carry, in hops (longer paths are cut, saying so)',
    default: '50',
    parse: integerIn(1, 100_000),
  },
  TRUSTMAP_PUBLIC_URL: {
    description:
      'address people open the explorer at; https turns on HSTS and upgrade-insecure-requests',
    whenUnset: 'unset: http on the bind address',
    parse: publicUrl,
  },
  TRUSTMAP_WORKER_LOCK_MS: {
    description: 'how long a stopped worker keeps its ingest jobs locked',
    default: '30000',
    parse: integerIn(1000, 3_600_000),
  },
  TRUSTMAP_FETCH_CONCURRENCY: {
    description: 'requests an ingest keeps in flight to a registry (npm, PyPI)',
    default: '16',
    parse: integerIn(1, 256),
  },
  TRUSTMAP_WRITE_BATCH_ROWS: {
    description: 'records a closure ingest collects before writing them to the store',
    default: '20000',
    parse: integerIn(100, 1_000_000),
  },
  TRUSTMAP_TRANSACTION_ROWS: {
    description: 'rows the store writes in one transaction',
    default: '10000',
    parse: integerIn(100, 1_000_000),
  },
  TRUSTMAP_VERIFY_THREADS: {
    description: 'threads that verify provenance beside an ingest (0: on its own thread)',
    whenUnset: 'unset: cores - 1, 1 to 4',
    parse: integerIn(0, 64),
  },
  TRUSTMAP_API_REPOS: {
    description: "whether an ingest started through the API reads the closure's repositories",
    default: 'off',
    parse: onOff,
  },
  TRUSTMAP_API_ADVISORIES: {
    description:
      "whether an ingest started through the API asks OSV (sends the graph's version list to OSV)",
    default: 'off',
    parse: onOff,
  },
  TRUSTMAP_LOG_LEVEL: {
    description: `log level (${LOG_LEVELS.join(', ')})`,
    default: 'info',
    parse: (setting: string, value: string): LogLevel => {
      if (!(LOG_LEVELS as readonly string[]).includes(value)) {
        throw new ConfigError(setting, `must be one of ${LOG_LEVELS.join(', ')}, not "${value}"`);
      }
      return value as LogLevel;
    },
  },
} as const satisfies Record<string, SettingSpec<unknown>>;

export type SettingName = keyof typeof SETTINGS;
type SettingValue<K extends SettingName> = ReturnType<(typeof SETTINGS)[K]['parse']>;
export type Environment = Readonly<Partial<Record<string, string | undefined>>>;

/** The settings as `--help` and the README list them: name, meaning, default. */
export function settingRows(): { name: SettingName; description: string; default: string }[] {
  return (Object.entries(SETTINGS) as [SettingName, SettingSpec<unknown>][]).map(
    ([settingName, spec]) => ({
      name: settingName,
      description: spec.description,
      default: spec.default ?? spec.whenUnset ?? 'unset',
    }),
  );
}

/** The settings that have a default, with it. */
type Defaulted = {
  [K in SettingName as (typeof SETTINGS)[K] extends { default: string } ? K : never]: string;
};
const DEFAULTED = Object.fromEntries(
  Object.entries(SETTINGS).flatMap(([key, spec]) =>
    'default' in spec ? [[key, spec.default]] : [],
  ),
) as Defaulted;

/** A setting's default from the table, parsed: for modules used without a Config (tests, benches). */
function tableDefault<K extends SettingName & keyof typeof DEFAULTED>(key: K): SettingValue<K> {
  return SETTINGS[key].parse(key, DEFAULTED[key]) as SettingValue<K>;
}

/** Defaults of the answer caps, for callers without a Config (from the table). */
export const ANSWER_DEFAULTS = {
  answerLimitKb: tableDefault('TRUSTMAP_ANSWER_LIMIT_KB'),
  pathHopLimit: tableDefault('TRUSTMAP_PATH_HOP_LIMIT'),
} as const;

/** Defaults of the ingest's and the stores' limits, for callers without a Config (from the table). */
export const LIMIT_DEFAULTS = {
  fetchConcurrency: tableDefault('TRUSTMAP_FETCH_CONCURRENCY'),
  writeBatchRows: tableDefault('TRUSTMAP_WRITE_BATCH_ROWS'),
  transactionRows: tableDefault('TRUSTMAP_TRANSACTION_ROWS'),
  queryMemoryMb: tableDefault('TRUSTMAP_QUERY_MEMORY_MB'),
} as const;

/**
 * Builds the configuration from an environment (by default the process's) and a working directory.
 * Throws a `ConfigError` naming the first bad setting.
 */
export function loadConfig(env: Environment = process.env, cwd: string = process.cwd()): Config {
  /** A setting as set, validated; undefined when unset (empty counts as unset). */
  const optional = <K extends SettingName>(key: K): SettingValue<K> | undefined => {
    const trimmed = env[key]?.trim();
    if (trimmed === undefined || trimmed === '') return undefined;
    return SETTINGS[key].parse(key, trimmed) as SettingValue<K>;
  };
  /** A setting with a default: as set, or its default, validated the same way. */
  const value = <K extends SettingName & keyof typeof DEFAULTED>(key: K): SettingValue<K> =>
    optional(key) ?? tableDefault(key);

  const neo4jUri = optional('NEO4J_URI');
  let neo4j: Neo4jConfig | undefined;
  if (neo4jUri !== undefined) {
    const password = optional('NEO4J_PASSWORD');
    if (password === undefined) {
      throw new ConfigError('NEO4J_PASSWORD', 'is required when NEO4J_URI is set');
    }
    neo4j = {
      uri: neo4jUri,
      user: value('NEO4J_USER'),
      password,
      database: value('NEO4J_DATABASE'),
    };
  }

  return {
    dbPath: path.resolve(cwd, value('TRUSTMAP_DB')),
    neo4j,
    redisUrl: optional('REDIS_URL'),
    npmRegistry: value('NPM_REGISTRY'),
    pypiUrl: value('PYPI_URL'),
    githubApiUrl: value('GITHUB_API_URL'),
    githubToken: optional('GITHUB_TOKEN'),
    osvUrl: value('OSV_URL'),
    host: value('TRUSTMAP_HOST'),
    port: value('TRUSTMAP_PORT'),
    token: optional('TRUSTMAP_TOKEN'),
    queryTimeoutMs: value('TRUSTMAP_QUERY_TIMEOUT_MS'),
    queryRowLimit: value('TRUSTMAP_QUERY_ROW_LIMIT'),
    queryMemoryMb: value('TRUSTMAP_QUERY_MEMORY_MB'),
    answerLimitKb: value('TRUSTMAP_ANSWER_LIMIT_KB'),
    pathHopLimit: value('TRUSTMAP_PATH_HOP_LIMIT'),
    publicUrl: optional('TRUSTMAP_PUBLIC_URL'),
    workerLockMs: value('TRUSTMAP_WORKER_LOCK_MS'),
    fetchConcurrency: value('TRUSTMAP_FETCH_CONCURRENCY'),
    writeBatchRows: value('TRUSTMAP_WRITE_BATCH_ROWS'),
    transactionRows: value('TRUSTMAP_TRANSACTION_ROWS'),
    verifyThreads: optional('TRUSTMAP_VERIFY_THREADS'),
    apiRepositories: value('TRUSTMAP_API_REPOS'),
    apiAdvisories: value('TRUSTMAP_API_ADVISORIES'),
    logLevel: value('TRUSTMAP_LOG_LEVEL'),
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
function publicUrl(setting: string, value: string): string {
  url(setting, value, HTTP_SCHEMES);
  const parsed = new URL(value);
  if (
    parsed.username !== '' ||
    parsed.password !== '' ||
    parsed.search !== '' ||
    parsed.hash !== ''
  ) {
    throw new ConfigError(
      setting,
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

/**
 * TRUSTMAP_VERIFY_THREADS alone (ingest/provenance/verify-pool.ts): the pool is made where no
 * Config is passed, and another setting that is wrong is not the pool's to refuse.
 */
export function verifyThreadsSetting(env: Environment = process.env): number | undefined {
  return loadConfig({ TRUSTMAP_VERIFY_THREADS: env.TRUSTMAP_VERIFY_THREADS }, '/').verifyThreads;
}
