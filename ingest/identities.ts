/**
 * Identities across ecosystems: people (npm accounts, PyPI authors and maintainers, git authors)
 * whose email hashes match are linked with `SAME_AS {evidence: 'email', confidence}`, in both
 * directions' stead one edge from the smaller key to the larger. Never a merge: each identity
 * keeps its own node and edges, and the link says why.
 */
import type { GraphStore } from '../graph/store.js';
import { GraphRecords } from './records.js';
import { BatchWriter } from './writer.js';

/** How sure a shared email hash makes us that two identities are one person. */
export const EMAIL_CONFIDENCE = 0.9;

export async function linkIdentities(store: GraphStore): Promise<number> {
  const byEmail = new Map<string, Set<string>>();
  const add = (hash: unknown, person: string): void => {
    if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) return;
    const people = byEmail.get(hash) ?? new Set<string>();
    people.add(person);
    byEmail.set(hash, people);
  };
  for await (const batch of store.stream({
    labels: ['Person'],
    types: ['MAINTAINS', 'PUBLISHED'],
  })) {
    if (batch.kind === 'nodes')
      for (const node of batch.nodes) add(node.properties.emailHash, node.key);
    else for (const r of batch.relationships) add(r.properties.emailHash, r.from);
  }
  const records = new GraphRecords();
  let links = 0;
  for (const people of byEmail.values()) {
    const keys = [...people].sort();
    for (let i = 0; i < keys.length; i++)
      for (let j = i + 1; j < keys.length; j++) {
        records.relationship('SAME_AS', keys[i] as string, keys[j] as string, {
          evidence: 'email',
          confidence: EMAIL_CONFIDENCE,
        });
        links++;
      }
  }
  const writer = new BatchWriter(store);
  await writer.add(records);
  await writer.flush();
  return links;
}
