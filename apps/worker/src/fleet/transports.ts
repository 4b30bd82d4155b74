// How a probe reaches a node (docs/fleet.md): simulated nodes run the gpu-sim shims as child
// processes with the node's state folder, local nodes run the real tools here, and SSH nodes run
// them over one pinned-host-key connection. Private keys are read from a file or an environment
// variable named on the node, never from the database.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { delimiter, dirname, join } from 'node:path'
import { createLocalTransport, createSshTransport, type Transport } from '@cabinet/gpu'
import type { FleetConfig } from './config'

export interface ReachableNode {
  hostname: string
  transport: 'local' | 'ssh' | 'simulated'
  address: string | null
  simStateDir: string | null
  sshPort: number | null
  sshUser: string | null
  sshHostKeySha256: string | null
  sshKeyRef: string | null
}

/** Opens a transport for one node; a node that cannot be reached as configured is an Error saying why. */
export type TransportFactory = (node: ReachableNode, config: FleetConfig) => Transport

/** The simulator's shims: next to its package, found through the workspace link. */
export function simulatorBin(config: FleetConfig): string {
  if (config.GPU_SIM_BIN) return config.GPU_SIM_BIN
  const entry = createRequire(import.meta.url).resolve('@cabinet/gpu-sim')
  return join(dirname(entry), '..', 'bin')
}

function privateKeyOf(node: ReachableNode, config: FleetConfig): string {
  const ref = node.sshKeyRef ?? (config.FLEET_SSH_KEY_PATH ? `file:${config.FLEET_SSH_KEY_PATH}` : null)
  if (!ref) throw new Error(`node ${node.hostname} names no SSH key (sshKeyRef) and FLEET_SSH_KEY_PATH is not set`)
  if (ref.startsWith('env:')) {
    const value = process.env[ref.slice(4)]
    if (!value)
      throw new Error(`node ${node.hostname}: the environment variable ${ref.slice(4)} holding its SSH key is not set`)
    return value
  }
  if (ref.startsWith('file:')) return readFileSync(ref.slice(5), 'utf8')
  throw new Error(`node ${node.hostname}: sshKeyRef must be file:/path or env:NAME`)
}

export const defaultTransportFactory: TransportFactory = (node, config) => {
  const limits = { timeoutMs: config.FLEET_PROBE_TIMEOUT_MS, maxOutputBytes: config.FLEET_PROBE_MAX_OUTPUT_BYTES }
  switch (node.transport) {
    case 'simulated': {
      if (!node.simStateDir)
        throw new Error(`simulated node ${node.hostname} has no simulator state folder (simStateDir)`)
      const env = {
        ...process.env,
        PATH: `${simulatorBin(config)}${delimiter}${process.env.PATH ?? ''}`,
        GPU_SIM_STATE_DIR: node.simStateDir,
      }
      return createLocalTransport({ ...limits, env, killGraceMs: 500 })
    }
    case 'local':
      return createLocalTransport(limits)
    case 'ssh': {
      if (!node.sshHostKeySha256) {
        throw new Error(`node ${node.hostname} has no pinned SSH host key (sshHostKeySha256): refusing to connect`)
      }
      return createSshTransport({
        host: node.address ?? node.hostname,
        port: node.sshPort ?? 22,
        username: node.sshUser ?? config.FLEET_SSH_USER,
        privateKey: privateKeyOf(node, config),
        hostKeySha256: node.sshHostKeySha256,
        connectTimeoutMs: config.FLEET_SSH_CONNECT_TIMEOUT_MS,
        commandTimeoutMs: config.FLEET_PROBE_TIMEOUT_MS,
        maxOutputBytes: config.FLEET_PROBE_MAX_OUTPUT_BYTES,
        // A simulator behind SSH (the tests' sshd accepts GPU_SIM_*): its state folder travels as env.
        ...(node.simStateDir ? { env: { GPU_SIM_STATE_DIR: node.simStateDir } } : {}),
      })
    }
  }
}
