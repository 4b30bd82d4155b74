// Random bearer secrets and their stored form: only a SHA-256 digest ever reaches the database.
import { createHash, randomBytes } from 'node:crypto'

export const randomSecret = (bytes = 32) => randomBytes(bytes).toString('base64url')
export const digest = (secret: string) => createHash('sha256').update(secret).digest('hex')

/** API tokens look like `cab_<8 char prefix>_<secret>`; the prefix is shown to tell tokens apart. */
export function newApiToken(): { token: string; prefix: string } {
  const prefix = randomBytes(6).toString('base64url').slice(0, 8)
  return { token: `cab_${prefix}_${randomSecret()}`, prefix }
}
