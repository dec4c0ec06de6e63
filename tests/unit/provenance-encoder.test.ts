import fs from 'node:fs';
import path from 'node:path';
import { ASN1Obj, X509Certificate } from '@sigstore/core';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { describe, expect, it, vi } from 'vitest';
import { copyTree, derLength, encodeDer } from '../../ingest/provenance/der.js';
import { verifySignedStatement } from '../../ingest/provenance/signed-statement.js';
import { SHIPPED_TRUSTED_ROOT } from '../../ingest/provenance/trust-material.js';
import {
  LeafCertificate,
  TrustedCertificate,
  tbsOf,
} from '../../ingest/provenance/trusted-certificate.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../shared/fixtures');

/** The signing certificate of sigstore@1.0.0's SLSA provenance bundle (a real Fulcio leaf). */
function realLeaf(): Buffer<ArrayBuffer> {
  const document = JSON.parse(
    fs.readFileSync(path.join(FIXTURES, 'npm/attestations/sigstore@1.0.0.json'), 'utf8'),
  ) as {
    attestations: {
      bundle: {
        verificationMaterial: { x509CertificateChain?: { certificates: { rawBytes: string }[] } };
      };
    }[];
  };
  const raw =
    document.attestations[0]?.bundle.verificationMaterial.x509CertificateChain?.certificates[0]
      ?.rawBytes;
  if (raw === undefined) throw new Error('the fixture has no leaf certificate');
  return Buffer.from(raw, 'base64');
}

/** The shipped root's Fulcio chains' certificates, each as DER. */
function fulcioCertificates(): Buffer<ArrayBuffer>[] {
  const root = TrustedRoot.fromJSON(SHIPPED_TRUSTED_ROOT);
  return root.certificateAuthorities.flatMap((ca) =>
    (ca.certChain?.certificates ?? []).map((c) => Buffer.from(Array.from(c.rawBytes))),
  );
}

describe("the library's ASN.1 encoder", () => {
  it('encodes every certificate of the trusted root and a real leaf to the bytes it was given', () => {
    for (const der of [...fulcioCertificates(), realLeaf()])
      expect(X509Certificate.parse(der).root.toDER().equals(der)).toBe(true);
  });
});

describe('the one-pass DER encoder', () => {
  it("writes every certificate of the trusted root and a real leaf as the library's encoder does", () => {
    for (const der of [...fulcioCertificates(), realLeaf()]) {
      const root = X509Certificate.parse(der).root;
      expect(encodeDer(root).equals(root.toDER())).toBe(true);
      expect(encodeDer(root).equals(der)).toBe(true);
    }
  });

  it('encodes lengths at every boundary of the long form as the library does', () => {
    const octets = ASN1Obj.parseBuffer(Buffer.from([0x04, 0x00])).tag;
    const sequence = X509Certificate.parse(realLeaf()).root.tag;
    for (const size of [0, 1, 127, 128, 129, 255, 256, 257, 65535, 65536, 2 ** 24 - 1, 2 ** 24]) {
      const leaf = new ASN1Obj(octets, Buffer.alloc(size, size & 0xff), []);
      const nested = new ASN1Obj(sequence, Buffer.alloc(0), [leaf, leaf]);
      expect(encodeDer(leaf).equals(leaf.toDER()), `${size} bytes`).toBe(true);
      expect(encodeDer(nested).equals(nested.toDER()), `two of ${size} bytes`).toBe(true);
      expect(derLength(nested)).toBe(nested.toDER().length);
    }
  });

  it("copies a tree that encodes the same, and whose arrays are its own (the SCT check's clone)", () => {
    const original = X509Certificate.parse(realLeaf());
    const before = original.root.toDER();
    const copy = new X509Certificate(copyTree(original.root));
    expect(copy.root.toDER().equals(before)).toBe(true);
    expect(copy.tbsCertificate.toDER().equals(original.tbsCertificate.toDER())).toBe(true);
    const count = original.extensions.length;
    copy.extensions.splice(0, 1);
    expect(copy.extensions).toHaveLength(count - 1);
    expect(original.extensions).toHaveLength(count);
    expect(original.root.toDER().equals(before)).toBe(true);
    expect(copy.root.toDER().equals(before)).toBe(false);
  });
});

describe('a leaf certificate keeps its DER for one verification', () => {
  const leaf = (): LeafCertificate => new LeafCertificate(X509Certificate.parse(realLeaf()).root);
  const issuers = (): TrustedCertificate[] =>
    fulcioCertificates().map((der) => new TrustedCertificate(X509Certificate.parse(der).root));

  it('compares, clones and checks its signature as the library does', () => {
    const plain = X509Certificate.parse(realLeaf());
    const mine = leaf();
    expect(mine.equals(plain)).toBe(true);
    expect(mine.clone().root.toDER().equals(plain.clone().root.toDER())).toBe(true);
    expect(mine.publicKey.equals(plain.publicKey)).toBe(true);
    const signers = issuers().filter((issuer) => mine.verify(issuer));
    // Exactly the certificates the library says signed it: the current Fulcio intermediate.
    expect(signers.map((s) => s.subject.toString('hex'))).toEqual(
      issuers()
        .filter((issuer) => plain.verify(issuer))
        .map((s) => s.subject.toString('hex')),
    );
    expect(signers).toHaveLength(1);
    expect(mine.equals(X509Certificate.parse(fulcioCertificates()[0] ?? Buffer.alloc(0)))).toBe(
      false,
    );
  });

  it('gives the SCT check a clone of its own: removing an extension from it leaves the leaf whole', () => {
    const mine = leaf();
    const before = mine.root.toDER();
    const count = mine.extensions.length;
    const clone = mine.clone();
    expect(clone.root.toDER().equals(before)).toBe(true);
    clone.extensions.splice(0, 1);
    expect(clone.extensions).toHaveLength(count - 1);
    expect(mine.extensions).toHaveLength(count);
    expect(mine.root.toDER().equals(before)).toBe(true);
  });

  it("takes the TBS it checks from its DER: the library's re-encoding of it, byte for byte", () => {
    for (const der of [realLeaf(), ...fulcioCertificates()]) {
      const certificate = X509Certificate.parse(der);
      expect(tbsOf(certificate).equals(certificate.tbsCertificate.toDER())).toBe(true);
    }
  });

  it('refuses a leaf whose signature was altered, asked again and again', () => {
    const der = Buffer.from(realLeaf());
    der[der.length - 5] = (der[der.length - 5] ?? 0) ^ 0x01; // inside the signature value
    const altered = new LeafCertificate(X509Certificate.parse(der).root);
    for (let round = 0; round < 2; round++)
      expect(issuers().some((issuer) => altered.verify(issuer))).toBe(false);
  });
});

describe('errors while a bundle is read', () => {
  type Attested = {
    attestations: {
      bundle: {
        verificationMaterial: { x509CertificateChain: { certificates: { rawBytes: string }[] } };
      };
    }[];
  };
  const bundle = (): Attested['attestations'][number]['bundle'] => {
    const document = JSON.parse(
      fs.readFileSync(path.join(FIXTURES, 'npm/attestations/sigstore@1.0.0.json'), 'utf8'),
    ) as Attested;
    const first = document.attestations[0];
    if (first === undefined) throw new Error('the fixture has no bundle');
    return first.bundle;
  };

  it('take no stack trace while the certificate is parsed', () => {
    // Verified once first, so the trusted root's certificates are parsed before the spy is set.
    expect(verifySignedStatement(bundle(), {})).toHaveProperty('statement');
    const limits: number[] = [];
    const parse = X509Certificate.parse.bind(X509Certificate);
    const spy = vi.spyOn(X509Certificate, 'parse').mockImplementation((der) => {
      limits.push(Error.stackTraceLimit);
      return parse(der);
    });
    try {
      expect(verifySignedStatement(bundle(), {})).toHaveProperty('statement');
    } finally {
      spy.mockRestore();
    }
    expect(limits).toEqual([0]);
  });

  it('keep their stack traces outside, and a certificate that does not parse still gets its reason', () => {
    const limit = Error.stackTraceLimit;
    expect(verifySignedStatement(bundle(), {})).toHaveProperty('statement');
    expect(Error.stackTraceLimit).toBe(limit);
    const broken = bundle();
    const certificate = broken.verificationMaterial.x509CertificateChain.certificates[0];
    if (certificate === undefined) throw new Error('the fixture has no leaf');
    // A SEQUENCE whose length says more than there is.
    certificate.rawBytes = Buffer.from([0x30, 0x82, 0x05, 0x00, 0x02, 0x01]).toString('base64');
    const refused = verifySignedStatement(broken, {});
    expect(Object.keys(refused)).toEqual(['reason']);
    expect('reason' in refused ? refused.reason : '').toMatch(
      /^the Sigstore bundle does not verify \(.+\)$/,
    );
    expect(Error.stackTraceLimit).toBe(limit);
    expect(new Error('here').stack).toContain('provenance-encoder.test.ts');
  });
});
