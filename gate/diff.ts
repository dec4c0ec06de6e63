/**
 * Two installed trees compared in people terms (`trustmap diff`): packages added, removed and
 * changed (with the size of each version jump), the people who can now publish into the tree
 * and could not before (new accounts called out), new install scripts, provenance gained or lost,
 * new flags and advisories, and trust deltas; then one list in the order a reviewer should read
 * it. Pure: two trees in, a diff out.
 */
import semver from 'semver';
import { FLAG_PARAMS } from '../trust/flag-params.js';
import type {
  DiffChanged as Changed,
  DiffPerson as PersonChange,
  DiffReviewItem as ReviewItem,
  TreeDiffAnswer as TreeDiff,
} from '../shared/wire-types.js';
import { canPublish, type PersonFacts, type Tree, type TreeVersion } from './tree.js';

export type { Changed, PersonChange, ReviewItem, TreeDiff };

const DAY_MS = 24 * 3600 * 1000;

function jumpOf(from: string, to: string): Changed['jump'] {
  if (semver.valid(from) === null || semver.valid(to) === null) return 'other';
  if (semver.lt(to, from)) return 'downgrade';
  const kind = semver.diff(from, to);
  if (kind === 'major' || kind === 'premajor') return 'major';
  if (kind === 'minor' || kind === 'preminor') return 'minor';
  if (kind === 'patch' || kind === 'prepatch') return 'patch';
  return 'prerelease';
}

/** Registry package (`pkg`) -> its versions in the tree, registry versions only. */
function byPackage(tree: Tree): Map<string, TreeVersion[]> {
  const out = new Map<string, TreeVersion[]>();
  for (const v of tree.versions.values()) {
    if (v.project) continue;
    const list = out.get(v.pkg);
    if (list === undefined) out.set(v.pkg, [v]);
    else list.push(v);
  }
  return out;
}

/** Person key -> the package names of the tree they can publish. */
function publishers(tree: Tree): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const v of tree.versions.values()) {
    if (v.project) continue;
    for (const p of canPublish(v)) {
      const set = out.get(p) ?? new Set<string>();
      set.add(v.name);
      out.set(p, set);
    }
  }
  return out;
}

function personChange(
  person: PersonFacts | undefined,
  key: string,
  packages: Set<string>,
  asOf: number,
): PersonChange {
  const first = person?.firstRelease === undefined ? NaN : Date.parse(person.firstRelease);
  const days = Number.isNaN(first) ? undefined : Math.floor((asOf - first) / DAY_MS);
  return {
    key,
    name: person?.name ?? key.replace(/^person:[a-z-]+:/, ''),
    packages: [...packages].sort(),
    accountDays: days,
    newAccount: days !== undefined && days * DAY_MS < FLAG_PARAMS.establishedMs,
    trust: person?.trust,
  };
}

export function diffTrees(base: Tree, head: Tree): TreeDiff {
  const asOf = Date.parse(head.asOf ?? '') || Date.now();
  const basePackages = byPackage(base);
  const headPackages = byPackage(head);
  const added: string[] = [];
  const removed: string[] = [];
  const changed: Changed[] = [];
  const provenance: TreeDiff['provenance'] = [];
  const trust: TreeDiff['trust'] = [];
  for (const [pkg, versions] of headPackages) {
    const before = basePackages.get(pkg);
    if (before === undefined) {
      for (const v of versions) added.push(v.key);
      continue;
    }
    const had = new Set(before.map((v) => v.version));
    const has = new Set(versions.map((v) => v.version));
    const newer = versions.filter((v) => !had.has(v.version));
    const older = before.filter((v) => !has.has(v.version));
    // One version for another is a change; any other difference adds or removes versions.
    if (newer.length === 1 && older.length === 1) {
      const [from, to] = [older[0] as TreeVersion, newer[0] as TreeVersion];
      changed.push({
        name: to.name,
        from: from.version,
        to: to.version,
        jump: jumpOf(from.version, to.version),
      });
      if (from.provenance === true && to.provenance === false)
        provenance.push({ name: to.name, from: from.version, to: to.version, change: 'lost' });
      if (from.provenance === false && to.provenance === true)
        provenance.push({ name: to.name, from: from.version, to: to.version, change: 'gained' });
      if (from.trust !== undefined && to.trust !== undefined && from.trust !== to.trust)
        trust.push({
          name: to.name,
          from: from.version,
          to: to.version,
          before: from.trust,
          after: to.trust,
          delta: to.trust - from.trust,
        });
    } else {
      for (const v of newer) added.push(v.key);
      for (const v of older) removed.push(v.key);
    }
  }
  for (const [pkg, versions] of basePackages)
    if (!headPackages.has(pkg)) for (const v of versions) removed.push(v.key);

  const baseKeys = new Set(base.versions.keys());
  const fresh = [...head.versions.values()].filter((v) => !v.project && !baseKeys.has(v.key));
  // A script is new when no base version of its package ran it: a new name, or a new body.
  const scripts = (v: TreeVersion): string[] =>
    v.installScriptText !== undefined && v.installScriptText.length > 0
      ? v.installScriptText
      : (v.installScripts ?? []);
  const installScripts = fresh.flatMap((v) => {
    const before = new Set((basePackages.get(v.pkg) ?? []).flatMap(scripts));
    const added = scripts(v).filter((s) => !before.has(s));
    if (added.length === 0) return [];
    const names = [...new Set(added.map((s) => s.split(':')[0] as string))];
    return [{ key: v.key, scripts: names, text: added.filter((s) => s.includes(':')) }];
  });
  const flags = fresh.flatMap((v) => v.flags.map((flag) => ({ key: v.key, flag })));
  const advisories = fresh.flatMap((v) =>
    v.advisories.map((advisory) => ({ key: v.key, advisory })),
  );

  const before = publishers(base);
  const after = publishers(head);
  const peopleAdded = [...after]
    .filter(([p]) => !before.has(p))
    .map(([p, packages]) => personChange(head.people.get(p), p, packages, asOf));
  const peopleRemoved = [...before]
    .filter(([p]) => !after.has(p))
    .map(([p, packages]) => personChange(base.people.get(p), p, packages, asOf));

  const diff: TreeDiff = {
    base: base.root,
    head: head.root,
    asOf: head.asOf,
    added: added.sort(),
    removed: removed.sort(),
    changed: changed.sort((a, b) => a.name.localeCompare(b.name)),
    peopleAdded: peopleAdded.sort(
      (a, b) => Number(b.newAccount) - Number(a.newAccount) || a.name.localeCompare(b.name),
    ),
    peopleRemoved: peopleRemoved.sort((a, b) => a.name.localeCompare(b.name)),
    installScripts: installScripts.sort((a, b) => a.key.localeCompare(b.key)),
    provenance: provenance.sort((a, b) => a.name.localeCompare(b.name)),
    flags: flags.sort(
      (a, b) =>
        FLAG_PARAMS.rank[b.flag.severity] - FLAG_PARAMS.rank[a.flag.severity] ||
        a.key.localeCompare(b.key),
    ),
    advisories,
    trust: trust.sort((a, b) => a.delta - b.delta),
    review: [],
  };
  diff.review = reviewOrder(diff);
  return diff;
}

const bare = (key: string): string => key.replace(/^pkg:[a-z]+\//, '').replace(/^%40/, '@');

/** What a reviewer should look at, most urgent first. */
function reviewOrder(diff: TreeDiff): ReviewItem[] {
  const items: ReviewItem[] = [];
  for (const { key, advisory } of diff.advisories)
    items.push({
      rank: advisory.malicious ? 0 : 5,
      kind: advisory.malicious ? 'malicious' : 'advisory',
      subject: bare(key),
      text: advisory.malicious
        ? `known malicious (${advisory.id})`
        : `${advisory.id}, severity ${advisory.severity ?? 'unknown'}`,
    });
  for (const p of diff.peopleAdded)
    items.push({
      rank: p.newAccount ? 1 : 6,
      kind: p.newAccount ? 'new-account' : 'new-person',
      subject: p.name,
      text: `can now publish ${p.packages.join(', ')} into the tree${p.accountDays === undefined ? '' : `; first release in the graph ${String(p.accountDays)} days ago`}${p.newAccount ? ' (a new account)' : ''}`,
    });
  for (const { key, flag } of diff.flags)
    if (flag.id !== 'malicious' && flag.id !== 'advisory')
      items.push({
        rank: flag.severity === 'high' ? 2 : 7,
        kind: 'flag',
        subject: bare(key),
        text: `${flag.severity} ${flag.id}: ${flag.evidence}`,
      });
  for (const s of diff.installScripts)
    items.push({
      rank: 3,
      kind: 'install-script',
      subject: bare(s.key),
      text: `runs ${s.scripts.join(', ')} at install${s.text.length > 0 ? ` (${s.text.join('; ')})` : ''}`,
    });
  for (const p of diff.provenance)
    items.push({
      rank: p.change === 'lost' ? 4 : 9,
      kind: p.change === 'lost' ? 'provenance-lost' : 'provenance-gained',
      subject: p.name,
      text: `${p.from} -> ${p.to}: provenance ${p.change}`,
    });
  for (const t of diff.trust)
    if (t.delta <= -0.05)
      items.push({
        rank: 8,
        kind: 'trust-drop',
        subject: t.name,
        text: `${t.from} -> ${t.to}: trust ${t.before.toFixed(2)} -> ${t.after.toFixed(2)}`,
      });
  for (const p of diff.peopleRemoved)
    items.push({
      rank: 10,
      kind: 'person-gone',
      subject: p.name,
      text: `can no longer publish into the tree`,
    });
  return items.sort((a, b) => a.rank - b.rank || a.subject.localeCompare(b.subject));
}

/** The `--fail-on` rules of `diff`, and whether the diff breaks one. */
export const DIFF_RULES = [
  'malicious',
  'new-account',
  'new-person',
  'flag',
  'install-script',
  'provenance-lost',
  'advisory',
] as const;
export type DiffRule = (typeof DIFF_RULES)[number];

export function diffFails(diff: TreeDiff, rules: readonly DiffRule[]): ReviewItem[] {
  return diff.review.filter((item) => {
    if (item.kind === 'flag') return rules.includes('flag') && item.rank === 2;
    if (item.kind === 'new-account')
      return rules.includes('new-account') || rules.includes('new-person');
    return (rules as readonly string[]).includes(item.kind);
  });
}
