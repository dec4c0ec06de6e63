import { X509Certificate } from '@sigstore/core';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { describe, expect, it } from 'vitest';
import { SHIPPED_TRUSTED_ROOT } from '../../ingest/provenance/trust-material.js';
import { TrustedCertificate } from '../../ingest/provenance/trusted-certificate.js';

/** The shipped root's current Fulcio chain: [intermediate, root]. */
function fulcioChain(): Buffer<ArrayBuffer>[] {
  const root = TrustedRoot.fromJSON(SHIPPED_TRUSTED_ROOT);
  const current = root.certificateAuthorities.find((ca) => ca.certChain?.certificates.length === 2);
  return (current?.certChain?.certificates ?? []).map((c) => Buffer.from(Array.from(c.rawBytes)));
}

describe('a trusted certificate keeps its answers', () => {
  it('says the same as a freshly parsed certificate, asked again and again', () => {
    const [intermediateDer, rootDer] = fulcioChain();
    if (intermediateDer === undefined || rootDer === undefined) throw new Error('no Fulcio chain');
    const intermediate = new TrustedCertificate(X509Certificate.parse(intermediateDer).root);
    const root = new TrustedCertificate(X509Certificate.parse(rootDer).root);
    for (let round = 0; round < 3; round++) {
      expect(root.verify()).toBe(true); // self-signed
      expect(intermediate.verify(root)).toBe(true);
      expect(root.verify(intermediate)).toBe(false); // the intermediate did not sign the root
      expect(intermediate.verify()).toBe(false); // nor itself
      expect(intermediate.equals(X509Certificate.parse(intermediateDer))).toBe(true);
      expect(intermediate.equals(root)).toBe(false);
      expect(intermediate.publicKey.equals(X509Certificate.parse(intermediateDer).publicKey)).toBe(
        true,
      );
    }
  });

  it('checks a certificate of another root every time', () => {
    const [intermediateDer, rootDer] = fulcioChain();
    if (intermediateDer === undefined || rootDer === undefined) throw new Error('no Fulcio chain');
    const intermediate = new TrustedCertificate(X509Certificate.parse(intermediateDer).root);
    const plainRoot = X509Certificate.parse(rootDer);
    expect(intermediate.verify(plainRoot)).toBe(true);
    // An issuer from outside the trusted root is checked, not remembered: this one signed nothing.
    expect(intermediate.verify(X509Certificate.parse(intermediateDer))).toBe(false);
  });
});
