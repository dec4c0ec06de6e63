/**
 * The scores of the last scoring run, as stored on the nodes, over the stored resolved graph: what
 * every view (chokepoints, what-if, the CLI's and the API's) ranks and answers from, so that none
 * of them shows numbers other than the graph's colours and the node details. Nothing here scores.
 */
import { NotFoundError, InvalidInputError } from '../core/errors.js';
import type { EdgeList } from './csr.js';
import { indexDependencies } from './dependency-graph.js';
import type { ScoringRun, TrustGraph } from './load.js';
import type { VersionScores } from '../shared/scores.js';
import type { FlagSeverity, WireFlag } from '../shared/wire-types.js';
import type { GraphStore } from '../graph/store.js';

/** A version's stored scores, as the reports read them. */
export type ReportScore = VersionScores;

/** The resolved graph with the stored scores of its versions: what trust/report.ts answers from. */
export interface ScoredGraph {
  /** The resolved versions, by index. */
  nodes: string[];
  dependencies: EdgeList;
  /** The roots the graph was ingested for. */
  roots: string[];
  /** The versions the last run scored. */
  versions: Map<string, ReportScore>;
  persons: ReadonlySet<string>;
  scoring: ScoringRun;
}

/** The stored scores of `graph`; NotFoundError when no scoring run has stored any. */
export function storedScores(graph: TrustGraph): ScoredGraph {
  const scoring = graph.scoring;
  if (scoring === undefined)
    throw new NotFoundError(
      'nothing is scored yet: run "trustmap score" (an ingest from the explorer scores too)',
    );
  // The versions indexed as the scorer indexes them (one function for both).
  const { nodes, dependencies, roots } = indexDependencies(graph);
  const versions = new Map<string, ReportScore>();
  for (const key of nodes) {
    const stored = graph.versions.get(key)?.stored;
    if (stored === undefined) continue;
    const pkg = graph.packageOf.get(key);
    versions.set(key, {
      reach: stored.reach,
      maintainers: pkg === undefined ? [] : (graph.maintainers.get(pkg) ?? []),
      busFactor: stored.busFactor,
      busFactorSource: stored.busFactorSource ?? 'unknown',
      ownTrust: stored.ownTrust,
      trust: stored.trust,
      fragility: stored.fragility,
    });
  }
  return { nodes, dependencies, roots, versions, persons: graph.persons, scoring };
}

/**
 * Refuses anchors other than the stored run's: a view shows the stored scores, and quietly
 * recomputing them with other anchors would make it disagree with every other view.
 */
export function requireStoredAnchors(
  scoring: ScoringRun,
  anchors: readonly string[] | undefined,
): void {
  if (anchors === undefined || anchors.length === 0) return;
  const stored = new Set(scoring.anchors);
  const given = new Set(anchors);
  const same = given.size === stored.size && [...given].every((a) => stored.has(a));
  if (same) return;
  throw new InvalidInputError(
    `the stored scores (${scoring.scoredAt}) were computed with the anchors ${scoring.anchors.join(', ') || '(none in the graph)'}: ` +
      `run "trustmap score --anchor ${anchors.join(' ')}" first to rank with others`,
  );
}

const SEVERITIES: readonly FlagSeverity[] = ['high', 'medium', 'low', 'info'];
/** The most flags one version's answer carries, and the longest evidence sentence. */
const MAX_FLAGS = 50;
const MAX_EVIDENCE = 2000;

/** A stored severity, or null when it is none of the four. */
export function flagSeverityOf(value: unknown): FlagSeverity | null {
  return SEVERITIES.find((s) => s === value) ?? null;
}

/** The instant a stored explanation (JSON text) is as of, when it says one. */
export function storedAsOf(explanation: unknown): string | undefined {
  if (typeof explanation !== 'string') return undefined;
  try {
    const doc = JSON.parse(explanation) as unknown;
    if (typeof doc !== 'object' || doc === null || !('asOf' in doc)) return undefined;
    return typeof doc.asOf === 'string' ? doc.asOf : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The change flags of a stored explanation (the `explanation` property's JSON text, or the parsed
 * object), worst first as stored; [] when there is none or it holds none. Malformed entries are
 * left out, and the list and each sentence are capped.
 */
export function storedFlags(explanation: unknown): WireFlag[] {
  let doc = explanation;
  if (typeof doc === 'string') {
    try {
      doc = JSON.parse(doc) as unknown;
    } catch {
      return [];
    }
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return [];
  const flags = (doc as { flags?: unknown }).flags;
  if (!Array.isArray(flags)) return [];
  const out: WireFlag[] = [];
  for (const flag of flags as unknown[]) {
    if (out.length >= MAX_FLAGS) break;
    if (typeof flag !== 'object' || flag === null) continue;
    const { id, severity, evidence, since } = flag as Record<string, unknown>;
    const level = flagSeverityOf(severity);
    if (typeof id !== 'string' || level === null || typeof evidence !== 'string') continue;
    out.push({
      id: id.slice(0, 100),
      severity: level,
      evidence: evidence.slice(0, MAX_EVIDENCE),
      since: typeof since === 'string' ? since.slice(0, 40) : '',
    });
  }
  return out;
}

/** A version's stored flags and their worst severity. */
export interface StoredFlags {
  flags: WireFlag[];
  flagSeverity: FlagSeverity | null;
}

/** The stored flags of the flagged versions among `keys` (the others have none). */
export async function readVersionFlags(
  store: GraphStore,
  keys: readonly string[],
): Promise<Map<string, StoredFlags>> {
  const out = new Map<string, StoredFlags>();
  if (keys.length === 0) return out;
  for (const row of await store.read('version-flags', { keys: [...keys] })) {
    if (typeof row.key !== 'string') continue;
    out.set(row.key, {
      flags: storedFlags(row.explanation),
      flagSeverity: flagSeverityOf(row.flagSeverity),
    });
  }
  return out;
}

/** The worst flag severity of every flagged version, by key (what the graph view marks). */
export async function readFlagSeverities(store: GraphStore): Promise<Map<string, FlagSeverity>> {
  const out = new Map<string, FlagSeverity>();
  for (const row of await store.read('flagged-versions')) {
    const severity = flagSeverityOf(row.flagSeverity);
    if (typeof row.key === 'string' && severity !== null) out.set(row.key, severity);
  }
  return out;
}

/**
 * An instant asked of the stored scores (`--as-of`, `?asOf=`): they are the one source, so it
 * must be the one they were scored as of; otherwise the user is told how to get it.
 */
export function requireStoredAsOf(
  scoring: { asOf: string } | undefined,
  asOf: Date | undefined,
): void {
  if (asOf === undefined) return;
  const stored = scoring === undefined ? undefined : Date.parse(scoring.asOf);
  if (stored === asOf.getTime()) return;
  throw new InvalidInputError(
    `the stored scores are ${scoring === undefined ? 'not there' : `as of ${scoring.asOf}`}: run "trustmap score --as-of ${asOf.toISOString()}" first`,
  );
}
