/**
 * A PyPI release document as graph records: Package `pkg:pypi/<name>`, Version, HAS_VERSION,
 * people (ownership roles as `person:pypi:<user>`; author and maintainer as named people with a
 * hashed email), the repository from `project_urls`, and DEPENDS_ON for every `requires_dist`
 * entry (kind `prod`, `marker` when an environment marker guards it, `extra` for extras).
 */
import emailAddresses from 'email-addresses';
import {
  emailHash,
  pypiNamedPersonKey,
  pypiPackageKey,
  pypiPersonKey,
  pypiVersionKey,
} from '../../identity.js';
import { GraphRecords } from '../../records.js';
import { isRecord, own } from '../../untrusted.js';
import { parseRepository } from '../repository-url.js';
import type { ProjectIndex } from './pypi-client.js';
import { normaliseName, parseRequirement, type Requirement } from './requirement.js';

// Built in ingest/identity.ts with every other key; exported here for the PyPI stages.
export { pypiPackageKey, pypiVersionKey };

const text = (value: unknown, max = 500): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, max) : undefined;

export interface MappedRelease {
  records: GraphRecords;
  /** Whether PyPI said who owns the project (ownership roles), and when the release was uploaded. */
  maintainersKnown: boolean;
  timeKnown: boolean;
  requirements: Requirement[];
  /** requires_dist entries that are not PEP 508 (kept out, counted). */
  invalid: string[];
}

export function mapRelease(
  name: string,
  version: string,
  document: unknown,
  index: ProjectIndex | undefined,
): MappedRelease {
  const records = new GraphRecords();
  const info = isRecord(document) ? own(document, 'info') : undefined;
  const meta = isRecord(info) ? info : {};
  const pkg = pypiPackageKey(name);
  const key = pypiVersionKey(name, version);
  const ownership = isRecord(document) ? own(document, 'ownership') : undefined;
  const roles = isRecord(ownership) ? own(ownership, 'roles') : undefined;
  records.node('Package', pkg, {
    ecosystem: 'pypi',
    name: text(own(meta, 'name'), 200) ?? normaliseName(name),
    maintainersKnown: Array.isArray(roles),
  });
  records.node('Version', key, {
    version,
    license: text(own(meta, 'license'), 200) ?? null,
    requiresPython: text(own(meta, 'requires_python'), 200) ?? null,
    publishedAt: index?.uploaded.get(version) ?? null,
    // A PEP 740 provenance object named is a claim; only a verified one is provenance.
    attested: index === undefined ? null : index.withProvenance.has(version),
    ...(index === undefined || index.withProvenance.has(version) ? {} : { provenance: false }),
    summary: text(own(meta, 'summary')) ?? null,
  });
  records.relationship('HAS_VERSION', pkg, key);

  for (const role of Array.isArray(roles) ? (roles as unknown[]) : []) {
    if (!isRecord(role)) continue;
    const user = text(own(role, 'user'), 100);
    if (user === undefined || !/^[A-Za-z0-9._-]+$/.test(user)) continue;
    const person = pypiPersonKey(user);
    records.node('Person', person, { name: user });
    records.relationship('MAINTAINS', person, pkg, {
      role: text(own(role, 'role'), 40) ?? 'Owner',
    });
  }
  for (const field of ['author', 'maintainer'] as const) {
    const who = text(own(meta, field), 200);
    // `Name <a@b.org>, c@d.org` (core metadata's Author-email is an address list).
    const mailboxes = addresses(text(own(meta, `${field}_email`), 1000));
    // A name from metadata is not an account: keyed by the email's hash, else by the name.
    const people =
      mailboxes.length > 0
        ? mailboxes.map((m) => ({
            id: emailHash(m.address),
            name: m.name ?? (mailboxes.length === 1 ? who : undefined),
            emailHash: emailHash(m.address),
          }))
        : who === undefined
          ? []
          : [{ id: `name:${who.toLowerCase()}`, name: who, emailHash: undefined }];
    for (const person of people) {
      const key = pypiNamedPersonKey(field, person.id);
      records.node('Person', key, {
        name: person.name?.slice(0, 200) ?? null,
        ...(person.emailHash === undefined ? {} : { emailHash: person.emailHash }),
      });
      records.relationship('MAINTAINS', key, pkg, { role: field });
    }
  }

  const urls = own(meta, 'project_urls');
  const candidates = [
    ...(isRecord(urls) ? Object.values(urls) : []),
    own(meta, 'home_page'),
  ].filter((u): u is string => typeof u === 'string');
  for (const url of candidates) {
    const repo = parseRepository(url);
    if (repo === undefined) continue;
    records.node('Repository', repo.key, { url: repo.url });
    records.relationship('HOSTED_AT', pkg, repo.key);
    break;
  }

  const requirements: Requirement[] = [];
  const invalid: string[] = [];
  const dist = own(meta, 'requires_dist');
  for (const line of Array.isArray(dist) ? dist : []) {
    if (typeof line !== 'string') continue;
    let requirement: Requirement | undefined;
    try {
      requirement = parseRequirement(line);
    } catch {
      invalid.push(line.slice(0, 200));
      continue;
    }
    if (requirement === undefined) continue;
    requirements.push(requirement);
    const guarded = requirement.marker !== undefined;
    const forExtra = guarded && JSON.stringify(requirement.marker).includes('"extra"');
    records.relationship('DEPENDS_ON', key, pypiPackageKey(requirement.name), {
      range: requirement.specifier === '' ? '*' : requirement.specifier,
      kind: forExtra ? 'extra' : guarded ? 'marker' : 'prod',
    });
  }
  records.node('Version', key, {
    dependencies: Array.isArray(dist) ? installedDependencies(requirements) : null,
  });
  return {
    records,
    requirements,
    invalid,
    maintainersKnown: Array.isArray(roles),
    timeKnown: index?.uploaded.has(version) === true,
  };
}

/** Entries kept in a release's `dependencies` list, and characters kept of each entry. */
const MAX_DEPENDENCY_ENTRIES = 1000;
const MAX_DEPENDENCY_ENTRY = 300;

/**
 * What a release installs by default, as npm versions keep it: `name@specifier` (`*` for any),
 * names normalised, sorted; requirements of an extra are left out (as npm's dev and peer are), and
 * those guarded by another environment marker kept (as npm's optional are). PyPI gives
 * `requires_dist: null` both for a release without requirements and for one whose metadata it
 * never read, so a release without the list has unknown dependencies, not none.
 */
function installedDependencies(requirements: readonly Requirement[]): string[] {
  const entries = new Set<string>();
  for (const requirement of requirements) {
    if (JSON.stringify(requirement.marker ?? null).includes('"extra"')) continue;
    const range = requirement.specifier === '' ? '*' : requirement.specifier;
    entries.add(`${normaliseName(requirement.name)}@${range}`.slice(0, MAX_DEPENDENCY_ENTRY));
  }
  return [...entries].sort().slice(0, MAX_DEPENDENCY_ENTRIES);
}

/** The mailboxes of an address list; none when it is not one (`me at example dot org`). */
function addresses(list: string | undefined): { address: string; name: string | undefined }[] {
  if (list === undefined) return [];
  const parsed = emailAddresses.parseAddressList(list);
  if (parsed === null) return [];
  return parsed.slice(0, 20).flatMap((entry) => {
    const boxes = entry.type === 'group' ? entry.addresses : [entry];
    return boxes.map((box) => ({ address: box.address, name: box.name ?? undefined }));
  });
}
