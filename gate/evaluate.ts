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
  findings: Finding[];
  /** Exceptions that match no finding of any root checked. */
  unused: PolicyException[];
  passed: boolean;
}

/** Flags a dedicated rule reports, when that rule is in the policy: not reported twice. */
const OWNED_FLAGS: Partial<Record<FlagId, keyof Policy['rules']>> = {
  'new-publisher': 'newPublishers',
  'install-script-added': 'installScripts',
  'provenance-dropped': 'provenance',
  'trusted-publishing-dropped': 'provenance',
};

/** Whether `name` is one of `scopes` (`@scope/*` a whole scope, `*` everything). */
export function inScopes(name: string, scopes: readonly string[]): boolean {
  return scopes.some((s) =>
    s === '*' ? true : s.endsWith('/*') ? name.startsWith(s.slice(0, -1)) : s === name,
  );
}

/** `pkg:npm/%40scope/name@^1.2.0` -> ecosystem, name and the version or range (if any). */
export function parsePackageSpec(spec: string): {
  ecosystem: string;
  name: string;
  range: string | undefined;
} {
  const match = /^pkg:([a-z]+)\/(.+)$/.exec(spec);
  if (match === null) return { ecosystem: '', name: spec, range: undefined };
  let rest = match[2] as string;
  try {
    rest = decodeURIComponent(rest);
  } catch {
    // left as written: it then matches only a name written the same way
  }
  const cut = rest.indexOf('@', 1);
  return {
    ecosystem: match[1] as string,
    name: cut < 0 ? rest : rest.slice(0, cut),
    range: cut < 0 ? undefined : rest.slice(cut + 1),
  };
}

function versionMatches(version: TreeVersion, range: string | undefined): boolean {
  if (range === undefined || range === '' || range === '*') return true;
  if (range === version.version) return true;
  try {
    return version.ecosystem === 'pypi'
      ? pep440Satisfies(version.version, range)
      : semver.satisfies(version.version, range, { includePrerelease: true, loose: true });
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
    spec.name === version.name &&
    versionMatches(version, spec.range)
  );
}

/** Whether an exception's last day (UTC) is before `now`'s day. */
export function hasExpired(exception: PolicyException, now: Date): boolean {
  return now.getTime() >= Date.parse(`${exception.expires}T00:00:00Z`) + 24 * 3600 * 1000;
}

const SPDX_TOKEN = /[A-Za-z0-9][A-Za-z0-9.+-]*/g;

/** Whether a licence expression is acceptable: every term of an AND, any term of an OR. */
function licenceOk(expression: string, ok: (id: string) => boolean): boolean {
  const ids = (expression.match(SPDX_TOKEN) ?? []).filter((t) => !/^(AND|OR|WITH)$/i.test(t));
  if (ids.length === 0) return ok(expression);
  return /\bAND\b/i.test(expression) ? ids.every(ok) : ids.some(ok);
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
  if (rules.flags !== undefined) {
    const { severity, ids } = rules.flags;
    for (const flag of v.flags) {
      if (flag.id === 'malicious' || flag.id === 'advisory') continue;
      const owner = OWNED_FLAGS[flag.id as FlagId];
      if (owner !== undefined && rules[owner] !== undefined) continue;
      if (!severity.includes(flag.severity)) continue;
      if (ids !== undefined && !ids.includes(flag.id as FlagId)) continue;
      add('flag', `${flag.severity} ${flag.id}: ${flag.evidence}`);
    }
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
    !inScopes(v.name, rules.installScripts.allow)
  ) {
    const text = v.installScriptText ?? [];
    add(
      'install-script',
      `runs ${(v.installScripts ?? []).join(', ')} at install${text.length > 0 ? ` (${text.join('; ')})` : ''}`,
    );
  }
  if (rules.provenance !== undefined) {
    if (inScopes(v.name, rules.provenance.require) && v.provenance !== true)
      add(
        'provenance',
        `no provenance${v.provenance === undefined ? ' known' : ''}, which the policy requires for ${v.name}`,
      );
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
        const exception = policy.exceptions.find((e) => exceptionMatches(e, finding, v));
        if (exception !== undefined) {
          used.add(exception);
          if (hasExpired(exception, now)) finding.expired = exception;
          else finding.accepted = exception;
        }
        findings.push(finding);
      }
    }
    return {
      root: tree.root,
      asOf: tree.asOf,
      packages: [...tree.versions.values()].filter((v) => !v.project).length,
      people: tree.people.size,
      findings,
      unused: [] as PolicyException[],
      passed: findings.every((f) => f.accepted !== undefined),
    };
  });
  const unused = policy.exceptions.filter((e) => !used.has(e));
  for (const result of results) result.unused = unused;
  return results;
}
