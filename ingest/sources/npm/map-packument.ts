/**
 * Pure mapping of an npm packument to graph records (DESIGN.md, graph model): the package, every
 * published version with its publisher, maintainers, the repository and the organisations behind
 * the scope, the repository and company email domains. Dependencies are mapped separately, only for
 * the versions resolved into a closure. What the document does not say is recorded as unknown.
 * The document is untrusted: if a part of it still cannot be mapped, the error names the package
 * and the field (an `InvalidPackageError`), so the run lists it as that package's failure.
 */
import { InvalidPackageError } from '../../../core/errors.js';
import {
  domainOrgKey,
  emailHash,
  npmPackageKey,
  npmPersonKey,
  npmScopeKey,
  npmVersionKey,
  splitNpmName,
} from '../../identity.js';
import { verifyRegistrySignatures } from '../../provenance/index.js';
import { GraphRecords } from '../../records.js';
import { verificationTrust } from '../../verification-trust.js';
import { companyDomain } from '../email-domain.js';
import { parseRepository, repositoryOwnerKey } from '../repository-url.js';
import type {
  Dependency,
  DependencyKind,
  NpmPerson,
  Packument,
  RepositoryField,
  VersionManifest,
} from './packument.js';
import { parseDependencySpec } from './spec.js';

/**
 * A person's node holds what is the same wherever they appear (their npm name). The email a
 * maintainer list or a publish used is kept, hashed, on that relationship: people change emails,
 * and a property of the node would hold whichever document was written last.
 */
function addPerson(records: GraphRecords, person: NpmPerson): string {
  const key = npmPersonKey(person.name);
  records.node('Person', key, { name: person.name });
  const domain = person.email === undefined ? undefined : companyDomain(person.email);
  if (domain !== undefined) {
    records.node('Organisation', domainOrgKey(domain), { name: domain, kind: 'email-domain' });
    records.relationship('MEMBER_OF', key, domainOrgKey(domain), { evidence: 'email-domain' });
  }
  return key;
}

function emailOf(person: NpmPerson): { emailHash?: string } {
  return person.email === undefined ? {} : { emailHash: emailHash(person.email) };
}

/** A value of the document as a short quote for an error message. */
function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value);
}

/** Maps one part of a packument; an error in it becomes the package's, naming the part. */
function part(packageKey: string, what: string, work: () => void): void {
  try {
    work();
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    const message = `${packageKey}: the packument's ${what} cannot be mapped: ${why}`;
    throw new InvalidPackageError(message, { cause: error });
  }
}

/** Entries kept in a version's `dependencies` list, and characters kept of each entry. */
export const MAX_DEPENDENCY_ENTRIES = 1000;
export const MAX_DEPENDENCY_ENTRY = 300;

/**
 * What a version says about itself that change signals compare between releases, kept compactly
 * on its node (lists of strings, null for unknown): its own maintainers list as person keys, the
 * install scripts and their text, the prod and optional dependencies declared as `name@range`
 * (aliases followed; the name ends at the first `@` after its first character), and whether it was
 * published through trusted publishing.
 */
function versionHistory(
  packument: Packument,
  manifest: VersionManifest,
): Record<string, string[] | boolean | null> {
  const dependencies = [
    ...new Set(
      dependenciesOf(packument, manifest.version, ['prod', 'optional']).map((d) =>
        `${d.name}@${d.range}`.slice(0, MAX_DEPENDENCY_ENTRY),
      ),
    ),
  ]
    .sort()
    .slice(0, MAX_DEPENDENCY_ENTRIES);
  return {
    maintainers:
      manifest.maintainers === undefined
        ? null
        : [...new Set(manifest.maintainers.map((m) => npmPersonKey(m.name)))].sort(),
    installScripts: manifest.installScripts?.map((s) => s.name) ?? null,
    installScriptText: manifest.installScripts?.map((s) => `${s.name}: ${s.text}`) ?? null,
    dependencies,
    trustedPublisher: manifest.trustedPublisher ?? null,
  };
}

/**
 * The registry's signature over the version, verified against npm's pinned registry keys:
 * `signed` true only when one verifies (with the key that made it), false with the reason when
 * none does or there is none.
 */
function signatureProps(
  packument: Packument,
  manifest: VersionManifest,
): Record<string, string | boolean | null> {
  if (manifest.signatures.length === 0)
    return { signed: false, signedKeyid: null, signedReason: null };
  const integrity = manifest.integrity;
  const publishedAt = packument.times?.get(manifest.version);
  const fact =
    integrity === undefined
      ? { verified: false, reason: 'the version has no dist.integrity to verify a signature over' }
      : verifyRegistrySignatures(
          manifest.signatures,
          {
            name: packument.name,
            version: manifest.version,
            integrity,
            ...(publishedAt === undefined ? {} : { publishedAt }),
          },
          verificationTrust(),
        );
  return {
    signed: fact.verified,
    signedKeyid: fact.keyid ?? null,
    signedReason: fact.verified ? null : (fact.reason ?? 'not verified'),
  };
}

export function mapPackument(packument: Packument): GraphRecords {
  const records = new GraphRecords();
  const packageKey = npmPackageKey(packument.name);
  const latest = packument.distTags.get('latest');
  const latestManifest = latest === undefined ? undefined : packument.versions.get(latest);

  records.node('Package', packageKey, {
    ecosystem: 'npm',
    name: packument.name,
    latest: latest ?? null,
    deprecated: latestManifest?.deprecated !== undefined,
    description: packument.description ?? null,
    license: packument.license ?? latestManifest?.license ?? null,
    createdAt: packument.created ?? null,
    modifiedAt: packument.modified ?? null,
    versionCount: packument.versions.size,
    maintainersKnown: packument.maintainers !== undefined,
    maintainerCount: packument.maintainers?.length ?? null,
    timesKnown: packument.times !== undefined,
    missing: false,
  });

  for (const manifest of packument.versions.values()) {
    part(packageKey, `version ${quote(manifest.version)}`, () => {
      const versionKey = npmVersionKey(packument.name, manifest.version);
      records.node('Version', versionKey, {
        version: manifest.version,
        publishedAt: packument.times?.get(manifest.version) ?? null,
        license: manifest.license ?? null,
        deprecated: manifest.deprecated ?? null,
        hasInstallScripts: manifest.hasInstallScripts,
        attested: manifest.attested,
        // Only a verified attestation is provenance (ingest/npm-provenance.ts sets it, with what
        // was proven); one that is named is left as it was verified, or unknown until it is.
        ...(manifest.attested
          ? {}
          : { provenance: false, provenanceReason: null, provenanceDigest: null }),
        ...signatureProps(packument, manifest),
        integrity: manifest.integrity ?? null,
        publisherKnown: manifest.publisher !== undefined,
        ...versionHistory(packument, manifest),
      });
      records.relationship('HAS_VERSION', packageKey, versionKey);
      if (manifest.publisher !== undefined) {
        records.relationship(
          'PUBLISHED',
          addPerson(records, manifest.publisher),
          versionKey,
          emailOf(manifest.publisher),
        );
      }
    });
  }

  for (const maintainer of packument.maintainers ?? []) {
    part(packageKey, `maintainer ${quote(maintainer.name)}`, () => {
      records.relationship(
        'MAINTAINS',
        addPerson(records, maintainer),
        packageKey,
        emailOf(maintainer),
      );
    });
  }

  const { namespace } = splitNpmName(packument.name);
  if (namespace !== undefined) {
    records.node('Organisation', npmScopeKey(namespace), { name: namespace, kind: 'npm-scope' });
    records.relationship('IN_SCOPE', packageKey, npmScopeKey(namespace));
  }

  const repository = packument.repository ?? latestManifest?.repository;
  if (repository !== undefined)
    part(packageKey, `repository field ${quote(repository.url)}`, () => {
      mapRepository(records, packageKey, repository);
    });
  return records;
}

/** HOSTED_AT and OWNED_BY for the repository a packument names, when it names one. */
function mapRepository(
  records: GraphRecords,
  packageKey: string,
  repository: RepositoryField,
): void {
  const ref = parseRepository(repository.url);
  if (ref !== undefined) {
    records.node('Repository', ref.key, { url: ref.url, host: ref.host, name: ref.name });
    // A claim: `verified` is set only by proof (a verified build, ingest/npm-provenance.ts), so
    // mapping the packument again does not take back what was proven.
    records.relationship(
      'HOSTED_AT',
      packageKey,
      ref.key,
      repository.directory === undefined ? {} : { directory: repository.directory },
    );
    const owner = repositoryOwnerKey(ref);
    if (owner !== undefined && ref.owner !== undefined) {
      records.node('Organisation', owner, { name: ref.owner, kind: `${String(ref.forge)}-owner` });
      records.relationship('OWNED_BY', ref.key, owner);
    }
  }
}

/** A package that the registry does not have (404): recorded, flagged, never invented further. */
export function mapMissingPackage(name: string): GraphRecords {
  return new GraphRecords().node('Package', npmPackageKey(name), {
    ecosystem: 'npm',
    name,
    missing: true,
  });
}

/** The dependencies a version declares, of the given kinds, with `npm:` aliases resolved. */
export function dependenciesOf(
  packument: Packument,
  version: string,
  kinds: readonly DependencyKind[],
): Dependency[] {
  const manifest = packument.versions.get(version);
  if (manifest === undefined) return [];
  const optional = new Set(manifest.dependencies.optional.map(([name]) => name));
  const out: Dependency[] = [];
  for (const kind of kinds) {
    for (const [alias, spec] of manifest.dependencies[kind]) {
      // npm installs an optional dependency listed in `dependencies` too as optional.
      if (kind === 'prod' && optional.has(alias)) continue;
      let name = alias;
      let range = spec;
      // Only an `npm:` spec is an alias (npm-package-arg's test): the others need no parsing here.
      if (spec.slice(0, 4).toLowerCase() === 'npm:') {
        try {
          const parsed = parseDependencySpec(alias, spec);
          if (parsed.alias !== undefined) {
            name = parsed.alias.name;
            range = parsed.alias.spec;
          }
        } catch {
          // An unparseable spec is kept as written; resolving it reports the failure.
        }
      }
      out.push({
        alias,
        name,
        range,
        spec,
        kind,
        optionalPeer: kind === 'peer' && manifest.peerOptional.has(alias),
      });
    }
  }
  return out;
}

/** DEPENDS_ON records of one resolved version. */
export function mapDependencies(
  packument: Packument,
  version: string,
  dependencies: readonly Dependency[],
): GraphRecords {
  const records = new GraphRecords();
  const versionKey = npmVersionKey(packument.name, version);
  const bundled = packument.versions.get(version)?.bundled ?? new Set<string>();
  for (const dependency of dependencies) {
    let target: string;
    try {
      target = npmPackageKey(dependency.name);
    } catch {
      continue; // not an npm package name (a URL or a path spec written as a name): nothing to link
    }
    records.relationship('DEPENDS_ON', versionKey, target, {
      range: dependency.range,
      kind: dependency.kind,
      ...(dependency.alias === dependency.name ? {} : { alias: dependency.alias }),
      ...(dependency.optionalPeer ? { optional: true } : {}),
      // In the tarball: npm installs it from there, not from the registry.
      ...(bundled.has(dependency.alias) && dependency.kind !== 'peer' ? { bundled: true } : {}),
    });
  }
  return records;
}
