/**
 * A repository reference from package metadata (`owner/name`, `github:owner/name`,
 * `git+ssh://git@github.com/owner/name.git`, `git://...`, `https://...`) as one canonical key.
 * Forges hosted-git-info knows (GitHub, GitLab, Bitbucket, sourcehut, Gist) are read by it;
 * other git hosts by URL parsing. The reference is untrusted text: one that cannot be read as a
 * repository (`github:x` has no owner, `:`, `git+ssh://`, a bad %-escape, a megabyte of text) is
 * no repository link, never an error.
 */
import hostedGitInfo from 'hosted-git-info';
import { forgeOrgKey, repositoryKey } from '../identity.js';

export interface RepositoryRef {
  key: string;
  /** A browsable https URL. */
  url: string;
  host: string;
  /** The forge (`github`, `gitlab`, ...) and owner, when the host is a known forge. */
  forge: string | undefined;
  owner: string | undefined;
  name: string;
}

/** Longer references are not read: no forge's repository URL comes near it. */
const MAX_REFERENCE = 2000;
/** One segment of an owner or repository path: no spaces, controls, `%`, `?`, `#` or `:`. */
const SEGMENT = /^[^\s\p{Cc}%?#:\\]+$/u;

function plainPath(parts: readonly string[]): boolean {
  return parts.length > 0 && parts.every((p) => p !== '.' && p !== '..' && SEGMENT.test(p));
}

export function parseRepository(raw: string): RepositoryRef | undefined {
  if (typeof raw !== 'string' || raw.length > MAX_REFERENCE) return undefined;
  const trimmed = raw.trim();
  if (trimmed === '') return undefined;
  let info: ReturnType<typeof hostedGitInfo.fromUrl>;
  try {
    info = hostedGitInfo.fromUrl(trimmed);
  } catch {
    info = undefined;
  }
  if (info !== undefined) {
    // A known forge's shortcut or URL without an owner (`github:x`: user null) names no repository.
    const user: unknown = info.user;
    const project: unknown = info.project;
    if (typeof user !== 'string' || typeof project !== 'string') return undefined;
    if (!plainPath([...user.split('/'), project]) || typeof info.domain !== 'string')
      return undefined;
    const path = `${user}/${project}`;
    return {
      key: repositoryKey(info.domain, path),
      url: `https://${info.domain}/${path}`,
      host: info.domain,
      forge: info.type,
      owner: user,
      name: project,
    };
  }
  let url: URL;
  let path: string;
  try {
    url = new URL(trimmed.replace(/^git\+/, '').replace(/^([\w.-]+@[\w.-]+):(?!\/)/, 'ssh://$1/'));
    path = decodeURIComponent(url.pathname)
      .replace(/\.git$/i, '')
      .replace(/^\/+|\/+$/g, '');
  } catch {
    return undefined; // not a URL, or a %-escape that is not UTF-8
  }
  if (!['git:', 'ssh:', 'http:', 'https:'].includes(url.protocol) || url.hostname === '')
    return undefined;
  const parts = path.split('/');
  if (path === '' || !plainPath(parts)) return undefined;
  return {
    key: repositoryKey(url.hostname, path),
    url: `https://${url.hostname.toLowerCase()}/${path}`,
    host: url.hostname.toLowerCase(),
    forge: undefined,
    owner: parts.length > 1 ? parts[0] : undefined,
    name: parts[parts.length - 1] ?? path,
  };
}

/** The organisation key of a repository's owner on a known forge. */
export function repositoryOwnerKey(ref: RepositoryRef): string | undefined {
  return ref.forge === undefined || ref.owner === undefined
    ? undefined
    : forgeOrgKey(ref.forge, ref.owner);
}
