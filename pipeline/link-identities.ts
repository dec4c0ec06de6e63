/**
 * Stage 4, link identities: people of npm, PyPI, GitHub and git with shared evidence linked
 * (ingest/identities.ts), once, after the stages that add people.
 */
import { linkIdentities } from '../ingest/identities.js';
import type { StoreSource } from './stage-types.js';

export interface IdentitiesSummary {
  /** Identity links in the graph after the stage. */
  linked: number;
}

export async function linkIdentityStage(store: StoreSource): Promise<IdentitiesSummary> {
  return { linked: await linkIdentities(await store.get()) };
}
