/**
 * Keys of the graph (DESIGN.md, Identity): package URLs for packages and versions, and prefixed
 * keys for people, organisations and repositories. Every key is built here and nowhere else.
 */
import { createHash } from 'node:crypto';
import { PackageURL } from 'packageurl-js';
import { InvalidInputError } from '../core/errors.js';
import { MAX_KEY_LENGTH } from '../graph/values.js';
import { assertProjectName, normaliseName } from './sources/pypi/requirement.js';

/** `@babel/core` -> namespace `@babel`, name `core`. */
export function splitNpmName(name: string): { namespace: string | undefined; name: string } {
  if (name.startsWith('@')) {
    const slash = name.indexOf('/');
    return { namespace: name.slice(0, slash), name: name.slice(slash + 1) };
  }
  return { namespace: undefined, name };
}

// The names npm accepts (validate-npm-package-name, old mixed-case ones included): a registry
// document or lockfile with any other name is refused, so no key or URL is built from it.
const NPM_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/i;

export function assertNpmName(name: string): string {
  if (name.length > 214 || !NPM_NAME.test(name)) {
    throw new InvalidInputError(`"${name.slice(0, 100)}" is not a valid npm package name`);
  }
  return name;
}

export function npmPackageKey(name: string): string {
  const { namespace, name: base } = splitNpmName(assertNpmName(name));
  return new PackageURL('npm', namespace, base, undefined, undefined, undefined).toString();
}

export function npmVersionKey(name: string, version: string): string {
  const { namespace, name: base } = splitNpmName(assertNpmName(name));
  return new PackageURL('npm', namespace, base, version, undefined, undefined).toString();
}

export function npmPersonKey(user: string): string {
  return `person:npm:${user.trim().toLowerCase()}`;
}

export function npmScopeKey(scope: string): string {
  return `org:npm:${scope.toLowerCase()}`;
}

export function domainOrgKey(domain: string): string {
  return `org:domain:${domain.toLowerCase()}`;
}

/** `github.com`, `expressjs`, `express` -> `repo:github.com/expressjs/express`. */
export function repositoryKey(host: string, path: string): string {
  return `repo:${host.toLowerCase()}/${path
    .replace(/\.git$/i, '')
    .replace(/^\/+|\/+$/g, '')
    .toLowerCase()}`;
}

/** The organisation that owns a repository on a forge: `org:github:<login>`. */
export function forgeOrgKey(forge: string, owner: string): string {
  return `org:${forge}:${owner.toLowerCase()}`;
}

/** Emails are never stored: only this hash, so identities can be linked without exposing them. */
export function emailHash(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}

/**
 * The key `build` makes from a document's name and version, or undefined when they cannot be one:
 * the builder refuses them (a name too long, a version no URL holds: a lone surrogate), or the key
 * is longer than the store keeps (`MAX_KEY_LENGTH`), which would fail the batch it is written in.
 */
export function keyThatFits(build: () => string): string | undefined {
  try {
    const key = build();
    return key.length <= MAX_KEY_LENGTH ? key : undefined;
  } catch {
    return undefined;
  }
}

/** `pkg:pypi/<name>`, the name normalised as PEP 503 says. */
export function pypiPackageKey(name: string): string {
  return `pkg:pypi/${normaliseName(assertProjectName(name))}`;
}

export function pypiVersionKey(name: string, version: string): string {
  return `pkg:pypi/${normaliseName(assertProjectName(name))}@${encodeURIComponent(version)}`;
}

/** A PyPI account with a role on a project. */
export function pypiPersonKey(user: string): string {
  return `${KEY_PREFIX.pypiPerson}${user.toLowerCase()}`;
}

/** A release's author or maintainer field: a person known by email hash or by name only. */
export function pypiNamedPersonKey(field: 'author' | 'maintainer', id: string): string {
  return `${KEY_PREFIX.pypiNamedPerson}${field}:${id}`;
}

/** A git commit author, known only by the hash of the email they committed with. */
export function gitAuthorKey(emailHashValue: string): string {
  return `${KEY_PREFIX.gitAuthor}${emailHashValue}`;
}

export function githubPersonKey(login: string): string {
  return `${KEY_PREFIX.githubPerson}${login.toLowerCase()}`;
}

/** The prefixes of people's keys, for code that reads a key back. */
export const KEY_PREFIX = {
  npmPerson: 'person:npm:',
  pypiPerson: 'person:pypi:',
  pypiNamedPerson: 'person:pypi-',
  gitAuthor: 'person:git:',
  githubPerson: 'person:github:',
} as const;
