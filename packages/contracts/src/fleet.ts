// The GPU fleet: probe-now requests, the fleet summary, the node table (one denormalised row per node,
// so 10,000 nodes page without aggregation), a node's latest probe per GPU with every gate, probe
// history with its raw output, and drift ("unauthorized change") records to review.
import { z } from 'zod'
import { Cursor, Id, Timestamp, Version, pageOf, text } from './common'
import { GpuModel, NodeTransport } from './vocabulary'

/** A node's health from its latest probe; `never_probed` until the first probe finishes. */
export const FleetHealth = z.enum(['pass', 'fail', 'inconclusive', 'never_probed'])
export type FleetHealth = z.infer<typeof FleetHealth>
/** A probe's verdict: an errored or timed-out probe is `inconclusive`, never `pass`. */
export const ProbeVerdict = z.enum(['pass', 'fail', 'inconclusive'])
export type ProbeVerdict = z.infer<typeof ProbeVerdict>
/** How the probe run itself went: `error` (transport or parse failure) and `timeout` judge nothing. */
export const ProbeStatus = z.enum(['ok', 'error', 'timeout'])
export type ProbeStatus = z.infer<typeof ProbeStatus>
export const DriftField = z.enum(['driver', 'firmware', 'cuda', 'gpu_count'])
export type DriftField = z.infer<typeof DriftField>
export const DriftStatus = z.enum(['open', 'accepted', 'resolved'])
export type DriftStatus = z.infer<typeof DriftStatus>
/** The health gates of packages/gpu (HEALTH_GATES), in report order. */
export const HealthGateName = z.enum([
  'driver-version',
  'cuda-version',
  'gpus-visible',
  'critical-xid',
  'ecc',
  'row-remap',
  'page-retirement',
  'reset-required',
  'hw-slowdown',
  'temperature',
  'dcgm-diag',
])
export type HealthGateName = z.infer<typeof HealthGateName>

const versionFilter = z
  .string()
  .trim()
  .max(32)
  .regex(/^(\d+(\.\d+){0,3}|none)$/, 'must look like 570.86.15, or "none" for nodes that report none')

// ── probe now ──

/** Which nodes to probe: exactly one of `nodeIds`, `clusterId` or `all: true`. */
export const ProbeNowBody = z
  .object({
    nodeIds: z.array(Id).min(1, 'name at least one node').max(10_000).optional(),
    clusterId: Id.optional(),
    all: z.boolean().optional(),
  })
  .superRefine((value, ctx) => {
    const chosen = [value.nodeIds !== undefined, value.clusterId !== undefined, value.all === true].filter(Boolean)
    if (chosen.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['nodeIds'],
        message: 'name exactly one of nodeIds, clusterId or all: true',
      })
    }
  })
export type ProbeNowBody = z.input<typeof ProbeNowBody>
/**
 * `requested`: nodes the request named that exist; `queued`: jobs actually added (a node already queued
 * for the same request id is not queued twice). `requestId` makes the job ids; the same body sent again
 * within the same minute gets the same one, so a double-click does not probe twice.
 */
export const ProbeNowResult = z.object({
  requestId: z.string(),
  requested: z.number().int(),
  queued: z.number().int(),
})
export type ProbeNowResult = z.infer<typeof ProbeNowResult>

// ── summary ──

export const FleetSummaryQuery = z.object({ clusterId: Id.optional() })
const Distribution = z.array(z.object({ value: z.string().nullable(), count: z.number().int() }))
export const UnhealthyNode = z.object({
  id: Id,
  hostname: z.string(),
  clusterId: Id,
  clusterName: z.string(),
  health: FleetHealth,
  healthReasons: z.array(z.string()),
  lastProbedAt: Timestamp.nullable(),
})
export type UnhealthyNode = z.infer<typeof UnhealthyNode>
export const FleetSummary = z.object({
  totals: z.object({
    nodes: z.number().int(),
    pass: z.number().int(),
    fail: z.number().int(),
    inconclusive: z.number().int(),
    never_probed: z.number().int(),
  }),
  /** Most common first; `value` null counts nodes whose probe reported no version (or never probed). */
  drivers: Distribution,
  cuda: Distribution,
  gpuModels: Distribution,
  /** Failing nodes first, then inconclusive; at most 50. */
  unhealthy: z.array(UnhealthyNode),
  openDrift: z.number().int(),
  lastProbeAt: Timestamp.nullable(),
})
export type FleetSummary = z.infer<typeof FleetSummary>

export const DriftView = z.object({
  id: Id,
  nodeId: Id,
  hostname: z.string(),
  clusterId: Id,
  clusterName: z.string(),
  field: DriftField,
  /** What the last completed change that set this field set it to; the catalog's value when no change did (then `expectedChange` is null). */
  expected: z.string().nullable(),
  expectedChange: z.object({ id: Id, number: z.string() }).nullable(),
  observed: z.string().nullable(),
  detectedAt: Timestamp,
  /** The latest probe that still saw the difference. */
  lastSeenAt: Timestamp,
  status: DriftStatus,
  note: z.string(),
  reviewedBy: z.object({ id: Id, name: z.string() }).nullable(),
  reviewedAt: Timestamp.nullable(),
  version: z.number().int(),
})
export type DriftView = z.infer<typeof DriftView>

// ── nodes ──

export const FleetNodeListQuery = z.object({
  clusterId: Id.optional(),
  health: FleetHealth.optional(),
  /** The driver the latest probe reported; `none` for nodes without one. */
  driver: versionFilter.optional(),
  cuda: versionFilter.optional(),
  /** Hostname contains (case-insensitive). */
  q: text(100).optional(),
  /** `true`: only nodes with an open drift record; `false`: only nodes without. */
  drift: z.enum(['true', 'false']).optional(),
  cursor: Cursor.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
})
export type FleetNodeListQuery = z.input<typeof FleetNodeListQuery>
export const FleetNodeRow = z.object({
  id: Id,
  hostname: z.string(),
  clusterId: Id,
  clusterName: z.string(),
  gpuModel: GpuModel,
  /** Expected GPUs (the catalog's count). */
  gpuCount: z.number().int(),
  /** GPUs the latest probe saw; null before the first successful probe. */
  gpusSeen: z.number().int().nullable(),
  /** As the latest probe reported (falls back to the catalog's value before the first probe). */
  driverVersion: z.string().nullable(),
  cudaVersion: z.string().nullable(),
  health: FleetHealth,
  /** At most 5 short lines, failures first. */
  healthReasons: z.array(z.string()),
  lastProbedAt: Timestamp.nullable(),
  openDrift: z.boolean(),
})
export type FleetNodeRow = z.infer<typeof FleetNodeRow>
/** Ordered by hostname. */
export const FleetNodePage = pageOf(FleetNodeRow)
export type FleetNodePage = z.infer<typeof FleetNodePage>

export const GpuProbeRow = z.object({
  index: z.number().int(),
  name: z.string().nullable(),
  uuid: z.string().nullable(),
  pciBusId: z.string().nullable(),
  temperatureC: z.number().nullable(),
  powerDrawW: z.number().nullable(),
  powerLimitW: z.number().nullable(),
  memoryTotalMiB: z.number().nullable(),
  memoryUsedMiB: z.number().nullable(),
  utilizationPercent: z.number().nullable(),
  ecc: z.object({
    volatileCorrectable: z.number().nullable(),
    volatileUncorrectable: z.number().nullable(),
    aggregateCorrectable: z.number().nullable(),
    aggregateUncorrectable: z.number().nullable(),
  }),
  retiredPages: z.object({
    singleBit: z.number().nullable(),
    doubleBit: z.number().nullable(),
    pending: z.boolean().nullable(),
  }),
  remappedRows: z.object({
    correctable: z.number().nullable(),
    uncorrectable: z.number().nullable(),
    pending: z.boolean().nullable(),
    failure: z.boolean().nullable(),
  }),
  /** Active clock event (throttle) reasons by name: `hwSlowdown`, `swPowerCap`, ... */
  throttleReasons: z.array(z.string()),
  resetRequired: z.boolean().nullable(),
  /** This GPU's verdict over every per-GPU gate. */
  verdict: ProbeVerdict,
  reasons: z.array(z.string()),
})
export type GpuProbeRow = z.infer<typeof GpuProbeRow>

export const GateResultView = z.object({
  gate: HealthGateName,
  verdict: ProbeVerdict,
  reasons: z.array(z.object({ code: z.string(), message: z.string(), gpuIndex: z.number().int().nullable() })),
})
export type GateResultView = z.infer<typeof GateResultView>

export const ProbeSummaryView = z.object({
  id: Id,
  nodeId: Id,
  status: ProbeStatus,
  verdict: ProbeVerdict,
  transport: z.string(),
  startedAt: Timestamp,
  finishedAt: Timestamp,
  durationMs: z.number().int(),
  /** Why the probe errored or timed out; null when it ran. */
  error: z.string().nullable(),
  driverVersion: z.string().nullable(),
  cudaVersion: z.string().nullable(),
  gpusSeen: z.number().int().nullable(),
  /** Short lines, failures first. */
  reasons: z.array(z.string()),
})
export type ProbeSummaryView = z.infer<typeof ProbeSummaryView>

export const FleetNodeDetail = FleetNodeRow.extend({
  transport: NodeTransport,
  address: z.string().nullable(),
  firmwareVersion: z.string().nullable(),
  /** What the gates compared against: the last completed change's target driver, else none. */
  expectedDriverVersion: z.string().nullable(),
  expectedDriverChange: z.object({ id: Id, number: z.string() }).nullable(),
  latestProbe: z
    .object({
      summary: ProbeSummaryView,
      gpus: z.array(GpuProbeRow),
      gates: z.array(GateResultView),
    })
    .nullable(),
  /** The last 20 probes, newest first. */
  recentProbes: z.array(ProbeSummaryView),
  openDriftRecords: z.array(DriftView),
})
export type FleetNodeDetail = z.infer<typeof FleetNodeDetail>

export const ProbeHistoryQuery = z.object({
  cursor: Cursor.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})
/** Newest first. */
export const ProbeHistoryPage = pageOf(ProbeSummaryView)
export type ProbeHistoryPage = z.infer<typeof ProbeHistoryPage>

export const ProbeIdParams = z.object({ probeId: Id })
export const ProbeRawOutput = z.object({
  /** The command template's name (`nvidia-smi-xml`) and the argv it ran. */
  command: z.string(),
  argv: z.array(z.string()),
  stdout: z.string(),
  stderr: z.string(),
  exitCode: z.number().int().nullable(),
  durationMs: z.number().int(),
})
export const ProbeRaw = z.object({
  probeId: Id,
  /** False once the retention job pruned this probe's output (the summary stays). */
  available: z.boolean(),
  outputs: z.array(ProbeRawOutput),
})
export type ProbeRaw = z.infer<typeof ProbeRaw>

// ── drift ──

export const DriftListQuery = z.object({
  status: DriftStatus.default('open'),
  clusterId: Id.optional(),
  nodeId: Id.optional(),
  cursor: Cursor.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})
export type DriftListQuery = z.input<typeof DriftListQuery>
/** Newest detection first. */
export const DriftPage = pageOf(DriftView)
export type DriftPage = z.infer<typeof DriftPage>
export const DriftReviewBody = z.object({
  version: Version,
  status: z.enum(['accepted', 'resolved']),
  note: text(2000).default(''),
})
export type DriftReviewBody = z.input<typeof DriftReviewBody>
