/**
 * The parts of GitHub's REST answers trustmap reads, taken from untrusted documents: fields of the
 * wrong type are treated as absent, strings and lists are capped, and no key of a document is ever
 * used to index an object we own (so `__proto__` and friends are plain data). Reading never
 * throws: what cannot be read is absent.
 */
import { arrayItems, isRecord, own } from '../../untrusted.js';

/** A login GitHub could have given an account (letters, digits, hyphens; at most 39). */
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;

export const isGitHubLogin = (login: string): boolean => LOGIN.test(login);

const validLogin = (login: string | undefined): string | undefined =>
  login !== undefined && isGitHubLogin(login) ? login : undefined;

const str = (v: unknown, max = 500): string | undefined =>
  typeof v === 'string' ? v.slice(0, max) : undefined;
const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

/** `GET /repos/{owner}/{name}`. */
export interface GitHubRepository {
  archived: boolean;
  pushedAt: string | undefined;
  stars: number | undefined;
  defaultBranch: string | undefined;
  /** The owner's login as the document gives it, when the owner is an organisation. */
  organisation: { login: string | undefined } | undefined;
}

/** `GET /repos/{owner}/{name}/contributors`: one entry per account the list names. */
export interface GitHubContributor {
  /** A valid GitHub login. */
  login: string;
  bot: boolean;
  /** All-time commits. */
  contributions: number | undefined;
}

/** `GET /repos/{owner}/{name}/stats/contributors`: one author's commits per week. */
export interface GitHubContributorStatistics {
  /** The author's account, when GitHub knows one with a valid login. */
  login: string | undefined;
  bot: boolean;
  total: number | undefined;
  /** Weeks with a start (Unix seconds) and a number of commits. */
  weeks: { start: number; commits: number }[];
}

/** `GET /orgs/{login}` (or `/users/{login}`). */
export interface GitHubOrganisation {
  name: string | undefined;
  verified: boolean;
}

/** `GET /repos/{owner}/{name}/releases`: one entry per item of the list, read or not. */
export interface GitHubRelease {
  publishedAt: string | undefined;
}

/** A repository; undefined when the answer is not one (a 404 has no body). */
export function readRepository(document: unknown): GitHubRepository | undefined {
  if (!isRecord(document)) return undefined;
  const owner = own(document, 'owner');
  return {
    archived: own(document, 'archived') === true,
    pushedAt: str(own(document, 'pushed_at'), 40),
    stars: num(own(document, 'stargazers_count')),
    defaultBranch: str(own(document, 'default_branch'), 200),
    organisation:
      isRecord(owner) && own(owner, 'type') === 'Organization'
        ? { login: validLogin(str(own(owner, 'login'), 100)) }
        : undefined,
  };
}

/** The contributors list, without entries that name no valid account. */
export function readContributors(items: readonly unknown[]): GitHubContributor[] {
  const out: GitHubContributor[] = [];
  for (const item of items) {
    if (!isRecord(item)) continue;
    const login = str(own(item, 'login'), 100);
    if (login === undefined || !isGitHubLogin(login)) continue;
    out.push({
      login,
      bot: own(item, 'type') === 'Bot',
      contributions: num(own(item, 'contributions')),
    });
  }
  return out;
}

/**
 * The contributor statistics (up to 1,000 authors of up to 5,000 weeks each); undefined when the
 * answer is no list (GitHub never finished computing them, or the repository is empty).
 */
export function readContributorStatistics(
  document: unknown,
): GitHubContributorStatistics[] | undefined {
  if (!Array.isArray(document)) return undefined;
  const out: GitHubContributorStatistics[] = [];
  for (const entry of (document as unknown[]).slice(0, 1000)) {
    if (!isRecord(entry)) continue;
    const author = own(entry, 'author');
    const login = isRecord(author) ? str(own(author, 'login'), 100) : undefined;
    const weeks: { start: number; commits: number }[] = [];
    const rawWeeks = own(entry, 'weeks');
    for (const week of arrayItems(rawWeeks, 5000) ?? []) {
      if (!isRecord(week)) continue;
      const start = num(own(week, 'w'));
      const commits = num(own(week, 'c'));
      if (start !== undefined && commits !== undefined) weeks.push({ start, commits });
    }
    out.push({
      login: login !== undefined && isGitHubLogin(login) ? login : undefined,
      bot: isRecord(author) && own(author, 'type') === 'Bot',
      total: num(own(entry, 'total')),
      weeks,
    });
  }
  return out;
}

/** An organisation (or user) account; undefined when the answer is not one. */
export function readOrganisation(document: unknown): GitHubOrganisation | undefined {
  if (!isRecord(document)) return undefined;
  return { name: str(own(document, 'name'), 200), verified: own(document, 'is_verified') === true };
}

/** The names of the tags list. */
export function readTags(items: readonly unknown[]): string[] {
  return items
    .map((t) => (isRecord(t) ? str(own(t, 'name'), 200) : undefined))
    .filter((t): t is string => t !== undefined);
}

/** The releases list: every item counts as a release; its publication time when it has one. */
export function readReleases(items: readonly unknown[]): GitHubRelease[] {
  return items.map((r) => ({
    publishedAt: isRecord(r) ? str(own(r, 'published_at'), 40) : undefined,
  }));
}
