/**
 * A policy evaluated over an installed tree: one finding per rule a version breaks, each with a
 * sentence. An exception that matches a finding and has not expired turns it into an accepted
 * one (still reported, with its reason and owner); an expired one fails loudly, saying so; one
 * that matches nothing is reported, so stale exceptions do not pile up. Pure.
 */
import { satisfies as pep440Satisfies } from '@renovatebot/pep440';
import semver from 'semver';
import type { FlagId } from '../trust/flag-params.js';
import type { Policy, PolicyException, RuleId } from './policy.js';
import type { Tree, TreeVersion } from './tree.js';

export interface Finding {
  rule: RuleId;
  /** The version key (a package URL). */
  key: string;
  name: string;
  version: string;
  message: string;
  /** The exception that accepts it, if one matches and holds. */
  accepted?: PolicyException;
  /** A matching exception that has expired: the finding fails, and says so. */
  expired?: PolicyException;
}

export interface CheckResult {
  root: string;
  asOf: string | undefined;
  packages: number;
  people: number;
  /** False when no advisories were read: malicious releases and advisories go unseen. */
  advisoriesKnown: boolean;
  findings: Finding[];
  /** Exceptions that match no finding of any root checked. */
  unused: PolicyException[];
  passed: boolean;
}

/**
 * Flags a rule of their own reports: when it reported the version, the flags rule does not report
 * them again; when it did not (an allowed install script, a severity it leaves out), it does.
 */
const OWNED_FLAGS: Partial<Record<FlagId, RuleId>> = {
  'new-publisher': 'new-publisher',
  'install-script-added': 'install-script',
  'provenance-dropped': 'provenance',
  'trusted-publishing-dropped': 'provenance',
  'repository-mismatch': 'provenance',
};

/** Whether a version's package is one of `scopes` (`@scope/*` a whole scope, `*` everything). */
export function inScopes(
  v: Pick<TreeVersion, 'name' | 'ecosystem'>,
  scopes: readonly string[],
): boolean {
  const name = normalName(v.ecosystem, v.name);
  return scopes.some((s) =>
    s === '*'
      ? true
      : s.endsWith('/*')
        ? name.startsWith(s.slice(0, -1))
        : normalName(v.ecosystem, s) === name,
  );
}

/** `pkg:npm/%40scope/name@^1.2.0` -> ecosystem, name and the version or range (if any). */
export function parsePackageSpec(spec: string): {
  ecosystem: string;
  name: string;
  range: string | undefined;
} {
  const match = /^pkg:([a-z]+)\/([^?#]+)/.exec(spec);
  if (match === null) return { ecosystem: '', name: spec, range: undefined };
  let rest = match[2] as string;
  try {
    rest = decodeURIComponent(rest);
  } catch {
    // left as written: it then matches only a name written the same way
  }
  const cut = rest.indexOf('@', 1);
  const ecosystem = match[1] as string;
  const name = cut < 0 ? rest : rest.slice(0, cut);
  return {
    ecosystem,
    name: normalName(ecosystem, name),
    range: cut < 0 ? undefined : rest.slice(cut + 1),
  };
}

/** A name as the registry compares it: PyPI's per PEP 503 (case, runs of -_. alike). */
export function normalName(ecosystem: string, name: string): string {
  return ecosystem === 'pypi' ? name.toLowerCase().replace(/[-_.]+/g, '-') : name;
}

function versionMatches(version: TreeVersion, range: string | undefined): boolean {
  if (range === undefined || range === '' || range === '*') return true;
  if (range === version.version) return true;
  try {
    return version.ecosystem === 'pypi'
      ? pep440Satisfies(version.version, range)
      : semver.satisfies(version.version, range, { loose: true });
  } catch {
    return false;
  }
}

export function exceptionMatches(
  exception: PolicyException,
  finding: Finding,
  version: TreeVersion,
): boolean {
  if (exception.rule !== finding.rule) return false;
  const spec = parsePackageSpec(exception.package);
  return (
    spec.ecosystem === version.ecosystem &&
    spec.name === normalName(version.ecosystem, version.name) &&
    versionMatches(version, spec.range)
  );
}

/** Whether an exception's last day (UTC) is before `now`'s day. */
export function hasExpired(exception: PolicyException, now: Date): boolean {
  return now.getTime() >= Date.parse(`${exception.expires}T00:00:00Z`) + 24 * 3600 * 1000;
}

/**
 * Whether a licence expression is acceptable: SPDX's AND binds tighter than OR, so it passes when
 * one OR alternative has every AND term acceptable; `X WITH exception` is judged as X. Brackets
 * are read as grouping only as far as that flat reading goes (no full SPDX parser).
 */
export function licenceOk(expression: string, ok: (id: string) => boolean): boolean {
  const flat = expression
    .replace(/[()]/g, ' ')
    .replace(/\s+WITH\s+\S+/gi, ' ')
    .trim();
  if (flat === '') return ok(expression);
  return flat
    .split(/\s+OR\s+/i)
    .some((alternative) => alternative.split(/\s+AND\s+/i).every((id) => ok(id.trim())));
}

function versionFindings(
  v: TreeVersion,
  policy: Policy,
): Omit<Finding, 'key' | 'name' | 'version'>[] {
  const out: Omit<Finding, 'key' | 'name' | 'version'>[] = [];
  const add = (rule: RuleId, message: string): void => {
    out.push({ rule, message });
  };
  const { rules } = policy;
  for (const advisory of v.advisories) {
    if (advisory.malicious) add('malicious', `known malicious (${advisory.id})`);
    else if (rules.advisories?.severity.includes(advisory.severity as never) === true)
      add('advisory', `${advisory.id}, severity ${advisory.severity ?? 'unknown'}`);
  }

  if (rules.trust !== undefined) {
    const value = rules.trust.score === 'own' ? v.ownTrust : v.trust;
    if (value !== undefined && value < rules.trust.min)
      add(
        'trust',
        `${rules.trust.score === 'own' ? 'own trust' : 'trust'} ${value.toFixed(2)}, below ${String(rules.trust.min)}`,
      );
  }
  if (
    rules.installScripts !== undefined &&
    (v.installScripts?.length ?? 0) > 0 &&
    !inScopes(v, rules.installScripts.allow)
  ) {
    const text = v.installScriptText ?? [];
    add(
      'install-script',
      `runs ${(v.installScripts ?? []).join(', ')} at install${text.length > 0 ? ` (${text.join('; ')})` : ''}`,
    );
  }
  if (rules.provenance !== undefined) {
    if (inScopes(v, rules.provenance.require)) {
      if (v.provenance !== true)
        add(
          'provenance',
          `no provenance${v.provenance === undefined ? ' known' : ''}, which the policy requires for ${v.name}`,
        );
      // A build proven from another repository does not prove the one the package names.
      else
        for (const flag of v.flags)
          if (flag.id === 'repository-mismatch')
            add(
              'provenance',
              `provenance from another repository (${flag.evidence}), which the policy does not accept for ${v.name}`,
            );
    }
    if (rules.provenance.noDowngrade)
      for (const flag of v.flags)
        if (flag.id === 'provenance-dropped' || flag.id === 'trusted-publishing-dropped')
          add('provenance', flag.evidence);
  }
  if (rules.newPublishers !== undefined)
    for (const flag of v.flags)
      if (flag.id === 'new-publisher' && rules.newPublishers.severity.includes(flag.severity))
        add('new-publisher', flag.evidence);
  if (rules.busFactor !== undefined && v.busFactor !== undefined && v.reach !== undefined) {
    const { min, reachAbove } = rules.busFactor;
    if (v.busFactor < min && v.reach > reachAbove)
      add(
        'bus-factor',
        `${String(v.busFactor)} ${v.busFactor === 1 ? 'person' : 'people'} can publish it, and ${String(v.reach)} versions depend on it`,
      );
  }
  if (rules.licences !== undefined) {
    const { deny, allow } = rules.licences;
    const licence = v.license;
    if (licence === undefined) {
      if (allow !== undefined)
        add('licence', 'no licence declared, and the policy accepts only listed ones');
    } else if (
      !licenceOk(licence, (id) => !deny.includes(id) && (allow === undefined || allow.includes(id)))
    )
      add(
        'licence',
        `licence ${licence} is ${allow === undefined ? 'refused' : 'not among those accepted'}`,
      );
  }
  if (rules.flags !== undefined) {
    const { severity, ids } = rules.flags;
    for (const flag of v.flags) {
      if (flag.id === 'malicious' || flag.id === 'advisory') continue;
      // Reported once: by the rule of its own when that rule reported this version (the
      // provenance rule reports several flags: only the one it reported is left out).
      const owner = OWNED_FLAGS[flag.id as FlagId];
      const reported = (f: { rule: RuleId; message: string }): boolean =>
        f.rule === owner && (owner !== 'provenance' || f.message.includes(flag.evidence));
      if (owner !== undefined && out.some(reported)) continue;
      if (!severity.includes(flag.severity)) continue;
      if (ids !== undefined && !ids.includes(flag.id as FlagId)) continue;
      add('flag', `${flag.severity} ${flag.id}: ${flag.evidence}`);
    }
  }
  return out;
}

/** Evaluates the policy over each tree; `now` decides which exceptions have expired. */
export function evaluate(trees: readonly Tree[], policy: Policy, now: Date): CheckResult[] {
  const used = new Set<PolicyException>();
  const results = trees.map((tree) => {
    const findings: Finding[] = [];
    const sorted = [...tree.versions.values()].sort((a, b) => a.key.localeCompare(b.key));
    for (const v of sorted) {
      if (v.project) continue;
      for (const f of versionFindings(v, policy)) {
        const finding: Finding = { ...f, key: v.key, name: v.name, version: v.version };
        // One that still holds wins over an expired one (a renewal written below the old entry).
        const matching = policy.exceptions.filter((e) => exceptionMatches(e, finding, v));
        for (const e of matching) used.add(e);
        const holding = matching.find((e) => !hasExpired(e, now));
        if (holding !== undefined) finding.accepted = holding;
        else if (matching[0] !== undefined) finding.expired = matching[0];
        findings.push(finding);
      }
    }
    return {
      root: tree.root,
      asOf: tree.asOf,
      packages: [...tree.versions.values()].filter((v) => !v.project).length,
      people: tree.people.size,
      advisoriesKnown: tree.advisoriesKnown,
      findings,
      unused: [] as PolicyException[],
      passed: findings.every((f) => f.accepted !== undefined),
    };
  });
  const unused = policy.exceptions.filter((e) => !used.has(e));
  for (const result of results) result.unused = unused;
  return results;
}
