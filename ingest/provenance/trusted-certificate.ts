/**
 * Certificates as @sigstore/verify's chain building uses them, with the answers that cannot change
 * kept. The library re-encodes certificates to DER to compare and clone them, builds a key object
 * from an issuer's public key for every signature it checks, and checks each CA's signature again
 * on every bundle; its re-encoding allocates two zeroed buffers per ASN.1 node, and was most of a
 * verification (bench/provenance.ts, bench/provenance-ingest.ts). Nothing mutates a parsed
 * certificate's ASN.1 (the SCT check removes its extension from a clone), so a DER, a public key
 * or a key object, once computed, is the one the library would compute again. The checks are
 * still the library's, on the bytes it would check.
 */
import { X509Certificate, crypto } from '@sigstore/core';
import type { KeyObject } from 'node:crypto';
import { copyTree, derLength, encodeDer } from './der.js';

const derOf = new WeakMap<X509Certificate, Buffer>();

/** `certificate.root.toDER()`'s bytes, computed once per certificate. */
function der(certificate: X509Certificate): Buffer {
  let encoded = derOf.get(certificate);
  if (encoded === undefined) derOf.set(certificate, (encoded = encodeDer(certificate.root)));
  return encoded;
}

/** A certificate whose DER (for every comparison) and public key are computed once. */
class KeptCertificate extends X509Certificate {
  #publicKey: Buffer | undefined;

  override get publicKey(): Buffer {
    return (this.#publicKey ??= super.publicKey);
  }

  override equals(other: X509Certificate): boolean {
    return der(this).equals(der(other));
  }
}

/** A certificate of the trusted root: its signature checks among the root's certificates kept too. */
export class TrustedCertificate extends KeptCertificate {
  #keyObject: KeyObject | undefined;
  /** Whether this certificate's signature verifies under an issuer (itself when undefined). */
  readonly #signedBy = new Map<X509Certificate | undefined, boolean>();

  /** The public key as the library makes it to check a signature (`crypto.createPublicKey`). */
  get keyObject(): KeyObject {
    return (this.#keyObject ??= crypto.createPublicKey(this.publicKey));
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

/**
 * The TBS part of a certificate's DER as the library encodes it: `root.toDER()` is the SEQUENCE's
 * tag and length, then the DER of its elements (TBS, algorithm, signature) one after the other,
 * so the TBS is what lies between the header and the elements after it.
 */
export function tbsOf(certificate: X509Certificate): Buffer {
  const encoded = der(certificate);
  const lengthByte = encoded[1] ?? 0;
  const header = lengthByte < 0x80 ? 2 : 2 + (lengthByte & 0x7f);
  let tail = 0;
  for (const element of certificate.root.subs.slice(1)) tail += derLength(element);
  return encoded.subarray(header, encoded.length - tail);
}

/**
 * A bundle's signing certificate, for one verification: its DER computed once (in one pass,
 * `encodeDer`), for every comparison and for the TBS its signature is checked over; its public key
 * once; its signature checked (once, as the library does) with the trusted issuer's kept key
 * object; and the clone the SCT check takes copied, not encoded and parsed again.
 */
export class LeafCertificate extends KeptCertificate {
  /**
   * For the library's clone (a certificate parsed from a copy of this one's DER), without the
   * encode and the parse: the same structure and DER, with arrays of its own (`copyTree`), whose
   * TBS the SCT check then encodes with `encodeDer`.
   */
  override clone(): X509Certificate {
    return new X509Certificate(copyTree(this.root));
  }

  override verify(issuer?: X509Certificate): boolean {
    if (!(issuer instanceof TrustedCertificate)) return super.verify(issuer);
    return crypto.verify(
      tbsOf(this),
      issuer.keyObject,
      this.signatureValue,
      this.signatureAlgorithm,
    );
  }
}
