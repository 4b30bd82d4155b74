// Signed manifests for audit exports: Ed25519 over the RFC 8785 form of every field but the
// signature, so anyone holding the public key can check a manifest with openssl alone.
import canonicalize from 'canonicalize'
import { createHash, createPublicKey, type KeyObject, sign, verify } from 'node:crypto'

export interface UnsignedManifest {
  version: 1
  format: 'csv' | 'ndjson'
  filters: Record<string, string>
  throughSeq: string
  rowCount: number
  sha256: string
  byteCount: number
  firstAt: string | null
  lastAt: string | null
  chainHead: { seq: string; hash: string } | null
  generatedAt: string
  algorithm: 'Ed25519'
  keyId: string
}

export interface SignedManifest extends UnsignedManifest {
  signature: string
}

/** The exact bytes a manifest's signature covers. */
export function manifestSigningBytes(manifest: UnsignedManifest | SignedManifest): Buffer {
  const { signature: _ignored, ...unsigned } = manifest as SignedManifest
  const canonical = canonicalize(unsigned)
  if (canonical === undefined) throw new Error('manifest cannot be canonicalised')
  return Buffer.from(canonical, 'utf8')
}

/** SHA-256 of the public key's SPKI DER encoding: names the key without revealing anything. */
export function signingKeyId(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
}

export function signManifest(manifest: UnsignedManifest, privateKey: KeyObject): SignedManifest {
  const signature = sign(null, manifestSigningBytes(manifest), privateKey).toString('base64')
  return { ...manifest, signature }
}

export function manifestSignatureValid(manifest: SignedManifest, publicKeyPem: string | KeyObject): boolean {
  const key = typeof publicKeyPem === 'string' ? createPublicKey(publicKeyPem) : publicKeyPem
  try {
    return verify(null, manifestSigningBytes(manifest), key, Buffer.from(manifest.signature, 'base64'))
  } catch {
    // A malformed signature or key of the wrong type is simply not a valid signature.
    return false
  }
}
