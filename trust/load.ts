/**
 * The graph the trust engine needs, read from the store as a stream of batches (a large graph
 * never comes back as one query result) into plain maps keyed by node key.
 */
import { append } from '../core/collections.js';
import type { GraphStore } from '../graph/store.js';
import type { JsonValue } from '../graph/values.js';
import { KEY_PREFIX } from '../ingest/identity.js';

export interface VersionNode {
  key: string;
  version: string | undefined;
  publishedAt: string | undefined;
  hasInstallScripts: boolean | undefined;
  license: string | undefined;
  /**
   * Verified provenance (issue 17): true when an attestation was verified, false when there is
   * none or it failed verification, undefined when one is named but was not checked.
   */
  provenance: boolean | undefined;
  /** The repository (its key) a verified attestation says the version was built from. */
  provenanceRepository?: string | undefined;
  /** Why a named attestation failed verification (the version counts as without provenance). */
  provenanceFailure?: string | undefined;
  /** Person keys of the version manifest's maintainers list; undefined when it has none. */
  maintainers: string[] | undefined;
  /** Install-time scripts present (preinstall, install, postinstall), sorted; undefined when unknown. */
  installScripts: string[] | undefined;
  /** "preinstall: <text>" for each, capped, for explanations; undefined when unknown. */
  installScriptText: string[] | undefined;
  /** Declared prod and optional dependencies as "name@range", sorted; undefined when unknown. */
  dependencies: string[] | undefined;
  /** Published through trusted publishing (OIDC); undefined when the publisher is unknown. */
  trustedPublisher: boolean | undefined;
  /** Whether its repository has a tag for it; undefined when the repository was not read. */
  tagged: boolean | undefined;
  project: boolean;
  /** Stored scores of the last run, if any (for views; the engine recomputes its own). */
  trust: number | undefined;
  reach: number | undefined;
  /** The rest of the stored scores the views show; undefined when this version is not scored. */
  stored?: StoredVersionScore | undefined;
}

/** A version's scores as the last scoring run stored them. */
export interface StoredVersionScore {
  trust: number;
  ownTrust: number;
  reach: number;
  busFactor: number;
  fragility: number;
  /** From the stored explanation, read only for versions with dependents (the chokepoints). */
  busFactorSource: string | undefined;
}

/** The last scoring run: when it ran and the anchors its scores were computed with. */
export interface ScoringRun {
  scoredAt: string;
  /** The anchors that were in the graph (the others do not change any score). */
  anchors: string[];
  /** The instant its scores are as of (`score --as-of`; a run before v2: when it ran). */
  asOf: string;
}

export interface TrustGraph {
  versions: Map<string, VersionNode>;
  packages: Map<
    string,
    {
      key: string;
      name: string | undefined;
      maintainersKnown: boolean | undefined;
      /** When the package was first published (the packument's `time.created`). */
      createdAt: string | undefined;
      /** The version the registry's `latest` tag named when it was read. */
      latest: string | undefined;
      /** Share of published versions with a matching tag (from git history). */
      tagOverlap: number | undefined;
    }
  >;
  /** Repositories whose history was read: activity and the bus factor from history. */
  repositories: Map<
    string,
    {
      commitsLast90Days: number | undefined;
      activeContributors12Months: number | undefined;
      busFactor: number | undefined;
    }
  >;
  persons: Set<string>;
  /** Names of people whose key is a hash (git authors, PyPI metadata people), for views. */
  personNames: Map<string, string>;
  /** Repository -> its contributors with their commits (for views). */
  contributors: Map<string, { person: string; commits: number }[]>;
  organisations: Map<string, { kind: string | undefined }>;
  /** Package -> its versions; version -> its package. */
  versionsOf: Map<string, string[]>;
  packageOf: Map<string, string>;
  maintainers: Map<string, string[]>;
  publishers: Map<string, string[]>;
  /** Resolved dependencies, one per (from, to), with the ranges and roots seen. */
  resolves: Map<string, { from: string; to: string; ranges: Set<string>; roots: Set<string> }>;
  /** Versions an ingest was asked for (roots), scored even when nothing resolves from them. */
  ingestedRoots: Set<string>;
  /** Kinds a version declares a package with: `${version} ${package}` -> kinds. */
  declared: Map<string, Set<string>>;
  memberOf: { person: string; org: string; evidence: string | undefined }[];
  inScope: { pkg: string; org: string }[];
  hostedAt: Map<string, string>;
  /** Packages whose HOSTED_AT link is verified (by provenance), not only claimed. */
  hostedVerified: Set<string>;
  ownedBy: Map<string, string>;
  affectedBy: Map<string, string[]>;
  vulnerabilities: Map<
    string,
    { severity: string | undefined; malicious: boolean; published?: string | undefined }
  >;
  /** Whether any advisory data was ingested at all: without it, "no advisory" is unknown. */
  advisoriesKnown: boolean;
  /** Stored trust of people, organisations and repositories from the last run (for views). */
  storedTrust: Map<string, number>;
  /** The last scoring run, read from its scored nodes; undefined when nothing is scored. */
  scoring?: ScoringRun | undefined;
}

const str = (v: JsonValue | undefined): string | undefined =>
  typeof v === 'string' ? v : undefined;
const num = (v: JsonValue | undefined): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;
const bool = (v: JsonValue | undefined): boolean | undefined =>
  typeof v === 'boolean' ? v : undefined;
/**
 * Provenance as verified (issue 17): true only with what a verification proved (a graph written
 * before verification existed holds `true` for a named attestation: unknown, not proven).
 */
export function verifiedProvenance(p: Record<string, JsonValue>): boolean | undefined {
  if (p.provenance === true) return typeof p.provenanceSource === 'string' ? true : undefined;
  return bool(p.provenance);
}

/** A stored list of strings; undefined when it is not one (null is unknown). */
const strings = (v: JsonValue | undefined): string[] | undefined =>
  Array.isArray(v) && v.every((item): item is string => typeof item === 'string') ? v : undefined;

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else if (!list.includes(value)) list.push(value);
}

/** The stored explanation's JSON, or undefined when it is missing or not an object. */
function explanationOf(p: Record<string, JsonValue>): Record<string, JsonValue> | undefined {
  if (typeof p.explanation !== 'string') return undefined;
  try {
    const doc = JSON.parse(p.explanation) as JsonValue;
    return typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? doc : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The run a scored node belongs to, if it is newer than `run`: a run writes its anchors into
 * every explanation, so one explanation per run is read, not one per node.
 */
function latestRun(
  run: ScoringRun | undefined,
  p: Record<string, JsonValue>,
): ScoringRun | undefined {
  const scoredAt = str(p.scoredAt);
  if (scoredAt === undefined || (run !== undefined && run.scoredAt >= scoredAt)) return run;
  const explanation = explanationOf(p);
  const anchors = explanation?.anchors;
  if (!Array.isArray(anchors)) return run;
  return {
    scoredAt,
    anchors: anchors.filter((a): a is string => typeof a === 'string'),
    asOf: str(explanation?.asOf) ?? scoredAt,
  };
}

function storedVersionScore(p: Record<string, JsonValue>): StoredVersionScore | undefined {
  const [trust, ownTrust, reach, busFactor, fragility] = [
    num(p.trust),
    num(p.ownTrust),
    num(p.reach),
    num(p.busFactor),
    num(p.fragility),
  ];
  if (
    trust === undefined ||
    ownTrust === undefined ||
    reach === undefined ||
    busFactor === undefined ||
    fragility === undefined
  )
    return undefined;
  let busFactorSource: string | undefined;
  if (reach > 0) {
    const chokepoint = explanationOf(p)?.chokepoint;
    const source =
      typeof chokepoint === 'object' && chokepoint !== null && !Array.isArray(chokepoint)
        ? chokepoint.busFactorSource
        : undefined;
    busFactorSource = str(source);
  }
  return { trust, ownTrust, reach, busFactor, fragility, busFactorSource };
}

/** A trust graph with nothing in it, for a loader (or a test) to fill. */
export function emptyTrustGraph(): TrustGraph {
  return {
    versions: new Map(),
    packages: new Map(),
    persons: new Set(),
    personNames: new Map(),
    contributors: new Map(),
    organisations: new Map(),
    versionsOf: new Map(),
    packageOf: new Map(),
    maintainers: new Map(),
    publishers: new Map(),
    resolves: new Map(),
    ingestedRoots: new Set(),
    declared: new Map(),
    memberOf: [],
    inScope: [],
    hostedAt: new Map(),
    hostedVerified: new Set(),
    ownedBy: new Map(),
    affectedBy: new Map(),
    vulnerabilities: new Map(),
    advisoriesKnown: false,
    storedTrust: new Map(),
    repositories: new Map(),
    scoring: undefined,
  };
}

export async function loadTrustGraph(store: GraphStore): Promise<TrustGraph> {
  const graph = emptyTrustGraph();
  for await (const batch of store.stream({ batchSize: 10_000 })) {
    if (batch.kind === 'nodes') {
      for (const node of batch.nodes) {
        const p = node.properties;
        graph.scoring = latestRun(graph.scoring, p);
        if (node.labels.includes('Version')) {
          if (p.ingestedRoot === true) graph.ingestedRoots.add(node.key);
          graph.versions.set(node.key, {
            key: node.key,
            version: str(p.version),
            publishedAt: str(p.publishedAt),
            hasInstallScripts: bool(p.hasInstallScripts),
            license: str(p.license),
            provenance: verifiedProvenance(p),
            provenanceRepository: p.provenance === true ? str(p.provenanceRepository) : undefined,
            provenanceFailure:
              p.provenance === false && p.attested === true ? str(p.provenanceReason) : undefined,
            maintainers: strings(p.maintainers),
            installScripts: strings(p.installScripts),
            installScriptText: strings(p.installScriptText),
            dependencies: strings(p.dependencies),
            trustedPublisher: bool(p.trustedPublisher),
            tagged: bool(p.tagged),
            project: p.project === true,
            trust: typeof p.trust === 'number' ? p.trust : undefined,
            reach: typeof p.reach === 'number' ? p.reach : undefined,
            stored: storedVersionScore(p),
          });
        } else if (node.labels.includes('Package')) {
          graph.packages.set(node.key, {
            key: node.key,
            name: str(p.name),
            maintainersKnown: bool(p.maintainersKnown),
            createdAt: str(p.createdAt),
            latest: str(p.latest),
            tagOverlap: num(p.tagOverlap),
          });
        } else if (node.labels.includes('Repository')) {
          if (typeof p.historyReadAt === 'string')
            graph.repositories.set(node.key, {
              commitsLast90Days: num(p.commitsLast90Days),
              activeContributors12Months: num(p.activeContributors12Months),
              busFactor: num(p.busFactor),
            });
        } else if (node.labels.includes('Person')) {
          graph.persons.add(node.key);
          if (typeof p.trust === 'number') graph.storedTrust.set(node.key, p.trust);
          if (
            typeof p.name === 'string' &&
            (node.key.startsWith(KEY_PREFIX.gitAuthor) ||
              node.key.startsWith(KEY_PREFIX.pypiNamedPerson))
          )
            graph.personNames.set(node.key, p.name);
        } else if (node.labels.includes('Organisation')) {
          graph.organisations.set(node.key, { kind: str(p.kind) });
          if (typeof p.trust === 'number') graph.storedTrust.set(node.key, p.trust);
        } else if (node.labels.includes('Vulnerability')) {
          graph.advisoriesKnown = true;
          graph.vulnerabilities.set(node.key, {
            severity: str(p.severity)?.toLowerCase(),
            malicious: p.malicious === true,
            published: str(p.published),
          });
        }
      }
      continue;
    }
    for (const r of batch.relationships) {
      switch (r.type) {
        case 'HAS_VERSION':
          push(graph.versionsOf, r.from, r.to);
          graph.packageOf.set(r.to, r.from);
          break;
        case 'MAINTAINS':
          push(graph.maintainers, r.to, r.from);
          break;
        case 'PUBLISHED':
          push(graph.publishers, r.to, r.from);
          break;
        case 'RESOLVES_TO': {
          const id = `${r.from} ${r.to}`;
          let entry = graph.resolves.get(id);
          if (entry === undefined)
            graph.resolves.set(
              id,
              (entry = { from: r.from, to: r.to, ranges: new Set(), roots: new Set() }),
            );
          const range = str(r.properties.range);
          const root = str(r.properties.root);
          if (range !== undefined) entry.ranges.add(range);
          if (root !== undefined) entry.roots.add(root);
          break;
        }
        case 'DEPENDS_ON': {
          const id = `${r.from} ${r.to}`;
          const kinds = graph.declared.get(id) ?? new Set<string>();
          kinds.add(str(r.properties.kind) ?? 'prod');
          graph.declared.set(id, kinds);
          break;
        }
        case 'MEMBER_OF':
          graph.memberOf.push({ person: r.from, org: r.to, evidence: str(r.properties.evidence) });
          break;
        case 'IN_SCOPE':
          graph.inScope.push({ pkg: r.from, org: r.to });
          break;
        case 'HOSTED_AT':
          graph.hostedAt.set(r.from, r.to);
          if (r.properties.verified === true) graph.hostedVerified.add(r.from);
          break;
        case 'OWNED_BY':
          graph.ownedBy.set(r.from, r.to);
          break;
        case 'AFFECTED_BY':
          push(graph.affectedBy, r.from, r.to);
          break;
        case 'CONTRIBUTES_TO':
          append(graph.contributors, r.to, {
            person: r.from,
            commits: num(r.properties.commits) ?? 0,
          });
          break;
        default:
          break;
      }
    }
  }
  return graph;
}
