// Where the test sshd started by ./scripts/test (scripts/lib/sshd.sh) listens, and how to log in to it.
// Missing settings fail the test that needs them: the SSH tests are never skipped.
import { readFileSync } from 'node:fs'
import { createSshTransport, type SshTransport, type SshTransportOptions } from '../../src/transport'

export interface TestSshd {
  host: string
  port: number
  username: string
  privateKey: string
  hostKeySha256: string
}

const NAMES = {
  host: 'CABINET_TEST_SSH_HOST',
  port: 'CABINET_TEST_SSH_PORT',
  username: 'CABINET_TEST_SSH_USER',
  keyFile: 'CABINET_TEST_SSH_KEY',
  hostKeySha256: 'CABINET_TEST_SSH_HOST_KEY_SHA256',
} as const

export function testSshd(): TestSshd {
  const missing = Object.values(NAMES).filter((name) => !process.env[name])
  if (missing.length > 0) {
    throw new Error(
      `the SSH tests need a real sshd, and ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set: ` +
        'run them through ./scripts/test, which starts one, or start it yourself with ' +
        '`source scripts/lib/sshd.sh && ensure_test_sshd .data/test/sshd 22220` and export the variables scripts/test exports',
    )
  }
  const env = (name: string) => process.env[name] ?? ''
  return {
    host: env(NAMES.host),
    port: Number(env(NAMES.port)),
    username: env(NAMES.username),
    privateKey: readFileSync(env(NAMES.keyFile), 'utf8'),
    hostKeySha256: env(NAMES.hostKeySha256),
  }
}

/** A transport to the test sshd with test-sized limits; `overrides` replace any option. */
export function testSshTransport(overrides: Partial<SshTransportOptions> = {}): SshTransport {
  return createSshTransport({
    ...testSshd(),
    connectTimeoutMs: 5000,
    commandTimeoutMs: 10_000,
    maxOutputBytes: 1024 * 1024,
    ...overrides,
  })
}
