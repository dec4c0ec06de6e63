import path from 'node:path';
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { loadConfig, settingRows } from '../../core/config.js';
import { ConfigError } from '../../core/errors.js';

function failure(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, '/work');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives a working configuration with no settings: the embedded store under .trustmap/', () => {
    const config = loadConfig({}, '/work/project');
    expect(config.dbPath).toBe(path.resolve('/work/project/.trustmap/graph.grafeo'));
    expect(config.neo4j).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.npmRegistry).toBe('https://registry.npmjs.org/');
    expect(config.pypiUrl).toBe('https://pypi.org/');
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(8470);
  });

  it('takes every setting from the environment', () => {
    const config = loadConfig(
      {
        TRUSTMAP_DB: 'data/g.grafeo',
        NEO4J_URI: 'neo4j://db.internal:7687',
        NEO4J_USER: 'alice',
        NEO4J_PASSWORD: 'secret',
        NEO4J_DATABASE: 'supplychain',
        REDIS_URL: 'redis://127.0.0.1:6379/2',
        NPM_REGISTRY: 'http://127.0.0.1:4873',
        PYPI_URL: 'http://127.0.0.1:8080/pypi-mirror/',
        GITHUB_API_URL: 'https://ghe.example.com/api/v3',
        GITHUB_TOKEN: 'ghp_x',
        OSV_URL: 'http://127.0.0.1:9000',
        TRUSTMAP_HOST: '0.0.0.0',
        TRUSTMAP_PORT: '9999',
        TRUSTMAP_TOKEN: '0123456789abcdef0123',
        TRUSTMAP_QUERY_TIMEOUT_MS: '5000',
        TRUSTMAP_QUERY_ROW_LIMIT: '50',
        TRUSTMAP_FETCH_CONCURRENCY: '4',
        TRUSTMAP_WRITE_BATCH_ROWS: '500',
        TRUSTMAP_TRANSACTION_ROWS: '250',
      },
      '/srv',
    );
    expect(config.dbPath).toBe(path.resolve('/srv/data/g.grafeo'));
    expect(config.neo4j).toEqual({
      uri: 'neo4j://db.internal:7687',
      user: 'alice',
      password: 'secret',
      database: 'supplychain',
    });
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379/2');
    // Base URLs get exactly one trailing slash, so a path can be appended to a mirror's prefix.
    expect(config.npmRegistry).toBe('http://127.0.0.1:4873/');
    expect(config.pypiUrl).toBe('http://127.0.0.1:8080/pypi-mirror/');
    expect(new URL('pypi/six/json', config.pypiUrl).href).toBe(
      'http://127.0.0.1:8080/pypi-mirror/pypi/six/json',
    );
    expect(config.githubApiUrl).toBe('https://ghe.example.com/api/v3/');
    expect(config.port).toBe(9999);
    expect(config.queryTimeoutMs).toBe(5000);
    expect(config.queryRowLimit).toBe(50);
    expect(config.fetchConcurrency).toBe(4);
    expect(config.writeBatchRows).toBe(500);
    expect(config.transactionRows).toBe(250);
  });

  it.each([
    [{ TRUSTMAP_PORT: 'http' }, 'TRUSTMAP_PORT'],
    [{ TRUSTMAP_PORT: '70000' }, 'TRUSTMAP_PORT'],
    [{ NEO4J_URI: 'http://localhost:7474', NEO4J_PASSWORD: 'x' }, 'NEO4J_URI'],
    [{ NEO4J_URI: 'neo4j://localhost' }, 'NEO4J_PASSWORD'],
    [
      { NEO4J_URI: 'bolt://localhost', NEO4J_PASSWORD: 'x', NEO4J_DATABASE: 'a b' },
      'NEO4J_DATABASE',
    ],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL'],
    [{ NPM_REGISTRY: 'ftp://mirror' }, 'NPM_REGISTRY'],
    [{ PYPI_URL: 'not a url' }, 'PYPI_URL'],
    [{ OSV_URL: 'https://api.osv.dev/?x=1' }, 'OSV_URL'],
    [{ GITHUB_API_URL: 'file:///etc/passwd' }, 'GITHUB_API_URL'],
    [{ TRUSTMAP_TOKEN: 'short' }, 'TRUSTMAP_TOKEN'],
    [{ TRUSTMAP_QUERY_TIMEOUT_MS: '-5' }, 'TRUSTMAP_QUERY_TIMEOUT_MS'],
    [{ TRUSTMAP_QUERY_ROW_LIMIT: '0' }, 'TRUSTMAP_QUERY_ROW_LIMIT'],
    [{ TRUSTMAP_LOG_LEVEL: 'loud' }, 'TRUSTMAP_LOG_LEVEL'],
  ])('rejects %j with a message naming %s', (env, setting) => {
    const error = failure(env);
    expect(error.name).toBe('ConfigError');
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.setting).toBe(setting);
    expect(error.message.startsWith(`${setting}: `)).toBe(true);
  });

  it('treats an empty setting as unset', () => {
    expect(loadConfig({ NEO4J_URI: '', TRUSTMAP_PORT: ' ' }, '/').neo4j).toBeUndefined();
  });

  it("is the one table: the README's configuration table lists every setting, in order, with its default", () => {
    const readme = fs.readFileSync('README.md', 'utf8');
    const section = readme.slice(
      readme.indexOf('## Configuration'),
      readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1),
    );
    const rows = section
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) => {
        const [, variable = '', , fallback = ''] = line.split('|').map((cell) => cell.trim());
        return { name: variable.replace(/`/g, ''), default: fallback.replace(/`/g, '') };
      });
    expect(rows).toEqual(settingRows().map((row) => ({ name: row.name, default: row.default })));
  });

  it('applies each default through the same validator as a set value', () => {
    const defaults = loadConfig({}, '/');
    const explicit = loadConfig(
      Object.fromEntries(
        settingRows()
          .filter((row) => !row.default.startsWith('unset'))
          .map((row) => [row.name, row.default]),
      ),
      '/',
    );
    expect(explicit).toEqual(defaults);
  });
});
