/**
 * Stage 3, read advisories: every npm and PyPI version in the graph asked of OSV. Opt-in wherever
 * it is planned: it sends OSV the list of versions the graph holds.
 */
import type { Logger } from '../core/log.js';
import { ingestAdvisories, type AdvisorySummary } from '../ingest/advisories.js';
import type { StoreSource } from './stage-types.js';

export interface AdvisoriesInput {
  osvUrl: string;
  logger: Logger;
}

export type AdvisoriesSummary = AdvisorySummary;

export async function readAdvisories(
  input: AdvisoriesInput,
  store: StoreSource,
): Promise<AdvisoriesSummary> {
  return ingestAdvisories({ store: await store.get(), osvUrl: input.osvUrl, logger: input.logger });
}
