/**
 * A repository's history without a token: a bare, blobless clone (`--filter=blob:none`) kept in a
 * cache folder and fetched again on later runs, then `git log` and the tags. Git runs without a
 * shell, with prompts off, and only on http(s), git or file URLs: repository URLs come from
 * registries and are hostile.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import ipaddr from 'ipaddr.js';
import { GitError, InvalidInputError, type GitFailureKind } from '../../../core/errors.js';
import { emailHash } from '../../identity.js';

const run = promisify(execFile);

export interface Contributor {
  /** sha256 of the lower-cased author email: emails are never stored. */
  emailHash: string;
  name: string;
  commits: number;
  commitsLast12Months: number;
  lastCommitAt: string;
  /**
   * The GitHub account behind a `<id>+<login>@users.noreply.github.com` address: GitHub gives
   * that address to one account only, so it links the author to the account (identities.ts).
   */
  githubLogin?: string;
}

export interface RepositoryHistory {
  commits: number;
  commitsLast90Days: number;
  lastCommitAt: string | undefined;
  contributors: Contributor[];
  tags: string[];
}

const MAX_COMMITS = 50_000;
/** GitHub's private commit addresses: `<login>@` (old) or `<id>+<login>@users.noreply.github.com`. */
const NOREPLY = /^(?:\d+\+)?([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))@users\.noreply\.github\.com$/i;
const DAY = 24 * 3600 * 1000;

/** Runs git safely; a failure is a GitError classified by its `kind` (exported for its tests). */
export function runGit(
  args: string[],
  options: { cwd?: string; timeoutMs: number },
): Promise<string> {
  // No prompt for credentials (an askpass that answers nothing), no credential helpers, and no
  // ext:: transport, whatever the user's git configuration says.
  const safe = [
    '-c',
    'core.askPass=true',
    '-c',
    'credential.helper=',
    '-c',
    'protocol.ext.allow=never',
  ];
  return run('git', [...safe, ...args], {
    cwd: options.cwd,
    timeout: options.timeoutMs,
    maxBuffer: 256 * 2 ** 20,
  }).then(
    (result) => result.stdout,
    (error: unknown) => {
      throw gitFailure(args, options.timeoutMs, error);
    },
  );
}

/**
 * What git said when it failed, read once here: git's exit status is 128 for every fatal error,
 * so its stderr is all there is to tell a host that did not answer from a repository that is not
 * there. Nothing above this function reads git's text: it branches on the GitError's `kind`.
 */
const HOST_DOWN =
  /Could not resolve host|Failed to connect|Connection (refused|timed out|reset)|Operation timed out|transport '[^']*' not allowed|SSL|gnutls|returned error: 5\d\d|RPC failed|early EOF/i;
const NO_REVISION = /does not have any commits|unknown revision|bad revision/;

function gitFailure(args: readonly string[], timeoutMs: number, error: unknown): GitError {
  const failed = error as { stderr?: unknown; killed?: boolean; message?: unknown };
  const stderr = typeof failed.stderr === 'string' ? failed.stderr : '';
  // What git said (its last line: `fatal: ...`), not the command line Node reports first.
  const said = stderr.trim().split('\n').at(-1) ?? '';
  const kind: GitFailureKind =
    failed.killed === true
      ? 'timeout'
      : HOST_DOWN.test(stderr)
        ? 'host'
        : NO_REVISION.test(stderr)
          ? 'no-revision'
          : 'repository';
  const why =
    kind === 'timeout'
      ? `timed out after ${Math.round(timeoutMs / 1000)} s`
      : said !== ''
        ? said.slice(0, 300)
        : String(failed.message ?? error).split('\n')[0];
  const command = args.find((a, i) => !a.startsWith('-') && args[i - 1] !== '--git-dir');
  return new GitError(kind, `git ${command ?? ''} failed: ${why ?? ''}`, { cause: error });
}

/**
 * Refuses URLs git should not be pointed at: `ext::` and other transports, options, and hosts a
 * registry document should not make this machine contact (localhost, loopback, private and
 * link-local addresses, such as a cloud's metadata service).
 */
export function assertCloneUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidInputError(`${url.slice(0, 200)} is not a URL git may clone`);
  }
  if (!['https:', 'http:', 'git:', 'file:'].includes(parsed.protocol))
    throw new InvalidInputError(`${parsed.protocol} URLs are not cloned (${url.slice(0, 200)})`);
  if (parsed.protocol === 'file:') return;
  const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const internal =
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    (ipaddr.isValid(host) && ipaddr.process(host).range() !== 'unicast');
  if (internal)
    throw new InvalidInputError(`${host.slice(0, 100)} is not a public host: not cloned`);
}

/** Clones `url` bare and blobless into `cacheDir` (or fetches it again); returns the git dir. */
export async function syncRepository(
  url: string,
  cacheDir: string,
  timeoutMs = 300_000,
): Promise<string> {
  assertCloneUrl(url);
  const dir = path.join(
    cacheDir,
    `${createHash('sha256').update(url).digest('hex').slice(0, 24)}.git`,
  );
  if (fs.existsSync(path.join(dir, 'HEAD'))) {
    await runGit(
      [
        '--git-dir',
        dir,
        'fetch',
        '--quiet',
        '--prune',
        '--tags',
        'origin',
        '+refs/heads/*:refs/heads/*',
      ],
      {
        timeoutMs,
      },
    );
    return dir;
  }
  fs.mkdirSync(cacheDir, { recursive: true });
  const partial = `${dir}.partial-${process.pid}`;
  fs.rmSync(partial, { recursive: true, force: true });
  await runGit(
    ['clone', '--quiet', '--bare', '--filter=blob:none', '--no-tags', '--', url, partial],
    {
      timeoutMs,
    },
  );
  // The branches and tags by name: a bare clone has no fetch refspec, and a bare `fetch` asks for
  // the remote's HEAD, which a repository may not have.
  await runGit(
    ['--git-dir', partial, 'fetch', '--quiet', '--tags', 'origin', '+refs/heads/*:refs/heads/*'],
    { timeoutMs },
  );
  fs.renameSync(partial, dir);
  return dir;
}

/** Contributors, activity and tags from a (bare) repository. */
export async function readHistory(
  gitDir: string,
  now = new Date(),
  timeoutMs = 120_000,
): Promise<RepositoryHistory> {
  const logOf = (revision: string): Promise<string> =>
    runGit(
      [
        '--git-dir',
        gitDir,
        'log',
        '--no-merges',
        `--max-count=${MAX_COMMITS}`,
        '--format=%ae%x00%an%x00%aI',
        revision,
        '--',
      ],
      { timeoutMs },
    );
  const log = await logOf('HEAD').catch(async (error: unknown) => {
    if (!(error instanceof GitError) || error.kind !== 'no-revision') throw error;
    // HEAD names no commit: an empty repository, or a default branch that does not exist. Then
    // the main branch (main, master, else the first), or nothing.
    const heads = (
      await runGit(['--git-dir', gitDir, 'for-each-ref', '--format=%(refname)', 'refs/heads'], {
        timeoutMs,
      })
    )
      .split('\n')
      .filter((ref) => ref !== '');
    const branch =
      heads.find((ref) => ref === 'refs/heads/main') ??
      heads.find((ref) => ref === 'refs/heads/master') ??
      heads[0];
    return branch === undefined ? '' : logOf(branch);
  });
  const byAuthor = new Map<string, Contributor>();
  let commits = 0;
  let commitsLast90Days = 0;
  let lastCommitAt: string | undefined;
  for (const line of log.split('\n')) {
    if (line === '') continue;
    const [email = '', name = '', date = ''] = line.split('\u0000');
    const at = Date.parse(date);
    if (Number.isNaN(at)) continue;
    const iso = new Date(at).toISOString();
    commits++;
    if (now.getTime() - at <= 90 * DAY) commitsLast90Days++;
    if (lastCommitAt === undefined || iso > lastCommitAt) lastCommitAt = iso;
    const hash = emailHash(email);
    const login = NOREPLY.exec(email.trim())?.[1];
    const entry = byAuthor.get(hash) ?? {
      emailHash: hash,
      name: name.slice(0, 200),
      commits: 0,
      commitsLast12Months: 0,
      lastCommitAt: iso,
      ...(login === undefined ? {} : { githubLogin: login.toLowerCase() }),
    };
    entry.commits++;
    if (now.getTime() - at <= 365 * DAY) entry.commitsLast12Months++;
    if (iso > entry.lastCommitAt) entry.lastCommitAt = iso;
    byAuthor.set(hash, entry);
  }
  const tags = (
    await runGit(['--git-dir', gitDir, 'for-each-ref', '--format=%(refname:short)', 'refs/tags'], {
      timeoutMs,
    })
  )
    .split('\n')
    .filter((t) => t !== '');
  return {
    commits,
    commitsLast90Days,
    lastCommitAt,
    contributors: [...byAuthor.values()].sort(
      (a, b) => b.commits - a.commits || a.emailHash.localeCompare(b.emailHash),
    ),
    tags,
  };
}

/** The fewest people who together made at least half of the commits counted; undefined for none. */
export function fewestCoveringHalf(counts: readonly number[]): number | undefined {
  const sorted = counts.filter((n) => n > 0).sort((a, b) => b - a);
  const total = sorted.reduce((sum, n) => sum + n, 0);
  if (total === 0) return undefined;
  let covered = 0;
  for (let i = 0; i < sorted.length; i++) {
    covered += sorted[i] as number;
    if (covered * 2 >= total) return i + 1;
  }
  return sorted.length;
}

/**
 * The bus factor from history (TRUST-MODEL.md's fallback): the fewest contributors who made at
 * least half of the last 12 months' commits; undefined without commits in that time.
 */
export function busFactorFromHistory(contributors: readonly Contributor[]): number | undefined {
  return fewestCoveringHalf(contributors.map((c) => c.commitsLast12Months));
}

/**
 * Historical provenance: the share of published versions that have a matching tag (`v1.2.3`,
 * `1.2.3` or `<name>@1.2.3`), and the versions that have none.
 */
export function tagOverlap(
  name: string,
  versions: readonly string[],
  tags: readonly string[],
): { overlap: number | undefined; untagged: string[] } {
  const set = new Set(tags);
  const untagged = versions.filter(
    (v) =>
      !set.has(v) && !set.has(`v${v}`) && !set.has(`${name}@${v}`) && !set.has(`${name}-v${v}`),
  );
  return {
    overlap:
      versions.length === 0 ? undefined : (versions.length - untagged.length) / versions.length,
    untagged,
  };
}
