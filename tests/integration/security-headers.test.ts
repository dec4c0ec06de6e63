/**
 * The security headers over real HTTP: `upgrade-insecure-requests` and HSTS only when the public
 * URL (TRUSTMAP_PUBLIC_URL) is https, every other header the same either way. The explorer page
 * and the API are served by the app on an ephemeral loopback port, over an empty embedded store.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../graph/embedded/embedded-store.js';
import { listenApi, type TestApi } from '../helpers/api-server.js';
import { CLIENT_DIR } from '../helpers/explorer-fixture.js';
import { tempDir } from '../helpers/temp.js';

const TOKEN = 'security-headers-test-token';

let store: EmbeddedStore;
let cleanup: () => void;
const apis: TestApi[] = [];

beforeAll(async () => {
  const temp = tempDir();
  cleanup = temp.cleanup;
  store = await EmbeddedStore.open(path.join(temp.dir, 'graph.grafeo'));
});
afterAll(async () => {
  await Promise.all(apis.map((api) => api.close()));
  await store.close();
  cleanup();
});

/** Serves the explorer and the API the way `trustmap serve` does, with this public URL. */
async function serve(publicUrl: string | undefined): Promise<string> {
  const api = await listenApi(store, { token: TOKEN, publicUrl, clientDir: CLIENT_DIR });
  apis.push(api);
  return api.base;
}

/** The headers of the explorer page and of an API answer; the page must have loaded. */
async function headersOf(base: string): Promise<{ page: Headers; api: Headers }> {
  const page = await fetch(`${base}/?root=pkg:npm/yargs@16.1.0`);
  expect(page.status).toBe(200);
  await expect(page.text()).resolves.toContain('<script');
  const api = await fetch(`${base}/api/roots`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(api.status).toBe(200);
  return { page: page.headers, api: api.headers };
}

/** The CSP as directive name -> value. */
function directives(headers: Headers): Map<string, string> {
  const csp = headers.get('content-security-policy') ?? '';
  return new Map(
    csp
      .split(';')
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .map((part): [string, string] => {
        const [name = '', ...values] = part.split(/\s+/);
        return [name, values.join(' ')];
      }),
  );
}

/** Every header but the date, the body's size and tag, and the two that depend on https. */
function otherHeaders(headers: Headers): Record<string, string> {
  const skip = new Set([
    'date',
    'etag',
    'last-modified',
    'content-length',
    'content-security-policy',
    'strict-transport-security',
  ]);
  return Object.fromEntries([...headers].filter(([name]) => !skip.has(name)));
}

const STRICT = {
  'default-src': "'self'",
  'script-src': "'self'",
  'script-src-attr': "'none'",
  'style-src': "'self'",
  'img-src': "'self' data:",
  'connect-src': "'self'",
  'object-src': "'none'",
  'frame-ancestors': "'none'",
  'base-uri': "'self'",
  'form-action': "'self'",
};

describe('security headers', () => {
  it('over plain http (no public URL, or an http one): no upgrade-insecure-requests and no HSTS, the CSP as strict', async () => {
    for (const publicUrl of [undefined, 'http://trustmap.example.org:8470']) {
      const { page, api } = await headersOf(await serve(publicUrl));
      for (const headers of [page, api]) {
        const csp = directives(headers);
        expect(csp.has('upgrade-insecure-requests')).toBe(false);
        expect(Object.fromEntries(csp)).toMatchObject(STRICT);
        expect(headers.get('content-security-policy')).not.toMatch(/unsafe-|\*/);
        expect(headers.get('strict-transport-security')).toBeNull();
        expect(headers.get('x-content-type-options')).toBe('nosniff');
        expect(headers.get('x-frame-options')).toBe('SAMEORIGIN');
        expect(headers.get('referrer-policy')).toBe('no-referrer');
        expect(headers.get('cross-origin-opener-policy')).toBe('same-origin');
        expect(headers.get('cross-origin-resource-policy')).toBe('same-origin');
        expect(headers.get('x-powered-by')).toBeNull();
      }
    }
  });

  it('with an https public URL: upgrade-insecure-requests and HSTS, every other header the same', async () => {
    const plain = await headersOf(await serve(undefined));
    const https = await headersOf(await serve('https://trustmap.example.org'));
    for (const kind of ['page', 'api'] as const) {
      const headers = https[kind];
      expect(headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
      const csp = directives(headers);
      expect(csp.get('upgrade-insecure-requests')).toBe('');
      csp.delete('upgrade-insecure-requests');
      expect(Object.fromEntries(csp)).toEqual(Object.fromEntries(directives(plain[kind])));
      expect(otherHeaders(headers)).toEqual(otherHeaders(plain[kind]));
    }
  });
});
