// What happens to the node: created, a driver installed, rebooted, drained and resumed, faults set and
// cleared. Plain mutations of the state at a given time, so cabinet-node, tests and the demo fleet share them.
import { randomUUID } from 'node:crypto'
import { driverVersionProblem } from '../hardware/driver'
import { gpuSerial, gpuUuid, pciBusId } from '../hardware/identity'
import { GPU_MODELS, type GpuModelKey, MAX_GPUS } from '../hardware/models'
import { bootLines, dbeLines, missingGpuLines, xid79Lines } from '../render/kernel-log'
import { SimError } from '../result'
import { type DrainState, type FaultName, type FaultSettings, SIM_STATE_SCHEMA, type SimState } from './types'

const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/
const INSTALL_LOG_LIMIT = 100
/** When in a boot the kernel reports what went wrong: the GPU init, and a GPU falling off under first load. */
const MISSING_GPU_UPTIME = 5.312
const XID79_UPTIME = 63.512201

export interface NodeSpec {
  hostname: string
  model: GpuModelKey
  gpus: number
  driver: string
}

export function createNodeState(spec: NodeSpec, now: Date): SimState {
  if (!HOSTNAME.test(spec.hostname)) throw new SimError(`"${spec.hostname}" is not a valid hostname`, 2)
  if (!Number.isInteger(spec.gpus) || spec.gpus < 1 || spec.gpus > MAX_GPUS) {
    throw new SimError(`--gpus must be a whole number from 1 to ${MAX_GPUS}`, 2)
  }
  const problem = driverVersionProblem(spec.driver)
  if (problem) throw new SimError(problem, 2)
  const model = GPU_MODELS[spec.model]
  const gpus = Array.from({ length: spec.gpus }, (_, slot) => ({
    slot,
    uuid: gpuUuid(spec.hostname, slot),
    serial: gpuSerial(spec.hostname, slot),
    pciBusId: pciBusId(model, slot),
    lost: null,
    aggregateUncorrectable: 0,
  }))
  return {
    schema: SIM_STATE_SCHEMA,
    hostname: spec.hostname,
    model: spec.model,
    gpuCount: spec.gpus,
    gpus,
    driver: { installed: spec.driver, loaded: spec.driver },
    installs: {},
    installLog: [],
    drain: { state: 'none', reason: null, since: null, drainedAt: null, drainedBefore: false },
    boot: { id: randomUUID(), count: 0, bootedAt: now.toISOString(), readyAt: now.toISOString() },
    faults: {},
    kernelLog: bootLines(spec.driver, gpus),
  }
}

/** Seconds since the current boot, never before the last logged line, so the log stays in order. */
function uptime(state: SimState, now: Date): number {
  const seconds = (now.getTime() - Date.parse(state.boot.bootedAt)) / 1000
  const last = state.kernelLog.at(-1)?.uptime ?? 0
  return Math.max(seconds, last + 0.5)
}

function logInstall(state: SimState, version: string, now: Date, ok: boolean, message: string | null): void {
  state.installLog.push({ version, at: now.toISOString(), ok, message })
  if (state.installLog.length > INSTALL_LOG_LIMIT)
    state.installLog.splice(0, state.installLog.length - INSTALL_LOG_LIMIT)
}

/** The real .run installer's closing lines when building the kernel module fails. */
const INSTALLER_FAILURE =
  'ERROR: An error occurred while performing the step: "Building kernel modules". See /var/log/nvidia-installer.log for details.\n\n' +
  "ERROR: Installation has failed.  Please see the file '/var/log/nvidia-installer.log' for details.  You may find suggestions on fixing installation problems in the README available on the Linux driver download page at www.nvidia.com.\n"

export type InstallOutcome = { ok: true; changed: boolean } | { ok: false; stderr: string }

export function installDriver(state: SimState, version: string, now: Date): InstallOutcome {
  const problem = driverVersionProblem(version)
  if (problem) throw new SimError(problem, 2)
  const failing = state.faults['install-fails']
  if (failing) {
    const failuresSince = state.installLog.filter((entry) => !entry.ok && entry.at >= failing.setAt).length
    if (failing.count === 0 || failuresSince < failing.count) {
      logInstall(state, version, now, false, 'Building kernel modules failed')
      return { ok: false, stderr: INSTALLER_FAILURE }
    }
  }
  state.installs[version] = (state.installs[version] ?? 0) + 1
  logInstall(state, version, now, true, null)
  state.driver.installed = version
  const changed = version !== state.driver.loaded
  if (changed) {
    // "After the next upgrade": these faults attach to the first version installed after they were set.
    for (const name of ['xid79-after-upgrade', 'perf-regression'] as const) {
      const fault = state.faults[name]
      if (fault && fault.triggeredBy === null) fault.triggeredBy = version
    }
  }
  return { ok: true, changed }
}

/** A new boot: the installed driver is loaded, and faults waiting for a reboot happen. */
export function reboot(state: SimState, now: Date, slowSeconds: number): void {
  state.boot = {
    id: randomUUID(),
    count: state.boot.count + 1,
    bootedAt: now.toISOString(),
    readyAt: new Date(now.getTime() + slowSeconds * 1000).toISOString(),
  }
  state.driver.loaded = state.driver.installed
  const model = GPU_MODELS[state.model]
  const missing = state.faults['gpu-missing-after-reboot']
  const missingGpu = missing && !missing.fired ? state.gpus[missing.gpu] : undefined
  if (missing && missingGpu) {
    missingGpu.lost = 'missing'
    missing.fired = true
  }
  state.kernelLog = bootLines(
    state.driver.loaded,
    state.gpus.filter((gpu) => gpu.lost === null),
  )
  // A GPU that is gone stays gone: every boot its adapter fails to initialise again.
  for (const gpu of state.gpus.filter((candidate) => candidate.lost !== null)) {
    state.kernelLog.push(...missingGpuLines(model, gpu, MISSING_GPU_UPTIME + gpu.slot * 0.01))
  }
  const xid79 = state.faults['xid79-after-upgrade']
  const fallingGpu = xid79 && !xid79.fired ? state.gpus[xid79.gpu] : undefined
  if (xid79 && fallingGpu && fallingGpu.lost === null && xid79.triggeredBy === state.driver.loaded) {
    fallingGpu.lost = 'fell-off-bus'
    xid79.fired = true
    state.kernelLog.push(...xid79Lines(model, fallingGpu, XID79_UPTIME))
  }
  const ecc = state.faults['ecc-errors']
  const eccGpu = ecc ? state.gpus[ecc.gpu] : undefined
  if (eccGpu && eccGpu.lost === null) state.kernelLog.push(...dbeLines(model, eccGpu, uptime(state, now)))
}

/** Drain state now: a draining node becomes drained once its (simulated) jobs are gone. */
export function effectiveDrain(state: SimState, now: Date): DrainState {
  const { drain } = state
  if (drain.state === 'draining' && drain.drainedAt && Date.parse(drain.drainedAt) <= now.getTime()) return 'drained'
  return drain.state
}

/** `scontrol update nodename=H state=drain reason=R`: draining a drained node only updates the reason. */
export function drainNode(state: SimState, reason: string, seconds: number, now: Date): void {
  const current = effectiveDrain(state, now)
  state.drain.drainedBefore = current !== 'none'
  state.drain.reason = reason
  if (current !== 'none') {
    state.drain.state = current
    return
  }
  state.drain.state = seconds > 0 ? 'draining' : 'drained'
  state.drain.since = now.toISOString()
  state.drain.drainedAt = new Date(now.getTime() + seconds * 1000).toISOString()
}

/** `scontrol update nodename=H state=resume`; Slurm refuses it on a node that is not drained. */
export function resumeNode(state: SimState, now: Date): void {
  if (effectiveDrain(state, now) === 'none') {
    throw new SimError('slurm_update error: Invalid node state specified', 1)
  }
  state.drain = { state: 'none', reason: null, since: null, drainedAt: null, drainedBefore: false }
}

export type FaultOptions = Partial<Pick<FaultSettings, 'gpu' | 'seconds' | 'percent' | 'count'>>

const FAULT_DEFAULTS: Pick<FaultSettings, 'gpu' | 'seconds' | 'percent'> = { gpu: 0, seconds: 20, percent: 20 }
/** ecc-errors: two uncorrectable errors; install-fails: 0 = every install fails. */
const DEFAULT_COUNT: Partial<Record<FaultName, number>> = { 'ecc-errors': 2 }

export function setFault(state: SimState, name: FaultName, options: FaultOptions, now: Date): FaultSettings {
  const gpu = options.gpu ?? FAULT_DEFAULTS.gpu
  if (!Number.isInteger(gpu) || gpu < 0 || gpu >= state.gpuCount) {
    throw new SimError(`--gpu must be a GPU slot from 0 to ${state.gpuCount - 1}`, 2)
  }
  clearFault(state, name)
  const settings: FaultSettings = {
    gpu,
    seconds: options.seconds ?? FAULT_DEFAULTS.seconds,
    percent: options.percent ?? FAULT_DEFAULTS.percent,
    count: options.count ?? DEFAULT_COUNT[name] ?? 0,
    triggeredBy: null,
    fired: false,
    setAt: now.toISOString(),
  }
  state.faults[name] = settings
  const target = state.gpus[gpu]
  if (name === 'ecc-errors' && target) {
    target.aggregateUncorrectable += settings.count
    if (target.lost === null) state.kernelLog.push(...dbeLines(GPU_MODELS[state.model], target, uptime(state, now)))
  }
  return settings
}

/** Clearing a fault repairs what it broke: lost GPUs come back, volatile ECC errors stop (lifetime ones stay). */
export function clearFault(state: SimState, name: FaultName): void {
  if (!state.faults[name]) return
  delete state.faults[name]
  const repaired =
    name === 'xid79-after-upgrade' ? 'fell-off-bus' : name === 'gpu-missing-after-reboot' ? 'missing' : null
  for (const gpu of state.gpus) if (repaired && gpu.lost === repaired) gpu.lost = null
}
