// `cabinet-node`: the control side of the simulated node (what an operator or Cabinet's executor does to it):
// init, install-driver, reboot, drain/resume, status, fault, dmesg and perf. Changes go through the state lock;
// the waits that faults add (slow install, slow reboot) happen outside it so probes keep answering.
import { hostname as osHostname } from 'node:os'
import { cudaVersionFor } from '../hardware/driver'
import { GPU_MODEL_KEYS, GPU_MODELS, isGpuModelKey } from '../hardware/models'
import { renderDmesg } from '../render/kernel-log'
import { fail, ok, SimError, type ToolResult } from '../result'
import {
  clearFault,
  createNodeState,
  drainNode,
  effectiveDrain,
  installDriver,
  reboot,
  resumeNode,
  setFault,
} from '../state/lifecycle'
import { hasState, readState, updateState, withStateLock, writeState } from '../state/store'
import { FAULT_NAMES, type FaultName, type SimState } from '../state/types'
import { perfFigure, viewNode } from '../state/view'
import { numberOption, parseArgs } from './args'
import type { ToolContext } from './context'

const USAGE = `usage: cabinet-node <command> [options]

  init --hostname H --model ${GPU_MODEL_KEYS.join('|')} --gpus N --driver VERSION [--force]
  install-driver VERSION
  reboot
  drain [--reason R] [--seconds N]      Slurm-style; draining for N seconds, then drained
  resume
  status                                the node's state as JSON
  fault [NAME [--on|--off] [--gpu N] [--seconds N] [--percent P] [--count N]]
  dmesg                                 this boot's kernel log
  perf                                  benchmark throughput as JSON

faults: ${FAULT_NAMES.join(', ')}
state folder: $GPU_SIM_STATE_DIR, else $HOME/.gpu-sim
`
const VALUED = new Set([
  '--hostname',
  '--model',
  '--gpus',
  '--driver',
  '--reason',
  '--seconds',
  '--gpu',
  '--percent',
  '--count',
])

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`

/** Slurm's view of the drain state, as `scontrol show node` prints State=. */
function slurmState(state: SimState, now: Date): string {
  const drain = effectiveDrain(state, now)
  return drain === 'none' ? 'IDLE' : drain === 'draining' ? 'MIXED+DRAIN' : 'IDLE+DRAIN'
}

export function statusOf(state: SimState, now: Date): Record<string, unknown> {
  const view = viewNode(state, now)
  const model = GPU_MODELS[state.model]
  return {
    hostname: state.hostname,
    model: state.model,
    productName: model.productName,
    gpuCount: state.gpuCount,
    gpusVisible: view.gpus.length,
    gpus: state.gpus.map((gpu) => ({
      slot: gpu.slot,
      index: view.gpus.find((visible) => visible.slot === gpu.slot)?.index ?? null,
      uuid: gpu.uuid,
      serial: gpu.serial,
      pciBusId: gpu.pciBusId,
      lost: gpu.lost,
      eccVolatileUncorrectable: view.gpus.find((visible) => visible.slot === gpu.slot)?.ecc.volatileUncorrectable ?? 0,
      eccAggregateUncorrectable: gpu.aggregateUncorrectable,
    })),
    driver: {
      installed: state.driver.installed,
      loaded: state.driver.loaded,
      cuda: view.cuda,
      installedCuda: cudaVersionFor(state.driver.installed),
    },
    firmware: { vbios: model.vbios, inforom: model.inforom.image },
    drain: { ...state.drain, state: effectiveDrain(state, now), slurmState: slurmState(state, now) },
    boot: { ...state.boot, state: view.availability.kind === 'booting' ? 'booting' : 'up' },
    availability: view.availability.kind,
    installs: state.installs,
    installLog: state.installLog,
    faults: state.faults,
  }
}

function isFaultName(value: string): value is FaultName {
  return (FAULT_NAMES as readonly string[]).includes(value)
}

export async function runCabinetNode(argv: readonly string[], context: ToolContext): Promise<ToolResult> {
  const args = parseArgs(argv, VALUED, USAGE)
  const [command, ...rest] = args.positional
  const { stateDir: dir, clock } = context
  const noMore = () => {
    if (rest.length > 0) throw new SimError(USAGE, 2)
  }
  switch (command) {
    case undefined:
    case 'help':
      return ok(USAGE)
    case 'init': {
      noMore()
      const model = args.options.get('--model') ?? 'H100'
      if (!isGpuModelKey(model)) throw new SimError(`--model must be one of ${GPU_MODEL_KEYS.join(', ')}`, 2)
      const state = createNodeState(
        {
          hostname: args.options.get('--hostname') ?? osHostname(),
          model,
          gpus: numberOption(args, '--gpus', 'cabinet-node init') ?? 8,
          driver: args.options.get('--driver') ?? '550.54.15',
        },
        clock.now(),
      )
      await withStateLock(dir, () => {
        if (hasState(dir) && !args.flags.has('--force')) {
          throw new SimError(`cabinet-node: ${dir} already holds a node (${readState(dir).hostname}); use --force`, 1)
        }
        writeState(dir, state)
      })
      return ok(json(statusOf(state, clock.now())))
    }
    case 'install-driver': {
      const [version, ...extra] = rest
      if (version === undefined || extra.length > 0) throw new SimError(USAGE, 2)
      const slow = readState(dir).faults['slow-install']
      if (slow) await clock.sleep(slow.seconds * 1000)
      const outcome = await updateState(dir, (state) => installDriver(state, version, clock.now()))
      if (!outcome.ok) return fail(outcome.stderr, 1)
      const note = outcome.changed ? '; reboot to load it' : ''
      return ok(`installed NVIDIA driver ${version} (CUDA ${cudaVersionFor(version)})${note}\n`)
    }
    case 'reboot': {
      noMore()
      const seconds = await updateState(dir, (state) => {
        const slow = state.faults['slow-reboot']?.seconds ?? 0
        reboot(state, clock.now(), slow)
        return slow
      })
      // The command returns when the node is back, like an `ssh node reboot; wait until reachable` would.
      if (seconds > 0) await clock.sleep(seconds * 1000)
      return ok()
    }
    case 'drain': {
      noMore()
      const reason = args.options.get('--reason') ?? 'drained by cabinet-node'
      const seconds = numberOption(args, '--seconds', 'cabinet-node drain') ?? 0
      await updateState(dir, (state) => drainNode(state, reason, seconds, clock.now()))
      return ok()
    }
    case 'resume':
      noMore()
      await updateState(dir, (state) => resumeNode(state, clock.now()))
      return ok()
    case 'status':
      noMore()
      return ok(json(statusOf(readState(dir), clock.now())))
    case 'fault':
      return fault(rest, args, context)
    case 'dmesg':
      noMore()
      return ok(renderDmesg(readState(dir).kernelLog))
    case 'perf': {
      noMore()
      const view = viewNode(readState(dir), clock.now())
      if (view.availability.kind !== 'ready') {
        return fail(`cabinet-node perf: CUDA driver unavailable (${view.availability.kind})\n`, 1)
      }
      const figure = perfFigure(view)
      return ok(
        `${JSON.stringify({ benchmark: 'gemm-bf16', gpus: view.gpus.length, tflops: figure.tflops, perGpuTflops: figure.perGpuTflops, driver: view.driver })}\n`,
      )
    }
    default:
      throw new SimError(USAGE, 2)
  }
}

async function fault(rest: string[], args: ReturnType<typeof parseArgs>, context: ToolContext): Promise<ToolResult> {
  const [name, ...extra] = rest
  if (name === undefined) return ok(json(readState(context.stateDir).faults))
  if (!isFaultName(name)) throw new SimError(`unknown fault "${name}"; faults: ${FAULT_NAMES.join(', ')}`, 2)
  if (extra.length > 0 || (args.flags.has('--on') && args.flags.has('--off'))) throw new SimError(USAGE, 2)
  const usage = `cabinet-node fault ${name}`
  const options = {
    gpu: numberOption(args, '--gpu', usage),
    seconds: numberOption(args, '--seconds', usage),
    percent: numberOption(args, '--percent', usage),
    count: numberOption(args, '--count', usage),
  }
  if (options.percent !== undefined && options.percent > 100)
    throw new SimError(`${usage}: --percent is at most 100`, 2)
  const now = context.clock.now()
  const result = await updateState(context.stateDir, (state) => {
    if (args.flags.has('--off')) {
      clearFault(state, name)
      return null
    }
    const defined = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined))
    return setFault(state, name, defined, now)
  })
  return ok(json(result === null ? { fault: name, on: false } : { fault: name, on: true, ...result }))
}
