// Probes one node: runs nvidia-smi's XML report and the kernel log through the node's transport,
// parses them, judges them with the health gates against what the node is expected to run, and stores
// the run, the node's latest state and any drift in one transaction. The worker's job and the demo seed
// both call this. A job id already stored means the run happened: a redelivered job does nothing.
import { gzipSync } from 'node:zlib'
import type { Logger } from 'pino'
import type { DriftField, GateResultView, GpuProbeRow, ProbeStatus, ProbeVerdict } from '@cabinet/contracts'
import { type Db, Prisma } from '@cabinet/db'
import {
  type CommandResult,
  evaluateNodeHealth,
  isTransportError,
  type NodeSnapshot,
  parseNvidiaSmi,
  parseXidLog,
  type RenderedCommand,
  renderCommand,
  type Transport,
  type XidEvent,
} from '@cabinet/gpu'
import type { FleetConfig } from './config'
import { recordDrift } from './drift'
import { expectationsFor, type NodeExpectations } from './expectations'
import { firmwareOf, gateViews, gpuRows, reasonLines } from './probe-views'
import { defaultTransportFactory, type ReachableNode, type TransportFactory } from './transports'

export interface ProbeNodeDeps {
  db: Db
  now: () => Date
  logger: Pick<Logger, 'info' | 'warn'>
  config: FleetConfig
  /** How nodes are reached; the seed passes the in-process simulator. */
  openTransport?: TransportFactory
}

export interface ProbeNodeInput {
  nodeId: string
  requestId: string
  /** Unique per run: the BullMQ job id, or the seed's own. */
  jobId: string
}

export type ProbeNodeOutcome =
  | {
      outcome: 'probed'
      probeId: string
      status: ProbeStatus
      verdict: ProbeVerdict
      driftOpened: number
      /** How long the probe's commands ran, for the worker's probe duration histogram. */
      durationMs: number
    }
  | { outcome: 'skipped'; reason: 'already-probed' | 'node-gone' }

/** One command's output as stored (gzip JSON) and served by GET /fleet/probes/:id/raw. */
export interface RawOutput {
  command: string
  argv: string[]
  stdout: string
  stderr: string
  exitCode: number | null
  durationMs: number
}

interface ProbeRun {
  startedAt: Date
  finishedAt: Date
  transport: string
  status: ProbeStatus
  error: string | null
  verdict: ProbeVerdict
  snapshot: NodeSnapshot | null
  reasons: string[]
  gpus: GpuProbeRow[]
  gates: GateResultView[]
  outputs: RawOutput[]
}

const firstLine = (text: string) => text.trim().split('\n')[0]?.slice(0, 300) ?? ''

async function runCommand(
  transport: Transport,
  command: RenderedCommand,
  outputs: RawOutput[],
): Promise<CommandResult> {
  try {
    const result = await transport.run(command)
    outputs.push({
      command: command.name,
      argv: [...command.argv],
      stdout: result.stdout,
      stderr: result.stderr,
      exitCode: result.exitCode,
      durationMs: result.durationMs,
    })
    return result
  } catch (error) {
    const partial = isTransportError(error) ? error.details.partial : undefined
    outputs.push({
      command: command.name,
      argv: [...command.argv],
      stdout: partial?.stdout ?? '',
      stderr: partial?.stderr ?? (error instanceof Error ? error.message : String(error)),
      exitCode: null,
      durationMs: partial?.durationMs ?? 0,
    })
    throw error
  }
}

/** Runs the probe commands and judges them; touches no database. Never throws for a node's failure. */
export async function runProbe(
  node: ReachableNode,
  expected: NodeExpectations,
  deps: Pick<ProbeNodeDeps, 'now' | 'config' | 'openTransport'>,
): Promise<ProbeRun> {
  const startedAt = deps.now()
  const outputs: RawOutput[] = []
  let status: ProbeStatus = 'ok'
  let error: string | null = null
  let snapshot: NodeSnapshot | null = null
  let xids: XidEvent[] | null = null
  const notes: string[] = []
  let transport: Transport | null = null
  try {
    transport = (deps.openTransport ?? defaultTransportFactory)(node, deps.config)
    try {
      const report = await runCommand(transport, renderCommand({ name: 'nvidia-smi-xml' }), outputs)
      if (report.exitCode !== 0) {
        status = 'error'
        error = `nvidia-smi exited ${report.exitCode ?? report.signal}: ${firstLine(report.stderr || report.stdout)}`
      } else {
        const parsed = parseNvidiaSmi(report.stdout)
        if (parsed.ok) snapshot = parsed.value
        else {
          status = 'error'
          error = parsed.error.message
        }
      }
    } catch (failure) {
      status = isTransportError(failure, 'TIMEOUT') ? 'timeout' : 'error'
      error = failure instanceof Error ? failure.message : String(failure)
    }
    // The kernel log is read even when nvidia-smi failed: an Xid there says why.
    try {
      const log = await runCommand(transport, renderCommand({ name: 'dmesg-xid' }), outputs)
      const parsed = log.exitCode === 0 ? parseXidLog(log.stdout) : null
      if (parsed?.ok) xids = parsed.value
      else
        notes.push(
          `critical-xid: the kernel log could not be read: ${parsed ? parsed.error.message : firstLine(log.stderr)}`,
        )
    } catch (failure) {
      notes.push(
        `critical-xid: the kernel log could not be read: ${failure instanceof Error ? failure.message : String(failure)}`,
      )
    }
  } catch (failure) {
    // The transport could not be opened (no key, no pinned host key, no state folder).
    status = 'error'
    error = failure instanceof Error ? failure.message : String(failure)
  } finally {
    await transport?.close()
  }

  const health = evaluateNodeHealth({
    snapshot,
    expected: {
      ...(expected.driverVersion ? { driverVersion: expected.driverVersion } : {}),
      gpuCount: expected.gpuCount,
    },
    ...(xids ? { xids: { events: xids } } : {}),
    ...(error ? { probeError: error } : {}),
  })
  // A probe that errored, timed out or could not read the kernel log is never a pass.
  const unsure = status !== 'ok' || notes.length > 0
  const verdict: ProbeVerdict = unsure && health.verdict === 'pass' ? 'inconclusive' : health.verdict
  return {
    startedAt,
    finishedAt: deps.now(),
    transport: transport?.target ?? node.transport,
    status,
    error,
    verdict,
    snapshot,
    reasons: [...(error ? [`probe ${status}: ${error}`] : []), ...reasonLines(health), ...notes],
    gpus: gpuRows(snapshot, health),
    gates: gateViews(health),
    outputs,
  }
}

/** nvidia-smi prints "12.8"; compared as major.minor so a "12.8.0" elsewhere is the same release. */
const majorMinor = (version: string) => version.split('.').slice(0, 2).join('.')

const known = (reading: { known: true; value: string } | { known: false } | undefined) =>
  reading?.known ? reading.value : null

export async function probeNode(deps: ProbeNodeDeps, input: ProbeNodeInput): Promise<ProbeNodeOutcome> {
  const { db } = deps
  if (await db.fleetProbe.findUnique({ where: { jobId: input.jobId }, select: { id: true } })) {
    return { outcome: 'skipped', reason: 'already-probed' }
  }
  const node = await db.node.findUnique({ where: { id: input.nodeId } })
  if (!node) return { outcome: 'skipped', reason: 'node-gone' }
  const expected = await expectationsFor(db, node)
  const run = await runProbe(node, expected, deps)

  const driver = known(run.snapshot?.driverVersion)
  const cuda = known(run.snapshot?.cudaVersion)
  const firmware = firmwareOf(run.snapshot)
  const gpusSeen = run.snapshot ? run.snapshot.gpus.length : null
  const durationMs = Math.max(0, run.finishedAt.getTime() - run.startedAt.getTime())
  try {
    return await db.$transaction(async (tx) => {
      const probe = await tx.fleetProbe.create({
        data: {
          nodeId: node.id,
          jobId: input.jobId,
          requestId: input.requestId,
          status: run.status,
          verdict: run.verdict,
          transport: run.transport,
          startedAt: run.startedAt,
          finishedAt: run.finishedAt,
          durationMs,
          error: run.error,
          driverVersion: driver,
          cudaVersion: cuda,
          gpusSeen,
          reasons: run.reasons,
          // What the gates compared against is kept with the run: the expectation may change later.
          detail: {
            gpus: run.gpus,
            gates: run.gates,
            expected: {
              driverVersion: expected.driverVersion,
              driverChange: expected.driverChange,
              cudaVersion: expected.cudaVersion,
              gpuCount: expected.gpuCount,
            },
          } as unknown as Prisma.InputJsonValue,
          rawGzip: new Uint8Array(gzipSync(JSON.stringify(run.outputs))),
        },
        select: { id: true },
      })
      // Jobs may finish out of order: only a newer run moves the node's latest state.
      const current = await tx.fleetNodeState.findUnique({ where: { nodeId: node.id }, select: { lastProbedAt: true } })
      if (current && current.lastProbedAt > run.startedAt) {
        return {
          outcome: 'probed',
          probeId: probe.id,
          status: run.status,
          verdict: run.verdict,
          driftOpened: 0,
          durationMs,
        }
      }
      let driftOpened = 0
      const observe = async (field: DriftField, want: string | null, seen: string | null) => {
        if (run.status !== 'ok' || !want || !seen || want === seen) return
        const outcome = await recordDrift(tx, {
          nodeId: node.id,
          hostname: node.hostname,
          probeId: probe.id,
          at: run.startedAt,
          field,
          expected: want,
          // The driver and the CUDA version it reports come from the change; GPU count and firmware from the catalog.
          expectedChange: field === 'driver' || field === 'cuda' ? expected.driverChange : null,
          observed: seen,
        })
        if (outcome === 'opened') driftOpened += 1
      }
      await observe('driver', expected.driverVersion, driver)
      await observe('cuda', expected.cudaVersion, cuda === null ? null : majorMinor(cuda))
      await observe('firmware', expected.firmwareVersion, firmware)
      // A missing GPU fails the gpus-visible gate and is also a drift record: the node no longer is what
      // the catalog says, and someone has to decide whether it is repaired or the catalog changed.
      await observe('gpu_count', String(expected.gpuCount), gpusSeen === null ? null : String(gpusSeen))
      const openDrift = await tx.fleetDrift.count({ where: { nodeId: node.id, status: 'open' } })
      const state = {
        health: run.verdict,
        healthReasons: run.reasons,
        driverVersion: driver,
        cudaVersion: cuda,
        firmware,
        gpusSeen,
        lastProbeId: probe.id,
        lastProbedAt: run.startedAt,
        openDrift,
      }
      await tx.fleetNodeState.upsert({
        where: { nodeId: node.id },
        create: { nodeId: node.id, ...state },
        update: state,
      })
      // Raw SQL: a probe is not an edit of the node, so its updated_at and version stay as they are.
      await tx.$executeRaw`UPDATE nodes SET last_probe_at = ${run.startedAt} WHERE id = ${node.id}::uuid`
      return { outcome: 'probed', probeId: probe.id, status: run.status, verdict: run.verdict, driftOpened, durationMs }
    })
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError) {
      // Another delivery of the same job stored its run first, or the node was deleted meanwhile.
      if (error.code === 'P2002') return { outcome: 'skipped', reason: 'already-probed' }
      if (error.code === 'P2003') return { outcome: 'skipped', reason: 'node-gone' }
    }
    throw error
  }
}
