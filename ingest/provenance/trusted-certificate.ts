/**
 * A certificate of the trusted root, as @sigstore/verify's chain building uses it: the library
 * re-encodes both certificates to DER to compare them and checks each CA's signature again on
 * every bundle. Those answers cannot change for a parsed certificate (nothing mutates its ASN.1;
 * the SCT check works on a clone), so this keeps them: the DER of any certificate compared with,
 * the public key, and whether one trusted certificate signed another. A leaf's own signature is
 * still checked on every bundle.
 */
import { X509Certificate } from '@sigstore/core';

const derOf = new WeakMap<X509Certificate, Buffer>();

function der(certificate: X509Certificate): Buffer {
  let encoded = derOf.get(certificate);
  if (encoded === undefined) derOf.set(certificate, (encoded = certificate.root.toDER()));
  return encoded;
}

export class TrustedCertificate extends X509Certificate {
  #publicKey: Buffer | undefined;
  /** Whether this certificate's signature verifies under an issuer (itself when undefined). */
  readonly #signedBy = new Map<X509Certificate | undefined, boolean>();

  override get publicKey(): Buffer {
    return (this.#publicKey ??= super.publicKey);
  }

  override equals(other: X509Certificate): boolean {
    return der(this).equals(der(other));
  }

  override verify(issuer?: X509Certificate): boolean {
    // Only answers between certificates of the trusted root are kept.
    if (issuer !== undefined && !(issuer instanceof TrustedCertificate))
      return super.verify(issuer);
    let verified = this.#signedBy.get(issuer);
    if (verified === undefined) this.#signedBy.set(issuer, (verified = super.verify(issuer)));
    return verified;
  }
}
