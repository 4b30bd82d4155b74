// The key that opens webhook signing secrets (sealed by the API with AES-256-GCM). Set once at
// start from WEBHOOK_SECRET_KEY_FILE (main.ts); handlers have no configuration of their own.
import { createDecipheriv } from 'node:crypto'
import { readFileSync } from 'node:fs'

let webhookKey: Buffer | null = null

export function readWebhookKeyFile(path: string): Buffer {
  const text = readFileSync(path, 'utf8').trim()
  if (!/^[0-9a-f]{64}$/i.test(text)) throw new Error(`${path}: a webhook secret key is 64 hex characters`)
  return Buffer.from(text, 'hex')
}

export function setWebhookKey(key: Buffer | null): void {
  if (key && key.length !== 32) throw new Error('a webhook secret key is 32 bytes')
  webhookKey = key
}

/** Opens base64(iv | tag | ciphertext); throws when there is no key or the cipher was tampered with. */
export function openSecret(sealed: string): string {
  if (!webhookKey) throw new Error('the worker has no WEBHOOK_SECRET_KEY_FILE: cannot sign webhook deliveries')
  const raw = Buffer.from(sealed, 'base64')
  const decipher = createDecipheriv('aes-256-gcm', webhookKey, raw.subarray(0, 12))
  decipher.setAuthTag(raw.subarray(12, 28))
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
}
