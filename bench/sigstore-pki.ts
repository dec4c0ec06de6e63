/**
 * A bench-only Sigstore PKI (issue 17 item 6): a Fulcio-style CA whose leaves carry an embedded
 * SCT of a CT log, a Rekor-style transparency log that signs entry timestamps, and an npm-style
 * registry key, all made with @sigstore/mock and held in memory. `attestationsFor` builds the two
 * documents npm serves at /-/npm/v1/attestations/<name>@<version> in the shape of the real ones
 * (../shared/fixtures/npm/attestations: bundle v0.1, DSSE over an in-toto statement, an `intoto`
 * 0.0.2 log entry with an inclusion promise): the SLSA provenance signed by a leaf issued to a
 * GitHub Actions workflow of the given repository, and npm's publish attestation signed with the
 * registry key. `trust` is the trusted root and keys that verify them, passed to the ingest
 * instead of the shipped ones (ingest/verification-trust.ts), so the production verifier checks
 * every leaf, SCT, log entry, signature and subject as it does for npm's.
 */
import crypto, { type KeyObject } from 'node:crypto';
import { initializeCA, initializeCTLog, initializeTLog } from '@sigstore/mock';

type Mock = {
  ca: Awaited<ReturnType<typeof initializeCA>>;
  tlog: Awaited<ReturnType<typeof initializeTLog>>;
};

export interface AttestedVersion {
  name: string;
  version: string;
  /** `dist.integrity`, `sha512-<base64>`. */
  integrity: string;
  /** The packument's repository, 'github.com/<owner>/<repo>'. */
  repository: string;
  /** The commit the build names (40 hex). */
  commit: string;
}

/** The trust that verifies this PKI's bundles, in the shape SigstoreOptions takes. */
export interface BenchTrust {
  trustedRoot: Record<string, unknown>;
  keys: {
    keyid: string;
    keytype: string;
    scheme: string;
    key: string;
    expires: string | null;
  }[];
}

export interface BenchPki {
  trust: BenchTrust;
  /** The body of /-/npm/v1/attestations/<name>@<version>, as npm serves it. */
  attestationsFor: (version: AttestedVersion) => Promise<Buffer>;
}

/** The entry Rekor's v1 API answers with (the mock's type comes from a package it does not ship). */
interface RekorEntry {
  body: string;
  integratedTime: number;
  logID: string;
  logIndex: number;
  verification?: { signedEntryTimestamp?: string };
}

const P256 = { namedCurve: 'prime256v1' } as const;
const FULCIO = '1.3.6.1.4.1.57264.1';
const ISSUER = 'https://token.actions.githubusercontent.com';
const IN_TOTO = 'application/vnd.in-toto+json';
const BUNDLE_V01 = 'application/vnd.dev.sigstore.bundle+json;version=0.1';
const WORKFLOW = '.github/workflows/release.yml';

function spki(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'spki' });
}

function bytes(view: ArrayBufferView): Buffer {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

function pem(der: Buffer, label: string): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** DSSE's pre-authentication encoding, what the envelope's signature covers. */
function pae(payloadType: string, payload: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${payloadType.length} ${payloadType} ${payload.length} `),
    payload,
  ]);
}

/** GitHub Actions' Fulcio extensions (v1 raw and v2 DER), as npm's provenance leaves carry them. */
function githubExtensions(
  version: AttestedVersion,
  ref: string,
): { oid: string; value: string; legacy?: boolean }[] {
  const slug = version.repository.replace(/^github\.com\//, '');
  const url = `https://github.com/${slug}`;
  const workflow = `${url}/${WORKFLOW}@${ref}`;
  return [
    { oid: `${FULCIO}.1`, value: ISSUER, legacy: true },
    { oid: `${FULCIO}.2`, value: 'release', legacy: true },
    { oid: `${FULCIO}.3`, value: version.commit, legacy: true },
    { oid: `${FULCIO}.4`, value: 'release', legacy: true },
    { oid: `${FULCIO}.5`, value: slug, legacy: true },
    { oid: `${FULCIO}.6`, value: ref, legacy: true },
    { oid: `${FULCIO}.8`, value: ISSUER },
    { oid: `${FULCIO}.9`, value: workflow },
    { oid: `${FULCIO}.10`, value: version.commit },
    { oid: `${FULCIO}.11`, value: 'github-hosted' },
    { oid: `${FULCIO}.12`, value: url },
    { oid: `${FULCIO}.13`, value: version.commit },
    { oid: `${FULCIO}.14`, value: ref },
    { oid: `${FULCIO}.15`, value: '1' },
    { oid: `${FULCIO}.16`, value: `https://github.com/${slug.split('/')[0] ?? slug}` },
    { oid: `${FULCIO}.17`, value: '1' },
    { oid: `${FULCIO}.18`, value: workflow },
    { oid: `${FULCIO}.19`, value: version.commit },
    { oid: `${FULCIO}.20`, value: 'release' },
    { oid: `${FULCIO}.21`, value: `${url}/actions/runs/1/attempts/1` },
    { oid: `${FULCIO}.22`, value: 'public' },
  ];
}

function statement(version: AttestedVersion, predicateType: string, predicate: unknown): Buffer {
  const name = `pkg:npm/${version.name.replace(/^@/, '%40')}@${version.version}`;
  const sha512 = Buffer.from(version.integrity.replace(/^sha512-/, ''), 'base64').toString('hex');
  return Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v0.1',
      subject: [{ name, digest: { sha512 } }],
      predicateType,
      predicate,
    }),
  );
}

function slsaPredicate(version: AttestedVersion, ref: string): unknown {
  const slug = version.repository.replace(/^github\.com\//, '');
  return {
    buildType: 'https://github.com/npm/cli/gha@v0',
    builder: { id: 'https://github.com/npm/cli@9.6.7' },
    invocation: {
      configSource: {
        uri: `git+https://github.com/${slug}@${ref}`,
        digest: { sha1: version.commit },
        entryPoint: `${slug}/${WORKFLOW}@${ref}`,
      },
      parameters: {},
      environment: {
        GITHUB_EVENT_NAME: 'release',
        GITHUB_REF: ref,
        GITHUB_REF_TYPE: 'tag',
        GITHUB_REPOSITORY: slug,
        GITHUB_SHA: version.commit,
        GITHUB_WORKFLOW_REF: `${slug}/${WORKFLOW}@${ref}`,
        GITHUB_WORKFLOW_SHA: version.commit,
      },
    },
    metadata: {
      buildInvocationId: '1-1',
      completeness: { parameters: false, environment: false, materials: false },
      reproducible: false,
    },
    materials: [{ uri: `git+https://github.com/${slug}`, digest: { sha1: version.commit } }],
  };
}

/**
 * A bundle v0.1 of `payload` signed by `signer`: the DSSE envelope and its `intoto` 0.0.2 entry
 * in the log; `material` is the certificate chain or the public key hint.
 */
async function bundle(
  mock: Mock,
  payload: Buffer,
  signer: KeyObject,
  verifying: { pem: string; keyid: string },
  material: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const sig = crypto.sign('sha256', pae(IN_TOTO, payload), signer);
  const signature = { ...(verifying.keyid === '' ? {} : { keyid: verifying.keyid }) };
  const proposed = {
    apiVersion: '0.0.2',
    kind: 'intoto',
    spec: {
      content: {
        envelope: {
          payloadType: IN_TOTO,
          signatures: [
            {
              ...signature,
              publicKey: Buffer.from(verifying.pem).toString('base64'),
              sig: Buffer.from(sig.toString('base64')).toString('base64'),
            },
          ],
        },
        hash: { algorithm: 'sha256', value: crypto.randomBytes(32).toString('hex') },
        payloadHash: {
          algorithm: 'sha256',
          value: crypto.createHash('sha256').update(payload).digest('hex'),
        },
      },
    },
  };
  const entries = (await mock.tlog.log(proposed)) as Record<string, RekorEntry>;
  const logged = Object.values(entries)[0];
  if (logged === undefined) throw new Error('the mock transparency log returned no entry');
  return {
    mediaType: BUNDLE_V01,
    verificationMaterial: {
      ...material,
      tlogEntries: [
        {
          logIndex: String(logged.logIndex),
          logId: { keyId: Buffer.from(logged.logID, 'hex').toString('base64') },
          kindVersion: { kind: 'intoto', version: '0.0.2' },
          integratedTime: String(logged.integratedTime),
          inclusionPromise: { signedEntryTimestamp: logged.verification?.signedEntryTimestamp },
          inclusionProof: null,
          canonicalizedBody: logged.body,
        },
      ],
      timestampVerificationData: null,
    },
    dsseEnvelope: {
      payload: payload.toString('base64'),
      payloadType: IN_TOTO,
      signatures: [{ sig: sig.toString('base64'), keyid: verifying.keyid }],
    },
  };
}

function logInstance(publicKey: Buffer, logId: Buffer, baseUrl: string): Record<string, unknown> {
  return {
    baseUrl,
    hashAlgorithm: 'SHA2_256',
    publicKey: {
      rawBytes: publicKey.toString('base64'),
      keyDetails: 'PKIX_ECDSA_P256_SHA_256',
      validFor: { start: '2020-01-01T00:00:00Z' },
    },
    logId: { keyId: logId.toString('base64') },
  };
}

/** A new PKI: every key made now; its leaves and log entries all dated a moment after. */
export async function createBenchPki(): Promise<BenchPki> {
  const ctlog = await initializeCTLog(crypto.generateKeyPairSync('ec', P256));
  // Whole seconds after the root's notBefore: the leaf's validity and the log's time agree.
  const at = new Date((Math.floor(Date.now() / 1000) + 2) * 1000);
  const tlogKeys = crypto.generateKeyPairSync('ec', P256);
  const tlog = await initializeTLog('https://rekor.bench.test', tlogKeys, at);
  const ca = await initializeCA(crypto.generateKeyPairSync('ec', P256), ctlog, at);
  const mock: Mock = { ca, tlog };
  const npm = crypto.generateKeyPairSync('ec', P256);
  const npmDer = spki(npm.publicKey);
  const keyid = `SHA256:${crypto.createHash('sha256').update(npmDer).digest('base64').replace(/=+$/, '')}`;
  const npmKey = { pem: pem(npmDer, 'PUBLIC KEY'), keyid };
  const trustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      logInstance(
        tlog.publicKey,
        crypto.createHash('sha256').update(tlog.publicKey).digest(),
        'https://rekor.bench.test',
      ),
    ],
    certificateAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
        uri: 'https://fulcio.bench.test',
        certChain: {
          certificates: [{ rawBytes: bytes(mock.ca.rootCertificate).toString('base64') }],
        },
        validFor: { start: '2020-01-01T00:00:00Z' },
      },
    ],
    ctlogs: [logInstance(ctlog.publicKey, bytes(ctlog.logID), 'https://ctfe.bench.test')],
    timestampAuthorities: [],
  };
  const trust: BenchTrust = {
    trustedRoot,
    keys: [
      {
        keyid,
        keytype: 'ecdsa-sha2-nistp256',
        scheme: 'ecdsa-sha2-nistp256',
        key: npmDer.toString('base64'),
        expires: null,
      },
    ],
  };
  const attestationsFor = async (version: AttestedVersion): Promise<Buffer> => {
    const ref = `refs/tags/v${version.version}`;
    const slug = version.repository.replace(/^github\.com\//, '');
    const leafKeys = crypto.generateKeyPairSync('ec', P256);
    const leaf = bytes(
      await mock.ca.issueCertificate({
        publicKey: new Uint8Array(spki(leafKeys.publicKey)),
        subjectAltName: `https://github.com/${slug}/${WORKFLOW}@${ref}`,
        extensions: githubExtensions(version, ref),
      }),
    );
    const slsa = 'https://slsa.dev/provenance/v0.2';
    const publish = 'https://github.com/npm/attestation/tree/main/specs/publish/v0.1';
    const provenance = await bundle(
      mock,
      statement(version, slsa, slsaPredicate(version, ref)),
      leafKeys.privateKey,
      { pem: pem(leaf, 'CERTIFICATE'), keyid: '' },
      { x509CertificateChain: { certificates: [{ rawBytes: leaf.toString('base64') }] } },
    );
    const published = await bundle(
      mock,
      statement(version, publish, {
        name: version.name,
        version: version.version,
        registry: 'https://registry.npmjs.org',
      }),
      npm.privateKey,
      npmKey,
      { publicKey: { hint: keyid } },
    );
    return Buffer.from(
      JSON.stringify({
        attestations: [
          { predicateType: slsa, bundle: provenance },
          { predicateType: publish, bundle: published },
        ],
      }),
    );
  };
  return { trust, attestationsFor };
}
