/**
 * A bench's registry in a process of its own, as a registry is to an ingest: the generated
 * registry (bench/generated-registry.ts) or the attested mirror (bench/attested-mirror.ts),
 * answering on loopback from a child process, so the answers' CPU and event-loop time are not the
 * ingest's. One child serves every run of a bench (a mirror's packuments are fetched once); each
 * `serve` starts a server with its own attestations, and `close` stops it.
 *
 * The parent: `const registry = await startRegistryProcess(spec)`; the child is this file, run
 * with tsx.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { serveAttestedMirror } from './attested-mirror.js';
import {
  generateRegistry,
  serveGeneratedRegistry,
  type GeneratedRegistry,
  type RegistryShape,
  type ServedRegistry,
} from './generated-registry.js';

export type RegistrySpec =
  | { kind: 'generated'; packages: number; latencyMs: number; shape?: RegistryShape }
  | { kind: 'mirror'; upstream: string };

type Request =
  | { op: 'serve'; documents: [string, string][] | undefined }
  | { op: 'counts' }
  | { op: 'close' }
  | { op: 'exit' };

type Reply =
  | { op: 'served'; url: string }
  | { op: 'counts'; requests: number; attestations: number }
  | { op: 'closed' }
  | { op: 'error'; message: string };

/** A registry the child serves: what bench/provenance-ingest.ts asks of one, answered over IPC. */
export interface ChildRegistry {
  url: string;
  /** Requests answered with a packument, and with an attestations document, so far. */
  counts: () => Promise<{ requests: number; attestations: number }>;
  close: () => Promise<void>;
}

export interface RegistryProcess {
  /** A server with these attestations documents (by '<name>@<version>'), or none named. */
  serve: (documents?: ReadonlyMap<string, Buffer>) => Promise<ChildRegistry>;
  /** Stops the child (and its server). */
  exit: () => Promise<void>;
}

/** Starts the child for `spec` and waits until it can serve. */
export function startRegistryProcess(spec: RegistrySpec): RegistryProcess {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [JSON.stringify(spec)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let chain: Promise<unknown> = Promise.resolve();
  const ask = (request: Request): Promise<Reply> => {
    const asked = chain.then(
      () =>
        new Promise<Reply>((resolve, reject) => {
          const onExit = (code: number | null): void => {
            reject(new Error(`the registry process exited (${String(code)})`));
          };
          child.once('exit', onExit);
          child.once('message', (reply: Reply) => {
            child.off('exit', onExit);
            if (reply.op === 'error') reject(new Error(`the registry process: ${reply.message}`));
            else resolve(reply);
          });
          child.send(request);
        }),
    );
    chain = asked.catch(() => undefined);
    return asked;
  };
  return {
    serve: async (documents) => {
      const reply = await ask({
        op: 'serve',
        documents:
          documents === undefined
            ? undefined
            : [...documents].map(([key, body]) => [key, body.toString('base64')]),
      });
      if (reply.op !== 'served') throw new Error(`unexpected reply ${reply.op}`);
      return {
        url: reply.url,
        counts: async () => {
          const counts = await ask({ op: 'counts' });
          if (counts.op !== 'counts') throw new Error(`unexpected reply ${counts.op}`);
          return { requests: counts.requests, attestations: counts.attestations };
        },
        close: async () => {
          await ask({ op: 'close' });
        },
      };
    },
    exit: async () => {
      // Gone already (it failed, or its parent's error came from it): nothing to stop, and a send
      // on its closed channel would throw over the error the bench is reporting.
      if (child.exitCode !== null || child.signalCode !== null || !child.connected) return;
      const exited = new Promise<void>((resolve) => {
        child.once('exit', () => {
          resolve();
        });
      });
      child.send({ op: 'exit' } satisfies Request);
      await exited;
    },
  };
}

/** The child: serves `spec` on each request of its parent, one server at a time. */
function runChild(spec: RegistrySpec): void {
  const generated: GeneratedRegistry | undefined =
    spec.kind === 'generated' ? generateRegistry(spec.packages, undefined, spec.shape) : undefined;
  let served: ServedRegistry | undefined;
  const reply = (message: Reply): void => {
    process.send?.(message);
  };
  const handle = async (request: Request): Promise<Reply> => {
    switch (request.op) {
      case 'serve': {
        await served?.close();
        const documents =
          request.documents === undefined
            ? undefined
            : new Map(request.documents.map(([key, body]) => [key, Buffer.from(body, 'base64')]));
        const options = documents === undefined ? {} : { attestationsByVersion: documents };
        served =
          generated !== undefined && spec.kind === 'generated'
            ? await serveGeneratedRegistry(generated, {
                ...options,
                latencyMs: spec.latencyMs,
                prepared: true,
              })
            : await serveAttestedMirror(spec.kind === 'mirror' ? spec.upstream : '', {
                ...options,
                prepared: true,
              });
        return { op: 'served', url: served.url };
      }
      case 'counts':
        return {
          op: 'counts',
          requests: served?.requests() ?? 0,
          attestations: served?.attestations() ?? 0,
        };
      case 'close':
        await served?.close();
        served = undefined;
        return { op: 'closed' };
      case 'exit':
        await served?.close();
        process.exit(0);
    }
  };
  // The parent gone (it crashed, or never said exit): so is this registry.
  process.on('disconnect', () => process.exit(0));
  process.on('message', (request: Request) => {
    handle(request).then(reply, (error: unknown) => {
      reply({ op: 'error', message: error instanceof Error ? error.message : String(error) });
    });
  });
}

if (process.send !== undefined && process.argv[2] !== undefined)
  runChild(JSON.parse(process.argv[2]) as RegistrySpec);
