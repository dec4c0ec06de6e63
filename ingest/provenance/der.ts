/**
 * `ASN1Obj.toDER()`'s bytes, written at once. @sigstore/core encodes a node by encoding each child
 * into a stream of its own and copying it up, so a certificate's DER costs a buffer and a copy per
 * node per level; re-encoding the leaf for the chain's comparisons and its TBS for the SCT check
 * was a fifth of a verification (bench/provenance.ts). This measures the tree once and writes it
 * into one buffer, by the library's rules: a node's tag byte, its content's length (one byte below
 * 128, else 0x80 | count, then the count's bytes, most significant first), then its children's
 * encodings when it has children (an OCTET STRING parsed as holding some included), else its value.
 * tests/unit/provenance-encoder.test.ts checks it against the library's encoder, byte for byte.
 */
import { ASN1Obj } from '@sigstore/core';

/** How many bytes encode a content length of `length`. */
function lengthBytes(length: number): number {
  if (length < 0x80) return 1;
  let count = 1;
  for (let rest = length; rest > 0xff; rest = Math.floor(rest / 0x100)) count++;
  return 1 + count;
}

/** Every node's content length, in the order `write` visits them (depth first, parent first). */
function measure(node: ASN1Obj, contents: number[]): number {
  const index = contents.push(0) - 1;
  let content = 0;
  if (node.subs.length > 0) for (const sub of node.subs) content += measure(sub, contents);
  else content = node.value.length;
  contents[index] = content;
  return 1 + lengthBytes(content) + content;
}

function write(node: ASN1Obj, contents: readonly number[], out: Buffer, at: Cursor): void {
  const content = contents[at.node++] ?? 0;
  out[at.offset++] = node.tag.toDER();
  if (content < 0x80) out[at.offset++] = content;
  else {
    const count = lengthBytes(content) - 1;
    out[at.offset++] = 0x80 | count;
    for (let i = count - 1; i >= 0; i--) out[at.offset++] = Math.floor(content / 0x100 ** i) & 0xff;
  }
  if (node.subs.length > 0) for (const sub of node.subs) write(sub, contents, out, at);
  else at.offset += node.value.copy(out, at.offset);
}

interface Cursor {
  node: number;
  offset: number;
}

/** The DER of an ASN.1 tree, as `node.toDER()` gives it. */
export function encodeDer(node: ASN1Obj): Buffer {
  const contents: number[] = [];
  const out = Buffer.allocUnsafe(measure(node, contents));
  write(node, contents, out, { node: 0, offset: 0 });
  return out;
}

/** How many bytes `encodeDer(node)` gives, without writing them. */
export function derLength(node: ASN1Obj): number {
  return measure(node, []);
}

/** A node whose DER is written by `encodeDer`. */
class EncodedObj extends ASN1Obj {
  override toDER(): Buffer {
    return encodeDer(this);
  }
}

/**
 * A copy of an ASN.1 tree with arrays of its own (what the SCT check splices), sharing the tags
 * and values, which nothing in the libraries writes to. Its nodes encode with `encodeDer`. It
 * stands for `X509Certificate.clone()` (the certificate encoded and parsed again) without the
 * encode and the parse: the same structure and the same DER. A constructed node's raw `value`
 * is the bytes as sent, where the library's clone has them re-encoded; the two differ only for
 * DER that is not canonical, and such a leaf fails the chain, whose signature check is over the
 * re-encoded TBS.
 */
export function copyTree(node: ASN1Obj): ASN1Obj {
  return new EncodedObj(node.tag, node.value, node.subs.map(copyTree));
}
