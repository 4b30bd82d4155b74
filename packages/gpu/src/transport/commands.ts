// The only commands Cabinet runs on a node: named templates whose arguments are validated here and
// rendered to an argv (program and arguments, never a shell string). A refused argument names its field.
import type { CommandSpec } from './types'

/** nvidia-smi --query-gpu fields Cabinet asks for; the CSV parser reads every one of them. */
export const QUERY_GPU_FIELDS = [
  'timestamp',
  'driver_version',
  'count',
  'index',
  'name',
  'uuid',
  'serial',
  'pci.bus_id',
  'vbios_version',
  'temperature.gpu',
  'temperature.gpu.tlimit',
  'power.draw',
  'power.limit',
  'enforced.power.limit',
  'memory.total',
  'memory.used',
  'utilization.gpu',
  'mig.mode.current',
  'ecc.mode.current',
  'ecc.errors.corrected.volatile.total',
  'ecc.errors.uncorrected.volatile.total',
  'ecc.errors.corrected.aggregate.total',
  'ecc.errors.uncorrected.aggregate.total',
  'retired_pages.single_bit_ecc.count',
  'retired_pages.double_bit.count',
  'retired_pages.pending',
  'clocks_event_reasons.active',
  'clocks_event_reasons.supported',
  'clocks_event_reasons.hw_slowdown',
  'clocks_event_reasons.hw_thermal_slowdown',
  'clocks_event_reasons.hw_power_brake_slowdown',
  'clocks_throttle_reasons.active',
  'clocks_throttle_reasons.supported',
  'clocks_throttle_reasons.hw_slowdown',
  'reset_status.reset_required',
  'reset_status.drain_and_reset_recommended',
] as const
export type QueryGpuField = (typeof QUERY_GPU_FIELDS)[number]

/** How a node is drained: Slurm's scontrol, Kubernetes (run where kubectl reaches the cluster), or the simulator. */
export const DRAIN_SCHEDULERS = ['slurm', 'kubernetes', 'simulator'] as const
export type DrainScheduler = (typeof DRAIN_SCHEDULERS)[number]

/**
 * How a node installs drivers, reboots and reports its status: `linux` (Debian/Ubuntu with NVIDIA's CUDA
 * apt repository, privileged steps through `sudo -n` so a missing sudo rule fails fast instead of
 * prompting) or `simulator` (packages/gpu-sim's `cabinet-node`).
 */
export const NODE_PLATFORMS = ['linux', 'simulator'] as const
export type NodePlatform = (typeof NODE_PLATFORMS)[number]

export type CommandRequest =
  | { name: 'nvidia-smi-xml' }
  | { name: 'nvidia-smi-query'; fields: readonly QueryGpuField[] }
  | { name: 'dcgmi-diag'; level: 1 | 2 | 3 }
  | { name: 'dcgmi-health' }
  | { name: 'dcgmi-discovery' }
  /** Kernel log lines to read XIDs from: the whole ring buffer, or the journal since an ISO 8601 time. */
  | { name: 'dmesg-xid'; since?: string }
  | { name: 'install-driver'; platform: NodePlatform; version: string }
  | { name: 'reboot'; platform: NodePlatform }
  | { name: 'drain'; scheduler: DrainScheduler; hostname: string; reason: string }
  | { name: 'resume'; scheduler: DrainScheduler; hostname: string }
  | { name: 'node-status'; platform: NodePlatform }

export type CommandName = CommandRequest['name']
export const COMMAND_NAMES = [
  'nvidia-smi-xml',
  'nvidia-smi-query',
  'dcgmi-diag',
  'dcgmi-health',
  'dcgmi-discovery',
  'dmesg-xid',
  'install-driver',
  'reboot',
  'drain',
  'resume',
  'node-status',
] as const satisfies readonly CommandName[]

export interface RenderedCommand extends CommandSpec {
  readonly name: CommandName
  readonly argv: readonly string[]
  /** True for commands that change the node (install, reboot, drain, resume); probes only read. */
  readonly mutating: boolean
}

export class CommandRefusedError extends Error {
  override readonly name = 'CommandRefusedError'
  constructor(
    readonly command: string,
    /** The request field that was refused: `version`, `fields[2]`, `reason`. */
    readonly field: string,
    message: string,
  ) {
    super(`${command}: ${field} ${message}`)
  }
}

export const DRIVER_VERSION = /^\d+(\.\d+){1,3}$/
/** RFC 1123 host names (what Slurm and Kubernetes accept as node names), at most 253 characters. */
const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/
/** A drain reason: a change number and a few words; no quotes, no control characters, no shell syntax. */
const REASON = /^[A-Za-z0-9][A-Za-z0-9 _.,:;#@/+()-]{0,199}$/
/** ISO 8601 with a date, a time and an explicit zone, so the node's own time zone cannot change its meaning. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/

function oneOf<T extends string>(command: string, field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T
  throw new CommandRefusedError(command, field, `must be one of ${allowed.join(', ')}, got ${describe(value)}`)
}

function matching(command: string, field: string, value: unknown, pattern: RegExp, what: string): string {
  if (typeof value === 'string' && pattern.test(value)) return value
  throw new CommandRefusedError(command, field, `must be ${what}, got ${describe(value)}`)
}

/** A refused value, shown short and with control characters escaped. */
function describe(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

function queryFields(command: string, value: unknown): QueryGpuField[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new CommandRefusedError(command, 'fields', 'must list at least one --query-gpu field')
  }
  const fields = value.map((field, index) => oneOf(command, `fields[${index}]`, field, QUERY_GPU_FIELDS))
  const repeated = fields.find((field, index) => fields.indexOf(field) !== index)
  if (repeated) throw new CommandRefusedError(command, 'fields', `lists ${repeated} twice`)
  return fields
}

/** journalctl's `--since @<epoch seconds>`: no date format or time zone for the node to misread. */
function journalSince(command: string, value: unknown): string {
  const text = matching(command, 'since', value, ISO_TIME, 'an ISO 8601 time with a zone (2025-01-31T12:00:00Z)')
  const at = Date.parse(text)
  if (Number.isNaN(at)) throw new CommandRefusedError(command, 'since', `is not a real time: ${describe(text)}`)
  return `@${Math.floor(at / 1000)}`
}

const probe = (name: CommandName, argv: string[]): RenderedCommand => ({ name, argv, mutating: false })
const change = (name: CommandName, argv: string[]): RenderedCommand => ({ name, argv, mutating: true })

/**
 * The argv for a request, after checking every argument; throws CommandRefusedError otherwise. Requests
 * may come from JSON, so values are checked at run time whatever their static type says.
 */
export function renderCommand(request: CommandRequest): RenderedCommand {
  const name = oneOf('command', 'name', request?.name, COMMAND_NAMES)
  switch (request.name) {
    case 'nvidia-smi-xml':
      return probe(name, ['nvidia-smi', '-q', '-x'])
    case 'nvidia-smi-query': {
      const fields = queryFields(name, request.fields)
      return probe(name, ['nvidia-smi', `--query-gpu=${fields.join(',')}`, '--format=csv'])
    }
    case 'dcgmi-diag': {
      const level = request.level
      if (level !== 1 && level !== 2 && level !== 3) {
        throw new CommandRefusedError(name, 'level', `must be 1, 2 or 3, got ${describe(level)}`)
      }
      return probe(name, ['dcgmi', 'diag', '-r', String(level), '-j'])
    }
    case 'dcgmi-health':
      return probe(name, ['dcgmi', 'health', '-c', '-j'])
    case 'dcgmi-discovery':
      return probe(name, ['dcgmi', 'discovery', '-l'])
    case 'dmesg-xid':
      if (request.since === undefined) return probe(name, ['dmesg'])
      return probe(name, [
        'journalctl',
        '-k',
        '-q',
        '--no-pager',
        '-o',
        'short-iso',
        '--since',
        journalSince(name, request.since),
      ])
    case 'install-driver': {
      const platform = oneOf(name, 'platform', request.platform, NODE_PLATFORMS)
      const version = matching(name, 'version', request.version, DRIVER_VERSION, 'a driver version like 550.54.15')
      if (platform === 'simulator') return change(name, ['cabinet-node', 'install-driver', version])
      const major = version.split('.')[0] ?? version
      return change(name, [
        'sudo',
        '-n',
        'env',
        'DEBIAN_FRONTEND=noninteractive',
        'apt-get',
        'install',
        '-y',
        '-q',
        '--allow-downgrades',
        `cuda-drivers-${major}=${version}-1`,
      ])
    }
    case 'reboot': {
      const platform = oneOf(name, 'platform', request.platform, NODE_PLATFORMS)
      return change(name, platform === 'simulator' ? ['cabinet-node', 'reboot'] : ['sudo', '-n', 'systemctl', 'reboot'])
    }
    case 'drain': {
      const scheduler = oneOf(name, 'scheduler', request.scheduler, DRAIN_SCHEDULERS)
      const hostname = matching(name, 'hostname', request.hostname, HOSTNAME, 'an RFC 1123 host name')
      const reason = matching(
        name,
        'reason',
        request.reason,
        REASON,
        '1 to 200 letters, digits, spaces and _.,:;#@/+()-',
      )
      if (scheduler === 'slurm')
        return change(name, ['scontrol', 'update', `nodename=${hostname}`, 'state=drain', `reason=${reason}`])
      if (scheduler === 'kubernetes')
        return change(name, ['kubectl', 'drain', hostname, '--ignore-daemonsets', '--delete-emptydir-data'])
      return change(name, ['cabinet-node', 'drain', '--reason', reason])
    }
    case 'resume': {
      const scheduler = oneOf(name, 'scheduler', request.scheduler, DRAIN_SCHEDULERS)
      const hostname = matching(name, 'hostname', request.hostname, HOSTNAME, 'an RFC 1123 host name')
      if (scheduler === 'slurm') return change(name, ['scontrol', 'update', `nodename=${hostname}`, 'state=resume'])
      if (scheduler === 'kubernetes') return change(name, ['kubectl', 'uncordon', hostname])
      return change(name, ['cabinet-node', 'resume'])
    }
    case 'node-status': {
      const platform = oneOf(name, 'platform', request.platform, NODE_PLATFORMS)
      // On Linux the boot id proves a reboot happened; the simulator prints its whole state.
      if (platform === 'simulator') return probe(name, ['cabinet-node', 'status'])
      return probe(name, ['cat', '/proc/sys/kernel/random/boot_id', '/proc/uptime'])
    }
  }
}
