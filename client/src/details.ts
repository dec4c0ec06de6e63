/**
 * The details panel: the node's name as a heading, its scores with the explanation in words, the
 * people who can publish it, its repository, versions and advisories, and links out; for a
 * repository its contributors, the packages it hosts and its owner; for a person what they
 * maintain, publish and contribute to, and the other identities linked to them with the evidence.
 * Registry text is only ever set as text; links are http(s) only.
 */
import type { Json, Neighbour, NodeDetails } from './api.js';
import { trustColour, trustWords } from './colours.js';
import { fill, h, link, note } from './dom.js';
import { displayName, kindOf, packageOf, score } from './names.js';
import { flagList } from './timeline.js';
import { VERIFICATION_PROPERTIES, verificationSection } from './verification.js';

export interface DetailsActions {
  focus: (key: string) => void;
  useAsRoot: (key: string) => void;
  whatIf: (person: string) => void;
  inGraph: (key: string) => boolean;
}

const SCORES: [string, string][] = [
  ['trust', 'Effective trust'],
  ['ownTrust', 'Own trust'],
  ['exposure', 'Exposure'],
  ['reach', 'Reach (dependents)'],
  ['maintainerReach', 'Maintainer reach'],
  ['busFactor', 'Bus factor'],
  ['fragility', 'Fragility'],
];
const HIDDEN = new Set([
  'key',
  'explanation',
  'scoredAt',
  'stub',
  ...SCORES.map(([k]) => k),
  ...VERIFICATION_PROPERTIES,
]);

function valueText(value: Json): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** Where an identity comes from, in words. */
const SOURCES: [prefix: string, words: string][] = [
  ['person:npm:', 'npm'],
  ['person:pypi:', 'PyPI'],
  ['person:pypi-author:', 'PyPI author'],
  ['person:pypi-maintainer:', 'PyPI maintainer'],
  ['person:github:', 'GitHub'],
  ['person:git:', 'git author'],
];

/** How a key reads: a person with their source (a git author's key is a hash, so by name). */
export function labelOf(key: string, name: string | null | undefined): string {
  const source = SOURCES.find(([prefix]) => key.startsWith(prefix));
  if (source === undefined) return displayName(key);
  const [prefix, words] = source;
  const who =
    prefix === 'person:git:' || prefix.startsWith('person:pypi-')
      ? (name ?? 'unnamed')
      : key.slice(prefix.length);
  return `${who} (${words})`;
}

const EVIDENCE: Record<string, string> = {
  email: 'the same email',
  'commit-email': 'the same email in their commits',
  'github-noreply-email': "GitHub's private commit address of the account",
  'login-and-repository': 'the same login, and maintains a package of a repository they commit to',
};

function keyList(
  keys: readonly string[],
  actions: DetailsActions,
  empty: string,
  extra?: (key: string) => HTMLElement | string | null,
  names?: ReadonlyMap<string, string | null>,
): HTMLElement {
  if (keys.length === 0) return note(empty);
  return h(
    'ul',
    { class: 'keys' },
    ...keys.map((key) => {
      const name = labelOf(key, names?.get(key));
      const item = h('li', {});
      if (actions.inGraph(key)) {
        const button = h('button', { type: 'button', class: 'linkish' }, name);
        button.addEventListener('click', () => {
          actions.focus(key);
        });
        item.append(button);
      } else item.append(h('span', {}, name));
      const more = extra?.(key);
      if (more) item.append(' ', more);
      return item;
    }),
  );
}

const unique = (keys: string[]): string[] => [...new Set(keys)].sort();
const plural = (n: number, word: string): string => `${String(n)} ${word}${n === 1 ? '' : 's'}`;

/** A repository's activity, from its git history or GitHub, in words. */
const ACTIVITY: [string, string][] = [
  ['lastCommitAt', 'Last commit'],
  ['pushedAt', 'Last push'],
  ['commitsLast90Days', 'Commits in 90 days'],
  ['activeContributors12Months', 'Active contributors (12 months)'],
  ['tags', 'Tags'],
  ['releases', 'Releases'],
  ['stars', 'Stars'],
  ['archived', 'Archived'],
];

export function renderDetails(
  host: HTMLElement,
  details: NodeDetails,
  actions: DetailsActions,
): void {
  const p = details.properties;
  const all: Neighbour[] = [...details.neighbours.first, ...(details.package?.neighbours ?? [])];
  const of = (type: string, outgoing: boolean): string[] =>
    unique(all.filter((n) => n.type === type && n.outgoing === outgoing).map((n) => n.key));
  const maintainers = of('MAINTAINS', false);
  const publishers = of('PUBLISHED', false);
  const repos = of('HOSTED_AT', true);
  const versions = of('HAS_VERSION', true);
  const advisories = of('AFFECTED_BY', true);
  const names = new Map(all.map((n) => [n.key, n.name]));
  const isVersion = details.labels.includes('Version');
  const isPerson = details.labels.includes('Person');
  const isRepository = details.labels.includes('Repository');
  const isPackage = isVersion || details.labels.includes('Package');
  const name = isPerson
    ? labelOf(details.key, typeof p.name === 'string' ? p.name : null)
    : typeof p.name === 'string' && !isRepository
      ? p.name
      : displayName(details.key);
  const commits = (n: Neighbour): number =>
    typeof n.properties.commits === 'number' ? n.properties.commits : 0;
  const contributions = all
    .filter((n) => n.type === 'CONTRIBUTES_TO')
    .sort((a, b) => commits(b) - commits(a) || a.key.localeCompare(b.key));
  const commitsOf = new Map(contributions.map((n) => [n.key, n]));
  const commitWords = (key: string): string | null => {
    const n = commitsOf.get(key);
    if (n === undefined) return null;
    const year = n.properties.commitsLast12Months;
    return `${plural(commits(n), 'commit')}${typeof year === 'number' ? `, ${String(year)} in the last 12 months` : ''}`;
  };
  const identities = new Map(
    all.filter((n) => n.type === 'SAME_AS').map((n) => [n.key, n.properties] as const),
  );
  const evidenceWords = (key: string): string | null => {
    const found = identities.get(key);
    if (found === undefined) return null;
    const evidence = typeof found.evidence === 'string' ? found.evidence : '';
    const confidence =
      typeof found.confidence === 'number' ? `, confidence ${String(found.confidence)}` : '';
    return `(${EVIDENCE[evidence] ?? evidence}${confidence})`;
  };
  const contributorCount = details.neighbours.byType.CONTRIBUTES_TO?.incoming ?? 0;

  const heading = h(
    'h2',
    { id: 'details-heading' },
    isVersion && typeof p.name === 'string' && typeof p.version === 'string'
      ? `${p.name}@${p.version}`
      : isVersion
        ? displayName(details.key)
        : name,
  );
  const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
  swatch.style.background = trustColour(p.trust);

  const actionsRow = h('div', { class: 'actions' });
  if (actions.inGraph(details.key)) {
    const show = h('button', { type: 'button' }, 'Show in graph');
    show.addEventListener('click', () => {
      actions.focus(details.key);
    });
    actionsRow.append(show);
  }
  if (isVersion || details.labels.includes('Package')) {
    const root = h('button', { type: 'button' }, 'Explore as root');
    root.addEventListener('click', () => {
      actions.useAsRoot(details.key);
    });
    actionsRow.append(root);
  }
  if (isPerson) {
    const what = h('button', { type: 'button' }, 'What if this account were compromised?');
    what.addEventListener('click', () => {
      actions.whatIf(details.key);
    });
    actionsRow.append(what);
  }

  // The engine counts an unknown set of publishers as one (the cautious case); say it is unknown.
  const explanation = details.explanation;
  const chokepoint =
    typeof explanation === 'object' && explanation !== null && !Array.isArray(explanation)
      ? explanation.chokepoint
      : undefined;
  const busFactorUnknown =
    typeof chokepoint === 'object' &&
    chokepoint !== null &&
    !Array.isArray(chokepoint) &&
    chokepoint.busFactorSource === 'unknown';
  const scores = h(
    'dl',
    { class: 'scores' },
    ...SCORES.filter(([k]) => p[k] !== undefined && p[k] !== null).flatMap(([k, words]) => [
      h('dt', {}, words),
      h(
        'dd',
        {},
        k === 'busFactor' && busFactorUnknown
          ? 'unknown (the registry did not say)'
          : k === 'reach' || k === 'busFactor' || k === 'maintainerReach'
            ? valueText(p[k] ?? null)
            : score(p[k]),
      ),
    ]),
  );

  const links: HTMLElement[] = [];
  const pkgKey = isVersion ? packageOf(details.key) : details.key;
  if (pkgKey.startsWith('pkg:npm/'))
    links.push(link(`https://www.npmjs.com/package/${displayName(pkgKey)}`, 'npm'));
  if (pkgKey.startsWith('pkg:pypi/'))
    links.push(link(`https://pypi.org/project/${displayName(pkgKey)}/`, 'PyPI'));
  for (const repo of [...repos, ...(details.key.startsWith('repo:') ? [details.key] : [])]) {
    const path = repo.slice('repo:'.length);
    if (path.startsWith('github.com/')) links.push(link(`https://${path}`, 'GitHub'));
    else links.push(link(`https://${path}`, path));
  }
  if (typeof p.url === 'string') links.push(link(p.url, 'home page'));
  if (details.key.startsWith('person:npm:'))
    links.push(link(`https://www.npmjs.com/~${displayName(details.key)}`, 'npm profile'));
  if (details.key.startsWith('person:pypi:'))
    links.push(
      link(`https://pypi.org/user/${details.key.slice('person:pypi:'.length)}/`, 'PyPI profile'),
    );
  if (details.key.startsWith('person:github:'))
    links.push(
      link(`https://github.com/${details.key.slice('person:github:'.length)}`, 'GitHub profile'),
    );

  const rest = Object.entries(p).filter(([k, v]) => !HIDDEN.has(k) && v !== null);

  fill(
    host,
    h('p', { class: 'kind' }, swatch, `${kindOf(details.labels)} · trust ${trustWords(p.trust)}`),
    heading,
    h('p', { class: 'key' }, details.key),
    actionsRow,
    typeof p.description === 'string' ? h('p', { class: 'description' }, p.description) : null,
    p.malicious === true ? note('An advisory marks this package as malicious.', 'error') : null,
    details.flags.length > 0 ? h('h3', {}, `Change flags (${String(details.flags.length)})`) : null,
    details.flags.length > 0 ? flagList(details.flags) : null,
    isPackage ? h('section', { class: 'timeline', 'aria-label': 'Version timeline' }) : null,
    h('h3', {}, 'Scores'),
    scores.childElementCount > 0
      ? scores
      : note('Not scored yet: run trustmap score, or ingest again.'),
    details.explanationText === null
      ? null
      : h('p', { class: 'explanation' }, `In words: ${details.explanationText}.`),
    ...(isVersion ? verificationSection(p) : []),
    isPackage ? h('h3', {}, 'Maintainers') : null,
    isPackage
      ? keyList(maintainers, actions, 'The registry names no maintainers.', undefined, names)
      : null,
    isPackage && publishers.length > 0 ? h('h3', {}, 'Publishers') : null,
    isPackage && publishers.length > 0 ? keyList(publishers, actions, '', undefined, names) : null,
    isPerson ? h('h3', {}, 'Maintains') : null,
    isPerson ? keyList(of('MAINTAINS', true), actions, 'No packages.') : null,
    isPerson ? h('h3', {}, 'Published') : null,
    isPerson ? keyList(of('PUBLISHED', true), actions, 'No versions published.') : null,
    isPerson && contributions.length > 0 ? h('h3', {}, 'Contributes to') : null,
    isPerson && contributions.length > 0
      ? keyList(
          contributions.map((n) => n.key),
          actions,
          '',
          commitWords,
        )
      : null,
    isPerson ? h('h3', {}, 'Also known as') : null,
    isPerson
      ? keyList(
          [...identities.keys()].sort(),
          actions,
          'No other identity is linked to this one.',
          evidenceWords,
          names,
        )
      : null,
    isRepository ? h('h3', {}, 'Activity') : null,
    isRepository ? activity(p) : null,
    isRepository ? h('h3', {}, `Contributors (${String(contributorCount)})`) : null,
    isRepository
      ? keyList(
          contributions.map((n) => n.key),
          actions,
          'Not read yet: run trustmap repos (or ingest without --no-repos).',
          commitWords,
          names,
        )
      : null,
    isRepository ? h('h3', {}, 'Hosts') : null,
    isRepository ? keyList(of('HOSTED_AT', false), actions, 'No package in the graph.') : null,
    isRepository && of('OWNED_BY', true).length > 0 ? h('h3', {}, 'Owner') : null,
    isRepository && of('OWNED_BY', true).length > 0
      ? keyList(of('OWNED_BY', true), actions, '')
      : null,
    repos.length > 0 ? h('h3', {}, 'Repository') : null,
    repos.length > 0 ? keyList(repos, actions, '') : null,
    versions.length > 0 ? h('h3', {}, `Versions (${versions.length})`) : null,
    versions.length > 0 ? keyList(versions.slice(-30).reverse(), actions, '') : null,
    isPackage ? h('h3', {}, 'Advisories') : null,
    isPackage
      ? keyList(advisories, actions, 'No known advisories.', (key) =>
          key.startsWith('osv:')
            ? link(`https://osv.dev/vulnerability/${encodeURIComponent(key.slice(4))}`, 'OSV')
            : null,
        )
      : null,
    links.length > 0 ? h('h3', {}, 'Links') : null,
    links.length > 0
      ? h('p', { class: 'links' }, ...links.flatMap((l, i) => (i === 0 ? [l] : [' · ', l])))
      : null,
    rest.length > 0
      ? h(
          'details',
          {},
          h('summary', {}, 'All properties'),
          h(
            'dl',
            { class: 'props' },
            ...rest.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, valueText(v))]),
          ),
        )
      : null,
  );
}

export function detailsEmpty(host: HTMLElement, message: string, error = false): void {
  fill(host, h('h2', {}, 'Details'), note(message, error ? 'error' : 'empty'));
}

function activity(p: Record<string, Json>): HTMLElement {
  const known = ACTIVITY.filter(([k]) => p[k] !== undefined && p[k] !== null);
  if (known.length === 0)
    return note('Not read yet: run trustmap repos (or ingest without --no-repos).');
  return h(
    'dl',
    { class: 'scores' },
    ...known.flatMap(([k, words]) => {
      const value = p[k] ?? null;
      const text =
        typeof value === 'boolean'
          ? value
            ? 'yes'
            : 'no'
          : typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value)
            ? value.slice(0, 10)
            : valueText(value);
      return [h('dt', {}, words), h('dd', {}, text)];
    }),
  );
}
