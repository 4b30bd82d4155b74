// Webhook signing secrets at rest: AES-256-GCM under a key that lives in a file outside the database
// (scripts/start makes .data/webhook-secret.key once). The worker holds the same key to sign.
// Stored form: base64(iv 12 bytes | tag 16 bytes | ciphertext).
import { createCipheriv, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { AppError } from '../../http/errors'

export interface SecretBox {
  seal(secret: string): string
}

/** Reads a key file holding 64 hex characters (32 bytes), as `openssl rand -hex 32` writes it. */
export function readWebhookKey(path: string): Buffer {
  const text = readFileSync(path, 'utf8').trim()
  if (!/^[0-9a-f]{64}$/i.test(text)) throw new Error(`${path}: a webhook secret key is 64 hex characters`)
  return Buffer.from(text, 'hex')
}

export function createSecretBox(key: Buffer | null): SecretBox {
  return {
    seal(secret) {
      // Without a key the secret could only be stored in the clear, or under a key the worker lacks.
      if (!key) throw new AppError('UNAVAILABLE', 'webhooks need WEBHOOK_SECRET_KEY_FILE set on the API and the worker')
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()])
      return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64')
    },
  }
}

/** A new signing secret: `whsec_` and 32 random bytes, shown once to whoever created it. */
export const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64url')}`
