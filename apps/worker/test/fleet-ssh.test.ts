// Fleet probes over real SSH (the sshd ./scripts/test starts, whose login's PATH holds the simulator):
// a node reached with a pinned host key and a key named by reference probes and passes; a wrong pinned
// key is refused and the run is an error, never a pass. Runs in the `ssh` vitest project.
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { readFleetConfig } from '../src/fleet/config'
import { runProbe } from '../src/fleet/probe-node'
import { writeSimNode } from '../src/fleet/sim-node'
import type { ReachableNode } from '../src/fleet/transports'

const NAMES = [
  'CABINET_TEST_SSH_HOST',
  'CABINET_TEST_SSH_PORT',
  'CABINET_TEST_SSH_USER',
  'CABINET_TEST_SSH_KEY',
] as const
const NAMES_MORE = ['CABINET_TEST_SSH_HOST_KEY_SHA256', 'CABINET_TEST_SSH_SCRATCH'] as const

function sshd() {
  const missing = [...NAMES, ...NAMES_MORE].filter((name) => !process.env[name])
  if (missing.length > 0) {
    throw new Error(`the fleet SSH tests need the sshd ./scripts/test starts; ${missing.join(', ')} not set`)
  }
  const env = (name: (typeof NAMES)[number] | (typeof NAMES_MORE)[number]) => process.env[name] ?? ''
  return {
    host: env('CABINET_TEST_SSH_HOST'),
    port: Number(env('CABINET_TEST_SSH_PORT')),
    user: env('CABINET_TEST_SSH_USER'),
    keyFile: env('CABINET_TEST_SSH_KEY'),
    hostKey: env('CABINET_TEST_SSH_HOST_KEY_SHA256'),
    scratch: env('CABINET_TEST_SSH_SCRATCH'),
  }
}

const folders: string[] = []
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true })
})

/** A simulated node whose state folder the SSH login can read, reached over SSH. */
function sshNode(hostKey?: string): ReachableNode {
  const server = sshd()
  const folder = join(server.scratch, `fleet-${randomBytes(4).toString('hex')}`)
  mkdirSync(folder, { mode: 0o755 })
  folders.push(folder)
  const hostname = 'ssh-node-01'
  const simStateDir = join(folder, hostname)
  writeSimNode(simStateDir, { hostname, gpuModel: 'H100', gpuCount: 8, driver: '570.133.20' })
  return {
    hostname,
    transport: 'ssh',
    address: server.host,
    simStateDir,
    sshPort: server.port,
    sshUser: server.user,
    sshHostKeySha256: hostKey ?? server.hostKey,
    sshKeyRef: `file:${server.keyFile}`,
  }
}

const config = { ...readFleetConfig({}), FLEET_PROBE_TIMEOUT_MS: 30_000, FLEET_SSH_CONNECT_TIMEOUT_MS: 10_000 }
const expected = {
  driverVersion: '570.133.20',
  driverChange: null,
  cudaVersion: '12.8',
  gpuCount: 8,
  firmwareVersion: null,
}
const now = () => new Date()

describe('fleet probes over SSH (real sshd)', () => {
  it('probes a node through its pinned host key and a key named by reference, and it passes', async () => {
    const node = sshNode()
    const run = await runProbe(node, expected, { now, config })
    expect(run).toMatchObject({ status: 'ok', verdict: 'pass', error: null })
    expect(run.transport).toBe(`ssh ${node.sshUser}@${node.address}:${node.sshPort}`)
    expect(run.gpus).toHaveLength(8)
    expect(run.outputs.map((output) => [output.command, output.exitCode])).toEqual([
      ['nvidia-smi-xml', 0],
      ['dmesg-xid', 0],
    ])
  })

  it('refuses a host whose key is not the pinned one: the run is an error, never a pass', async () => {
    const node = sshNode('SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')
    const run = await runProbe(node, expected, { now, config })
    expect(run).toMatchObject({ status: 'error', verdict: 'inconclusive', gpus: [] })
    expect(run.error).toMatch(/host key/i)
  })

  it('does not connect to a node without a pinned host key', async () => {
    const node = { ...sshNode(), sshHostKeySha256: null }
    const run = await runProbe(node, expected, { now, config })
    expect(run).toMatchObject({ status: 'error', verdict: 'inconclusive', outputs: [] })
    expect(run.error).toMatch(/no pinned SSH host key/)
  })
})
