/**
 * Verification off the ingest's thread (issue 17): a Sigstore verification is 3-7 ms of CPU, and
 * on the event loop it delays every fetch and write behind it. The ingest sends the documents to a
 * small pool of worker threads (verify-worker.ts) and goes on; each job still awaits its own
 * facts. `TRUSTMAP_VERIFY_THREADS` sets the pool's size (default: one less than the cores, at least
 * one, at most four; 0 verifies on the calling thread). Run from the TypeScript sources (the unit
 * tests, tsx), where no compiled worker exists, it verifies on the calling thread too; and so it
 * does, saying so once, when a thread cannot start (dies before it says it is ready). What a thread
 * held when it died later is verified on the calling thread, and the next job starts another.
 */
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { verifyThreadsSetting } from '../../core/config.js';
import { verifyNpmAttestations, type NpmSubject } from './npm-attestations.js';
import { verifyPep740 } from './pep740.js';
import type { Pep740Fact, ProvenanceFact, SigstoreOptions } from './types.js';

type Job =
  | { kind: 'npm'; document: unknown; subject: NpmSubject }
  | { kind: 'pep740'; document: unknown; subject: { filename: string; sha256: string } };

export type VerifyRequest = Job & { id: number; trustId: number; trust?: SigstoreOptions };
export type VerifyReply =
  | { id: number; fact: Pep740Fact }
  | { id: number; error: string }
  /** Sent once the thread's modules are loaded: before it, a thread that dies cannot run here. */
  | { ready: true };

interface Waiting {
  job: Job;
  trust: SigstoreOptions;
  resolve: (fact: Pep740Fact) => void;
  reject: (error: Error) => void;
}

interface Thread {
  worker: Worker;
  pending: Map<number, Waiting>;
  trusts: Set<number>;
  /** Set when the thread says it is ready: a thread that fails before cannot run here at all. */
  online: boolean;
}

/** The verification of `job` on this thread (never throws synchronously). */
async function verifyHere(job: Job, trust: SigstoreOptions): Promise<Pep740Fact> {
  return job.kind === 'npm'
    ? verifyNpmAttestations(job.document, job.subject, trust)
    : verifyPep740(job.document, job.subject, trust);
}

const trustIds = new WeakMap<SigstoreOptions, number>();

export class VerifyPool {
  private readonly threads: (Thread | undefined)[];
  private nextId = 1;
  /** Why threads cannot run in this process, once one failed to start. */
  broken: string | undefined;
  /** Verifications the threads answered. */
  answered = 0;

  constructor(
    private readonly script: URL,
    size: number,
  ) {
    this.threads = Array.from({ length: size }, (): Thread | undefined => undefined);
  }

  get size(): number {
    return this.threads.length;
  }

  run(job: Job, trust: SigstoreOptions): Promise<Pep740Fact> {
    if (this.broken !== undefined) return verifyHere(job, trust);
    let trustId = trustIds.get(trust);
    if (trustId === undefined) trustIds.set(trust, (trustId = this.nextId++));
    const thread = this.leastBusy();
    const id = this.nextId++;
    const request: VerifyRequest = { ...job, id, trustId };
    const sendTrust = !thread.trusts.has(trustId);
    if (sendTrust) request.trust = trust;
    try {
      thread.worker.postMessage(request);
    } catch {
      return verifyHere(job, trust); // a document that cannot be cloned is verified here
    }
    if (sendTrust) thread.trusts.add(trustId);
    return new Promise<Pep740Fact>((resolve, reject) => {
      if (thread.pending.size === 0) thread.worker.ref();
      thread.pending.set(id, { job, trust, resolve, reject });
    });
  }

  private leastBusy(): Thread {
    let best: Thread | undefined;
    for (let i = 0; i < this.threads.length; i++) {
      const thread = (this.threads[i] ??= this.start(i));
      if (best === undefined || thread.pending.size < best.pending.size) best = thread;
    }
    if (best === undefined) throw new Error('a verification pool has at least one thread');
    return best;
  }

  private start(slot: number): Thread {
    const worker = new Worker(this.script);
    const thread: Thread = { worker, pending: new Map(), trusts: new Set(), online: false };
    worker.unref(); // an idle pool never keeps the process alive
    worker.on('message', (reply: VerifyReply) => {
      if ('ready' in reply) {
        thread.online = true;
        return;
      }
      const waiting = thread.pending.get(reply.id);
      if (waiting === undefined) return;
      thread.pending.delete(reply.id);
      if (thread.pending.size === 0) worker.unref();
      this.answered += 1;
      if ('error' in reply) waiting.reject(new Error(`verification failed: ${reply.error}`));
      else waiting.resolve(reply.fact);
    });
    const lost = (why: string): void => {
      if (this.threads[slot] === thread) this.threads[slot] = undefined; // the next job starts another
      if (!thread.online && this.broken === undefined) {
        this.broken = why;
        process.stderr.write(
          `trustmap: provenance is verified on the ingest's thread (a verification thread ${why})\n`,
        );
      }
      // What the thread held is verified here, not lost (the next job starts another thread).
      for (const waiting of thread.pending.values())
        verifyHere(waiting.job, waiting.trust).then(waiting.resolve, waiting.reject);
      thread.pending.clear();
    };
    worker.on('error', (error) => {
      lost(`failed: ${error.message}`);
    });
    worker.on('exit', (code) => {
      lost(`exited (${code})`);
    });
    return thread;
  }
}

/** The compiled worker beside this module, when this module is compiled too. */
function workerScript(): URL | undefined {
  if (!import.meta.url.endsWith('.js')) return undefined;
  const url = new URL('./verify-worker.js', import.meta.url);
  return fs.existsSync(fileURLToPath(url)) ? url : undefined;
}

/** The pool's size: TRUSTMAP_VERIFY_THREADS (core/config.ts), or one less than the cores, 1 to 4. */
export function verifyThreads(): number {
  return verifyThreadsSetting() ?? Math.max(1, Math.min(4, os.availableParallelism() - 1));
}

let shared: VerifyPool | null | undefined;

function pool(): VerifyPool | undefined {
  if (shared === undefined) {
    const script = workerScript();
    const threads = verifyThreads();
    shared = script === undefined || threads === 0 ? null : new VerifyPool(script, threads);
  }
  return shared ?? undefined;
}

/** What the pool did: its size, the verifications its threads answered, why it stopped if it did. */
export function verificationThreads(): { size: number; answered: number; broken?: string } {
  const threads = pool();
  if (threads === undefined) return { size: 0, answered: 0 };
  return {
    size: threads.size,
    answered: threads.answered,
    ...(threads.broken === undefined ? {} : { broken: threads.broken }),
  };
}

/** verifyNpmAttestations, on the pool when there is one. */
export function verifyNpmOffThread(
  document: unknown,
  subject: NpmSubject,
  trust: SigstoreOptions,
): Promise<ProvenanceFact> {
  const job: Job = { kind: 'npm', document, subject };
  return pool()?.run(job, trust) ?? verifyHere(job, trust);
}

/** verifyPep740, on the pool when there is one. */
export function verifyPep740OffThread(
  document: unknown,
  subject: { filename: string; sha256: string },
  trust: SigstoreOptions,
): Promise<Pep740Fact> {
  const job: Job = { kind: 'pep740', document, subject };
  return pool()?.run(job, trust) ?? verifyHere(job, trust);
}
