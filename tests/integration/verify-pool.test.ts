/**
 * Verification on the ingest's pool of threads, as the compiled CLI runs it (`npm test` builds
 * dist/ first): the facts are those of the calling thread's verification, a bundle altered by one
 * byte still fails, many at once all come back, and the threads, not the caller, answered them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { verifyNpmAttestations } from '../../ingest/provenance/index.js';
import { FIXTURES } from '../helpers/fixture-registry.js';

type Pool = typeof import('../../ingest/provenance/verify-pool.js');

const COMPILED = path.resolve(import.meta.dirname, '../../dist/ingest/provenance/verify-pool.js');

async function compiledPool(): Promise<Pool> {
  if (!fs.existsSync(COMPILED)) throw new Error(`${COMPILED} is missing: run npm run build first`);
  return (await import(pathToFileURL(COMPILED).href)) as Pool;
}

type Json = Record<string, unknown>;

function load(spec: string): Json {
  return JSON.parse(
    fs.readFileSync(path.join(FIXTURES, 'npm/attestations', `${spec}.json`), 'utf8'),
  ) as Json;
}

/** dist.integrity as the bundle's own subject states it. */
function subjectOf(spec: string): { name: string; version: string; integrity: string } {
  const bundle = (load(spec).attestations as Json[])[0]?.bundle as Json;
  const envelope = bundle.dsseEnvelope as { payload: string };
  const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString()) as {
    subject: { digest: { sha512: string } }[];
  };
  const sha512 = statement.subject[0]?.digest.sha512 ?? '';
  const at = spec.lastIndexOf('@');
  return {
    name: spec.slice(0, at),
    version: spec.slice(at + 1),
    integrity: `sha512-${Buffer.from(sha512, 'hex').toString('base64')}`,
  };
}

describe('verification on threads', () => {
  it('gives the facts the calling thread gives, failures included, from the threads', async () => {
    const pool = await compiledPool();
    const specs = ['sigstore@1.0.0', 'tuf-js@1.0.0'];
    const altered = load('sigstore@1.0.0');
    const envelope = ((altered.attestations as Json[])[0]?.bundle as Json).dsseEnvelope as {
      payload: string;
    };
    const payload = Buffer.from(envelope.payload, 'base64');
    payload[payload.indexOf('sigstore-js')] = 'S'.charCodeAt(0);
    envelope.payload = payload.toString('base64');

    const here = await Promise.all(
      specs.map((spec) => verifyNpmAttestations(load(spec), subjectOf(spec))),
    );
    const threaded = await Promise.all(
      specs.map((spec) => pool.verifyNpmOffThread(load(spec), subjectOf(spec), {})),
    );
    expect(threaded).toEqual(here);
    expect(threaded.map((fact) => fact.repository)).toEqual([
      'github.com/sigstore/sigstore-js',
      'github.com/theupdateframework/tuf-js',
    ]);

    const bad = await pool.verifyNpmOffThread(altered, subjectOf('sigstore@1.0.0'), {});
    expect(bad.verified).toBe(false);
    expect(bad.reason).toEqual(
      (await verifyNpmAttestations(altered, subjectOf('sigstore@1.0.0'))).reason,
    );

    const many = await Promise.all(
      Array.from({ length: 24 }, (_, i) => {
        const spec = specs[i % 2] ?? 'sigstore@1.0.0';
        return pool.verifyNpmOffThread(load(spec), subjectOf(spec), {});
      }),
    );
    expect(many.every((fact) => fact.verified)).toBe(true);
    const threads = pool.verificationThreads();
    expect(threads.broken).toBeUndefined();
    expect(threads.size).toBeGreaterThanOrEqual(1);
    expect(threads.answered).toBe(2 + 1 + 24);
  });
});

describe('a verification thread that fails', () => {
  /** A worker script of our own making, in a temporary folder. */
  function script(text: string): { url: URL; cleanup: () => void } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trustmap-verify-worker-'));
    const file = path.join(dir, 'worker.mjs');
    fs.writeFileSync(file, text);
    return {
      url: pathToFileURL(file),
      cleanup: () => {
        fs.rmSync(dir, { recursive: true });
      },
    };
  }

  it('that cannot start: verified on the calling thread, said once', async () => {
    const { VerifyPool } = await compiledPool();
    const bad = script("throw new Error('cannot load');\n");
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const pool = new VerifyPool(bad.url, 1);
      const spec = 'sigstore@1.0.0';
      const job = { kind: 'npm' as const, document: load(spec), subject: subjectOf(spec) };
      const facts = await Promise.all([pool.run(job, {}), pool.run(job, {})]);
      expect(facts.map((f) => f.verified)).toEqual([true, true]);
      expect((await pool.run(job, {})).repository).toBe('github.com/sigstore/sigstore-js');
      expect(pool.broken).toContain('cannot load');
      expect(pool.answered).toBe(0);
      const said = stderr.mock.calls.map(([chunk]) => String(chunk));
      expect(said.filter((line) => line.includes("verified on the ingest's thread"))).toHaveLength(
        1,
      );
    } finally {
      stderr.mockRestore();
      bad.cleanup();
    }
  });

  it('that dies after it started: what it held is verified on the calling thread', async () => {
    const { VerifyPool } = await compiledPool();
    const dying = script(
      "import { parentPort } from 'node:worker_threads';\n" +
        "parentPort.on('message', () => process.exit(3));\n" +
        'parentPort.postMessage({ ready: true });\n',
    );
    try {
      const pool = new VerifyPool(dying.url, 1);
      const spec = 'tuf-js@1.0.0';
      const fact = await pool.run(
        { kind: 'npm', document: load(spec), subject: subjectOf(spec) },
        {},
      );
      expect(fact).toMatchObject({
        verified: true,
        repository: 'github.com/theupdateframework/tuf-js',
      });
      expect(pool.broken).toBeUndefined();
      expect(pool.answered).toBe(0);
    } finally {
      dying.cleanup();
    }
  });
});
