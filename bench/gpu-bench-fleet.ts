// The probing half of `pnpm bench:gpu`: a fleet of simulated 8x H100 nodes written in-process (one state
// folder each, no spawn), probed with `nvidia-smi -q -x` through the local transport with a bounded number in
// flight, parsed and judged; beside it the bare cost of spawning the same simulator shim the same number of times.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import {
  type CommandResult,
  createLocalTransport,
  evaluateNodeHealth,
  type HealthExpectations,
  parseNvidiaSmiXml,
  renderCommand,
} from '@cabinet/gpu'
import { createNodeState, cudaVersionFor, writeState } from '@cabinet/gpu-sim'
import { ROOT, SIM_DRIVER } from './gpu-bench-parse'

/** The simulator's nvidia-smi shim: argv[0] in place of the template's bare `nvidia-smi`. */
export const NVIDIA_SMI_SHIM = resolve(ROOT, 'packages/gpu-sim/bin/nvidia-smi')
const GPUS_PER_NODE = 8
/** At 32 in flight on 2 cores a spawn waits its turn for seconds; a minute means something is wrong. */
const COMMAND_TIMEOUT_MS = 120_000
const MAX_OUTPUT_BYTES = 4 * 1024 * 1024

export interface SimNode {
  hostname: string
  stateDir: string
  expected: HealthExpectations
}

export interface PhaseFigures {
  phase: string
  nodes: number
  concurrency: number
  seconds: number
  nodesPerSecond: number
  p50Ms: number
  p99Ms: number
  maxMs: number
  failures: number
  sampleFailure: string | null
  /** This process's CPU (transport, parsing, health) per second of the phase: 100 is one core. */
  parentCpuPercent: number
  /** The same per node: what the transport (and, when probing, parsing and health) costs this process. */
  parentCpuMsPerNode: number
  /** CPU of the spawned simulators (Node + tsx each), per spawn; null where /proc is not there to read. */
  childCpuSecondsPerSpawn: number | null
  /**
   * Wall time of parse and health evaluation per node (0 for the spawn baseline). On a machine busy with
   * the simulators this includes waiting for a core, so it exceeds the CPU time they take.
   */
  parseAndHealthWallMsMean: number
}

/** Writes `count` nodes' state folders under `dir` with the simulator's own createNodeState and writeState. */
export function createFleet(dir: string, count: number): SimNode[] {
  const now = new Date()
  const cuda = cudaVersionFor(SIM_DRIVER)
  return Array.from({ length: count }, (_, index) => {
    const hostname = `bench-gpu-${String(index + 1).padStart(5, '0')}`
    const stateDir = join(dir, hostname)
    mkdirSync(stateDir)
    const state = createNodeState({ hostname, model: 'H100', gpus: GPUS_PER_NODE, driver: SIM_DRIVER }, now)
    writeState(stateDir, state)
    const expected: HealthExpectations = {
      driverVersion: SIM_DRIVER,
      cudaVersion: cuda,
      gpuCount: GPUS_PER_NODE,
      gpuUuids: state.gpus.map((gpu) => gpu.uuid),
    }
    return { hostname, stateDir, expected }
  })
}

/** Runs task(0..count-1) with at most `concurrency` in flight; resolves when all are done. */
async function pool(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < count) await task(next++)
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  } catch {
    return 100
  }
})()

/** CPU seconds of this process's waited-for children (cutime + cstime), or null off Linux. */
function childCpuSeconds(): number | null {
  try {
    // Fields after the parenthesised command name; cutime and cstime are the 16th and 17th of the whole line.
    const stat = readFileSync('/proc/self/stat', 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS
  } catch {
    return null
  }
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0)

/** What one node's run checks; returns a failure message, or null. */
type Check = (node: SimNode, result: CommandResult) => string | null

async function runPhase(
  phase: string,
  nodes: readonly SimNode[],
  concurrency: number,
  argv: readonly string[],
  check: Check,
): Promise<PhaseFigures & { parseAndHealthMs: number }> {
  const latencies: number[] = []
  let failures = 0
  let sampleFailure: string | null = null
  let parseAndHealthMs = 0
  const cpuBefore = process.cpuUsage()
  const childBefore = childCpuSeconds()
  const started = performance.now()
  await pool(nodes.length, concurrency, async (index) => {
    const node = nodes[index] as SimNode
    const transport = createLocalTransport({
      env: { ...process.env, GPU_SIM_STATE_DIR: node.stateDir },
      timeoutMs: COMMAND_TIMEOUT_MS,
      maxOutputBytes: MAX_OUTPUT_BYTES,
    })
    const began = performance.now()
    let problem: string | null
    try {
      const result = await transport.run({ argv })
      const checkStarted = performance.now()
      problem =
        result.exitCode === 0 ? check(node, result) : `exit ${result.exitCode}: ${result.stderr.trim().slice(0, 300)}`
      parseAndHealthMs += performance.now() - checkStarted
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error)
    } finally {
      await transport.close()
    }
    latencies.push(performance.now() - began)
    if (problem !== null) {
      failures++
      sampleFailure ??= `${node.hostname}: ${problem}`
    }
  })
  const elapsedMs = performance.now() - started
  const cpu = process.cpuUsage(cpuBefore)
  const childAfter = childCpuSeconds()
  latencies.sort((a, b) => a - b)
  const round = (value: number) => Math.round(value)
  return {
    phase,
    nodes: nodes.length,
    concurrency,
    seconds: Math.round(elapsedMs) / 1000,
    nodesPerSecond: Math.round((nodes.length / (elapsedMs / 1000)) * 100) / 100,
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(latencies.at(-1) ?? 0),
    failures,
    sampleFailure,
    parentCpuPercent: Math.round((cpu.user + cpu.system) / 10 / elapsedMs),
    parentCpuMsPerNode: Math.round(((cpu.user + cpu.system) / 1000 / Math.max(nodes.length, 1)) * 100) / 100,
    childCpuSecondsPerSpawn:
      childBefore === null || childAfter === null
        ? null
        : Math.round(((childAfter - childBefore) / Math.max(nodes.length, 1)) * 1000) / 1000,
    parseAndHealthMs,
    parseAndHealthWallMsMean: Math.round((parseAndHealthMs / Math.max(nodes.length, 1)) * 100) / 100,
  }
}

/** The probe: the allow-listed `nvidia-smi -q -x` template, parsed, and judged against what the node should be. */
export function probePhase(nodes: readonly SimNode[], concurrency: number) {
  const [, ...args] = renderCommand({ name: 'nvidia-smi-xml' }).argv
  return runPhase(
    'probe: nvidia-smi -q -x + parse + health',
    nodes,
    concurrency,
    [NVIDIA_SMI_SHIM, ...args],
    (node, result) => {
      const parsed = parseNvidiaSmiXml(result.stdout)
      if (!parsed.ok) return parsed.error.message
      const health = evaluateNodeHealth({ snapshot: parsed.value, expected: node.expected })
      if (health.verdict === 'pass') return null
      const reasons = health.gates.flatMap((gate) => gate.reasons.map((reason) => `${gate.gate}: ${reason.message}`))
      return `verdict ${health.verdict}: ${reasons.slice(0, 3).join('; ')}`
    },
  )
}

/** The baseline: the same shim spawned as often, at the same concurrency, printing its version; nothing parsed. */
export function spawnBaselinePhase(nodes: readonly SimNode[], concurrency: number) {
  return runPhase(
    'baseline: nvidia-smi --version, no parse',
    nodes,
    concurrency,
    [NVIDIA_SMI_SHIM, '--version'],
    (_, result) =>
      result.stdout.includes('DRIVER version') ? null : `unexpected output: ${result.stdout.slice(0, 200)}`,
  )
}
