/**
 * A verification thread of the pool (verify-pool.ts): verifies what the ingest's thread sends it,
 * with the trust that came with the first request of each trust id, and answers with the fact.
 * The documents are still hostile JSON; the verifiers treat them as such.
 */
import { parentPort } from 'node:worker_threads';
import { verifyNpmAttestations } from './npm-attestations.js';
import { verifyPep740 } from './pep740.js';
import type { SigstoreOptions } from './types.js';
import type { VerifyReply, VerifyRequest } from './verify-pool.js';

// The ASN.1 parser throws, and catches, an error for each OCTET STRING that holds no DER: several
// per certificate, and capturing their stacks was a sixth of a verification. A reply carries only
// an error's message, so this thread captures none.
Error.stackTraceLimit = 0;

const trusts = new Map<number, SigstoreOptions>();

async function answer(request: VerifyRequest): Promise<VerifyReply> {
  if (request.trust !== undefined) trusts.set(request.trustId, request.trust);
  const trust = trusts.get(request.trustId);
  if (trust === undefined)
    return { id: request.id, error: `trust ${request.trustId} was never sent` };
  try {
    const fact =
      request.kind === 'npm'
        ? await verifyNpmAttestations(request.document, request.subject, trust)
        : await verifyPep740(request.document, request.subject, trust);
    return { id: request.id, fact };
  } catch (error) {
    return { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
}

parentPort?.on('message', (request: VerifyRequest) => {
  void answer(request).then((reply) => parentPort?.postMessage(reply));
});
// Modules loaded and listening: from here, a failure is this thread's, not the pool's.
parentPort?.postMessage({ ready: true } satisfies VerifyReply);
