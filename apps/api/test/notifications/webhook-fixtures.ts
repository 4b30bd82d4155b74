// A webhook secret key file for the API under test (the worker tests write their own).
import { randomBytes } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export function webhookKeyFile(): { path: string; key: Buffer } {
  const key = randomBytes(32)
  const path = join(mkdtempSync(join(tmpdir(), 'cabinet-webhook-key-')), 'webhook-secret.key')
  writeFileSync(path, `${key.toString('hex')}\n`, { mode: 0o600 })
  return { path, key }
}
