/**
 * `trustmap provenance refresh-keys` against a registry on loopback: a valid `/-/npm/v1/keys`
 * answer is written as the local keys file verification then uses; a hostile or missing one is
 * refused and nothing is written. `update-root` installs a validated trusted root.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandContext } from '../../cli/context.js';
import { registerProvenanceCommand } from '../../cli/provenance-command.js';
import {
  LOCAL_KEYS_FILE,
  LOCAL_ROOT_FILE,
  PINNED_REGISTRY_KEYS,
  SHIPPED_TRUSTED_ROOT,
  localTrust,
} from '../../ingest/provenance/index.js';
import { tempDir } from '../helpers/temp.js';

const answers = new Map<string, { status: number; body: string }>();
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const answer = answers.get(request.url ?? '') ?? { status: 404, body: '{}' };
    response.writeHead(answer.status, { 'content-type': 'application/json' });
    response.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function run(cwd: string, args: string[]): Promise<{ out: string; error?: unknown }> {
  let out = '';
  const program = new Command('trustmap').exitOverride();
  registerProvenanceCommand(
    program,
    commandContext({
      cwd,
      env: { NPM_REGISTRY: `${base}/good`, TRUSTMAP_LOG_LEVEL: 'silent' },
      out: (text) => (out += text),
      err: () => undefined,
    }),
  );
  try {
    await program.parseAsync(args, { from: 'user' });
    return { out };
  } catch (error) {
    return { out, error };
  }
}

describe('trustmap provenance refresh-keys', () => {
  it("writes the registry's keys where verification reads them", async () => {
    answers.set('/good/-/npm/v1/keys', {
      status: 200,
      body: JSON.stringify({ keys: PINNED_REGISTRY_KEYS.slice(1) }),
    });
    const { dir, cleanup } = tempDir();
    try {
      const { out, error } = await run(dir, ['provenance', 'refresh-keys']);
      expect(error).toBeUndefined();
      expect(out).toMatch(/^1 registry keys from http:\/\/127\.0\.0\.1:\d+\/good\/? written to /);
      expect(localTrust(dir).options.keys).toEqual([...PINNED_REGISTRY_KEYS.slice(1)]);
    } finally {
      cleanup();
    }
  });

  it.each([
    [
      'a key that is not base64',
      JSON.stringify({ keys: [{ ...PINNED_REGISTRY_KEYS[0], key: '<script>' }] }),
      /keys\.0\.key/,
    ],
    ['an empty list', JSON.stringify({ keys: [] }), /lists no keys/],
    ['a __proto__ document', '{"__proto__": {"keys": []}}', /not an npm keys document/],
    ['not JSON', 'keys', /did not return JSON/],
  ])('refuses %s and writes nothing', async (label, body, reason) => {
    const route = `/bad-${label.replace(/\W+/g, '-')}`;
    answers.set(`${route}/-/npm/v1/keys`, { status: 200, body });
    const { dir, cleanup } = tempDir();
    try {
      const { error } = await run(dir, [
        'provenance',
        'refresh-keys',
        '--registry',
        `${base}${route}`,
      ]);
      expect((error as Error).message).toMatch(reason);
      expect(fs.existsSync(path.join(dir, LOCAL_KEYS_FILE))).toBe(false);
    } finally {
      cleanup();
    }
  });

  it('refuses a registry that publishes no keys', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const { error } = await run(dir, [
        'provenance',
        'refresh-keys',
        '--registry',
        `${base}/none`,
      ]);
      expect((error as Error).message).toMatch(/publishes no signing keys/);
    } finally {
      cleanup();
    }
  });
});

describe('trustmap provenance update-root', () => {
  it('installs a trusted root from a file, and refuses one that is not', async () => {
    const { dir, cleanup } = tempDir();
    try {
      fs.writeFileSync(path.join(dir, 'root.json'), JSON.stringify(SHIPPED_TRUSTED_ROOT));
      fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ mediaType: 'x' }));
      const bad = await run(dir, ['provenance', 'update-root', '--from', 'bad.json']);
      expect((bad.error as Error).message).toMatch(/bad\.json: not a Sigstore trusted root/);
      expect(fs.existsSync(path.join(dir, LOCAL_ROOT_FILE))).toBe(false);
      const good = await run(dir, ['provenance', 'update-root', '--from', 'root.json']);
      expect(good.error).toBeUndefined();
      expect(localTrust(dir).options.trustedRoot).toEqual(SHIPPED_TRUSTED_ROOT);
    } finally {
      cleanup();
    }
  });
});
