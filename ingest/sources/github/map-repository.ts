/**
 * Pure mapping of what GitHub's API says about one repository to graph records: the repository
 * (archived, last push, stars, default branch, tags, releases, activity and bus factor), its
 * contributors with their commit counts, its owner when that is an organisation, and the tag
 * overlap of each package hosted there. Typed documents in (github-documents.ts), records out;
 * nothing is fetched here.
 */
import { forgeOrgKey, githubPersonKey } from '../../identity.js';
import { GraphRecords } from '../../records.js';
import { recordTagOverlap, type RepositoryContext } from '../../repositories.js';
import { fewestCoveringHalf } from '../git/git-history.js';
import {
  isGitHubLogin,
  type GitHubContributor,
  type GitHubContributorStatistics,
  type GitHubOrganisation,
  type GitHubRelease,
  type GitHubRepository,
} from './github-documents.js';

/** The answers read for one repository. */
export interface GitHubRepositoryDocuments {
  repository: GitHubRepository;
  contributors: readonly GitHubContributor[];
  /** Undefined when GitHub had no statistics to give. */
  statistics: readonly GitHubContributorStatistics[] | undefined;
  tags: readonly string[];
  releases: readonly GitHubRelease[];
  /**
   * The owner, when the repository says it is an organisation: its login (see
   * `organisationLogin`) and its account (undefined when GitHub had none).
   */
  organisation?: { login: string; account: GitHubOrganisation | undefined } | undefined;
}

/**
 * The login of the organisation owning a repository, when it is one and the login is a GitHub
 * login (it goes into the path of `/orgs/<login>`); `owner` is from the repository's key.
 */
export function organisationLogin(repository: GitHubRepository, owner: string): string | undefined {
  if (repository.organisation === undefined) return undefined;
  const login = repository.organisation.login ?? owner;
  return isGitHubLogin(login) ? login : undefined;
}

/**
 * The records of one repository (`repo:github.com/<owner>/<name>`), read `now`; `context` is what
 * the graph holds (the packages hosted there and their versions, for the tag overlap).
 */
export function mapGitHubRepository(
  key: string,
  documents: GitHubRepositoryDocuments,
  context: RepositoryContext,
  now: Date,
): GraphRecords {
  const records = new GraphRecords();
  const activity =
    documents.statistics === undefined ? undefined : weeklyActivity(documents.statistics, now);
  // The contributors list (all-time commits, up to 500 people) and the statistics (weekly
  // commits of the top 100 authors) together: one entry per account.
  const byLogin = new Map<string, { name: string; commits?: number; last12?: number }>();
  for (const person of documents.contributors) {
    if (person.bot) continue;
    byLogin.set(person.login.toLowerCase(), {
      name: person.login,
      ...(person.contributions === undefined ? {} : { commits: person.contributions }),
    });
  }
  for (const [login, author] of activity?.authors ?? []) {
    const entry = byLogin.get(login.toLowerCase()) ?? { name: login, commits: author.total };
    byLogin.set(login.toLowerCase(), { ...entry, last12: author.last12 });
  }
  for (const [login, entry] of byLogin) {
    const personKey = githubPersonKey(login);
    records.node('Person', personKey, { name: entry.name });
    records.relationship('CONTRIBUTES_TO', personKey, key, {
      commits: entry.commits ?? null,
      ...(entry.last12 === undefined ? {} : { commitsLast12Months: entry.last12 }),
    });
  }
  const entries = [...byLogin.values()];
  const lastYear = fewestCoveringHalf(entries.map((e) => e.last12 ?? 0));
  const published = documents.releases
    .map((r) => r.publishedAt)
    .filter((d): d is string => d !== undefined)
    .sort();
  const { repository } = documents;
  records.node('Repository', key, {
    archived: repository.archived,
    pushedAt: repository.pushedAt ?? null,
    stars: repository.stars ?? null,
    defaultBranch: repository.defaultBranch ?? null,
    contributors: byLogin.size,
    // From the last 12 months' commits when GitHub's statistics have them (as from git
    // history), else from all-time contributions.
    // (None when the statistics show no commit in 12 months, as git history says.)
    busFactor:
      activity === undefined
        ? (fewestCoveringHalf(entries.map((e) => e.commits ?? 0)) ?? null)
        : (lastYear ?? null),
    ...(activity === undefined
      ? {}
      : {
          commitsLast90Days: activity.commitsLast90Days,
          activeContributors12Months: entries.filter((e) => (e.last12 ?? 0) > 0).length,
          // The trust engine reads activity from repositories whose history was read.
          historyReadAt: now.toISOString(),
          historySource: 'github-statistics',
        }),
    tags: documents.tags.length,
    releases: documents.releases.length,
    lastReleaseAt: published.at(-1) ?? null,
    githubReadAt: now.toISOString(),
  });
  const { organisation } = documents;
  if (organisation !== undefined) {
    const orgKey = forgeOrgKey('github', organisation.login);
    records.node('Organisation', orgKey, {
      name: organisation.account?.name ?? organisation.login,
      kind: 'github',
      verified: organisation.account?.verified === true,
    });
    records.relationship('OWNED_BY', key, orgKey);
  }
  recordTagOverlap(records, context, key, documents.tags);
  return records;
}

const DAY = 24 * 3600 * 1000;

/**
 * GitHub's contributor statistics as commits in the last 90 days and each author's commits in
 * the last 12 months and all-time.
 */
function weeklyActivity(
  statistics: readonly GitHubContributorStatistics[],
  now: Date,
): { commitsLast90Days: number; authors: Map<string, { total: number; last12: number }> } {
  const authors = new Map<string, { total: number; last12: number }>();
  let commitsLast90Days = 0;
  for (const entry of statistics) {
    let last12 = 0;
    for (const { start, commits } of entry.weeks) {
      if (commits <= 0) continue;
      const age = now.getTime() - start * 1000;
      if (age < 0) continue;
      if (age <= 365 * DAY) last12 += commits;
      if (age <= 90 * DAY) commitsLast90Days += commits;
    }
    // Every commit counts towards the repository's activity (as in git history); people are the
    // authors GitHub knows as accounts, bots left out.
    if (entry.login !== undefined && !entry.bot)
      authors.set(entry.login, { total: entry.total ?? 0, last12 });
  }
  return { commitsLast90Days, authors };
}
