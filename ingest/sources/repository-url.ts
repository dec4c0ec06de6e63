/**
 * A repository reference from package metadata (`owner/name`, `github:owner/name`,
 * `git+ssh://git@github.com/owner/name.git`, `git://...`, `https://...`) as one canonical key.
 * Forges hosted-git-info knows (GitHub, GitLab, Bitbucket, sourcehut, Gist) are read by it;
 * other git hosts by URL parsing.
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

export function parseRepository(raw: string): RepositoryRef | undefined {
  const info = hostedGitInfo.fromUrl(raw.trim());
  if (info?.user !== undefined && info.user !== '' && info.project !== '') {
    const path = `${info.user}/${info.project}`;
    return {
      key: repositoryKey(info.domain, path),
      url: `https://${info.domain}/${path}`,
      host: info.domain,
      forge: info.type,
      owner: info.user,
      name: info.project,
    };
  }
  let url: URL;
  try {
    url = new URL(
      raw
        .trim()
        .replace(/^git\+/, '')
        .replace(/^([\w.-]+@[\w.-]+):(?!\/)/, 'ssh://$1/'),
    );
  } catch {
    return undefined;
  }
  if (!['git:', 'ssh:', 'http:', 'https:'].includes(url.protocol) || url.hostname === '')
    return undefined;
  const path = decodeURIComponent(url.pathname)
    .replace(/\.git$/i, '')
    .replace(/^\/+|\/+$/g, '');
  if (path === '' || path.split('/').some((part) => part === '..' || part === '.'))
    return undefined;
  const parts = path.split('/');
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
