// The node verdict and its rules: fail beats inconclusive beats pass, unknown is never pass, an errored or
// empty probe is never a pass; per-GPU aggregation; ECC against a baseline; XIDs mapped to their GPU.
import { describe, expect, it } from 'vitest'
import { known, type Reading } from '../../src/common/readings'
import { evaluateNodeHealth, type HealthInput, type HealthVerdict } from '../../src/health'
import { pciKey } from '../../src/health/xid-gate'
import type { NodeSnapshot } from '../../src/model'
import { diag, gpuAt, NA, snapshot, xid } from './builders'

const TARGET = { driverVersion: '570.124.06', cudaVersion: '12.8', gpuCount: 4 }

function isReading(value: unknown): value is Reading<unknown> {
  return typeof value === 'object' && value !== null && 'known' in value && typeof value.known === 'boolean'
}

/** Every Reading in the snapshot replaced by what nvidia-smi prints when it cannot read a value. */
function everythingUnknown<T>(value: T): T {
  if (isReading(value)) return NA as T
  if (Array.isArray(value)) return value.map(everythingUnknown) as T
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, everythingUnknown(inner)])) as T
  }
  return value
}

describe('the node verdict', () => {
  it('passes a healthy node on every gate, each GPU passing', () => {
    const health = evaluateNodeHealth({
      snapshot: snapshot(4),
      expected: { ...TARGET, diagLevel: 3 },
      xids: { events: [], since: new Date('2031-06-02T10:00:00Z') },
      diag: diag(),
      baseline: snapshot(4),
    })
    expect(health.verdict).toBe('pass')
    expect(health.gates.map((gate) => `${gate.gate}:${gate.verdict}`)).toEqual([
      'driver-version:pass',
      'cuda-version:pass',
      'gpus-visible:pass',
      'critical-xid:pass',
      'ecc:pass',
      'row-remap:pass',
      'page-retirement:pass',
      'reset-required:pass',
      'hw-slowdown:pass',
      'temperature:pass',
      'dcgm-diag:pass',
    ])
    expect(health.perGpu).toEqual([0, 1, 2, 3].map((index) => ({ index, verdict: 'pass', reasons: [] })))
  })

  it('leaves out the gates nobody asked for (no target, no XID log, no diag)', () => {
    const health = evaluateNodeHealth({ snapshot: snapshot(2), expected: {} })
    expect(health.gates.map((gate) => gate.gate)).toEqual([
      'gpus-visible',
      'ecc',
      'row-remap',
      'page-retirement',
      'reset-required',
      'hw-slowdown',
      'temperature',
    ])
  })

  it.each<[string, (node: NodeSnapshot) => void, HealthVerdict]>([
    ['nothing wrong', () => {}, 'pass'],
    [
      'one unknown',
      (n) => {
        gpuAt(n, 2).temperatureLimitsC.slowdown = NA
      },
      'inconclusive',
    ],
    [
      'one failure',
      (n) => {
        gpuAt(n, 1).remappedRows.pending = known(true)
      },
      'fail',
    ],
    [
      'a failure beats an unknown',
      (n) => {
        gpuAt(n, 1).remappedRows.pending = known(true)
        gpuAt(n, 2).resetRequired = NA
      },
      'fail',
    ],
    [
      'a node-level failure alone',
      (n) => {
        n.driverVersion = known('535.104.05')
      },
      'fail',
    ],
  ])('%s: %s', (_title, edit, verdict) => {
    const node = snapshot(4)
    edit(node)
    expect(evaluateNodeHealth({ snapshot: node, expected: TARGET }).verdict).toBe(verdict)
  })
})

describe('per-GPU aggregation', () => {
  it('gives each GPU the worst of its own findings, with the reasons that name it', () => {
    const node = snapshot(4)
    gpuAt(node, 1).remappedRows.pending = known(true)
    gpuAt(node, 2).clockEventReasons.hwSlowdown = NA
    const health = evaluateNodeHealth({
      snapshot: node,
      expected: TARGET,
      xids: { events: [xid(79, 'PCI:0000:48:00')] },
      diag: diag({
        overall: 'fail',
        tests: [
          {
            category: 'Hardware',
            name: 'Memory',
            verdict: 'fail',
            gpus: [{ gpuId: 0, verdict: 'fail', info: ['DBE'] }],
            info: [],
            warnings: [],
          },
        ],
      }),
    })
    expect(health.verdict).toBe('fail')
    expect(health.perGpu.map((gpu) => [gpu.index, gpu.verdict, gpu.reasons.map((reason) => reason.code)])).toEqual([
      [0, 'fail', ['DIAG_FAILED']],
      [1, 'fail', ['ROW_REMAP_PENDING']],
      [2, 'inconclusive', ['THROTTLE_REASONS_UNKNOWN']],
      [3, 'fail', ['XID_CRITICAL']],
    ])
    for (const gpu of health.perGpu) {
      for (const reason of gpu.reasons) expect(reason.gpuIndex).toBe(gpu.index)
    }
    const xidReason = health.gates.find((gate) => gate.gate === 'critical-xid')?.reasons[0]
    expect(xidReason).toEqual({
      code: 'XID_CRITICAL',
      message:
        'XID 79 (GPU has fallen off the bus: it no longer answers on PCIe) on GPU 3 (NVIDIA H100 80GB HBM3) at 2031-06-02T10:30:00Z, log line 1',
      gpuIndex: 3,
    })
  })

  it('keeps an XID on a PCI address no GPU answers to as a node-level failure', () => {
    const health = evaluateNodeHealth({
      snapshot: snapshot(4),
      expected: TARGET,
      xids: { events: [xid(79, '0000:ee:00')] },
    })
    const gate = health.gates.find((candidate) => candidate.gate === 'critical-xid')
    expect(gate?.verdict).toBe('fail')
    expect(gate?.reasons[0]?.gpuIndex).toBeUndefined()
    expect(gate?.reasons[0]?.message).toContain('PCI 0000:ee:00')
  })

  it.each([
    ['00000000:3B:00.0', '0:3b:0'],
    ['PCI:0000:3b:00', '0:3b:0'],
    ['0000:3b:00.0', '0:3b:0'],
    ['3b:00', '0:3b:0'],
    ['00000001:00:00.0', '1:0:0'],
    ['not a bus id', null],
  ])('pciKey(%j) is %j', (address, key) => {
    expect(pciKey(address)).toBe(key)
  })
})

describe('unknown is never pass', () => {
  it('judges a snapshot whose every reading is unknown inconclusive, gate by gate', () => {
    const node = everythingUnknown(snapshot(4))
    const health = evaluateNodeHealth({
      snapshot: node,
      expected: { ...TARGET, gpuUuids: ['GPU-00000000-aaaa-bbbb-cccc-dddddddddddd'], diagLevel: 3 },
      xids: { events: [xid(63, '0000:18:00')] },
      diag: everythingUnknown(diag()),
    })
    expect(health.verdict).toBe('inconclusive')
    for (const gate of health.gates) expect(gate.verdict, gate.gate).toBe('inconclusive')
    for (const gpu of health.perGpu) expect(gpu.verdict).toBe('inconclusive')
  })

  it('never passes a per-GPU gate with no GPU to look at', () => {
    const node = snapshot(4)
    node.gpus = []
    node.attachedGpus = known(0)
    const health = evaluateNodeHealth({ snapshot: node, expected: { gpuCount: 4 } })
    expect(health.verdict).toBe('fail')
    expect(health.gates.find((gate) => gate.gate === 'gpus-visible')?.reasons[0]?.code).toBe('GPU_MISSING')
    for (const gate of health.gates.filter((candidate) => candidate.gate !== 'gpus-visible')) {
      expect(gate).toMatchObject({ verdict: 'inconclusive', reasons: [{ code: 'NO_GPU_DATA' }] })
    }
  })
})

describe('a probe that errored or returned nothing', () => {
  const failing = (): NodeSnapshot => {
    const node = snapshot(4)
    gpuAt(node, 0).remappedRows.pending = known(true)
    return node
  }

  it.each<[string, Omit<HealthInput, 'expected'>, HealthVerdict, string]>([
    [
      'errored, no snapshot',
      { snapshot: null, probeError: 'ssh: command timed out after 30 s' },
      'inconclusive',
      'PROBE_ERROR',
    ],
    [
      'errored, partial snapshot ignored',
      { snapshot: failing(), probeError: 'exit status 15' },
      'inconclusive',
      'PROBE_ERROR',
    ],
    ['returned nothing', { snapshot: null }, 'fail', 'GPU_MISSING'],
  ])('%s', (_title, input, verdict, gpusVisibleCode) => {
    const health = evaluateNodeHealth({ ...input, expected: TARGET })
    expect(health.verdict).toBe(verdict)
    expect(health.gates.find((gate) => gate.gate === 'gpus-visible')?.reasons[0]?.code).toBe(gpusVisibleCode)
    expect(health.gates.every((gate) => gate.verdict !== 'pass')).toBe(true)
    expect(health.perGpu).toEqual([])
  })

  it('still fails on independent evidence: a critical XID in the kernel log', () => {
    const health = evaluateNodeHealth({
      snapshot: null,
      probeError: 'nvidia-smi: exit status 15',
      expected: TARGET,
      xids: { events: [xid(79, '0000:18:00')] },
    })
    expect(health.verdict).toBe('fail')
    expect(health.gates.find((gate) => gate.gate === 'critical-xid')?.verdict).toBe('fail')
  })
})

describe('ECC against a pre-change baseline', () => {
  type Counts = { aggregate: number | null; volatile: number | null }
  const withEcc = (node: NodeSnapshot, counts: Counts, uuid?: string): NodeSnapshot => {
    const target = gpuAt(node, 1)
    target.ecc.aggregate.uncorrectable = counts.aggregate === null ? NA : known(counts.aggregate)
    target.ecc.volatile.uncorrectable = counts.volatile === null ? NA : known(counts.volatile)
    if (uuid) target.uuid = known(uuid)
    return node
  }

  it.each<[string, Counts, Counts | null, HealthVerdict, string[], string?]>([
    ['unchanged lifetime errors', { aggregate: 5, volatile: 0 }, { aggregate: 5, volatile: 0 }, 'pass', []],
    ['aggregate grew', { aggregate: 6, volatile: 0 }, { aggregate: 5, volatile: 0 }, 'fail', ['ECC_UNCORRECTABLE_NEW']],
    [
      'volatile grew past the baseline, aggregates unreadable',
      { aggregate: null, volatile: 2 },
      { aggregate: null, volatile: 1 },
      'fail',
      ['ECC_UNCORRECTABLE_NEW'],
    ],
    [
      'volatile unchanged, aggregates unreadable',
      { aggregate: null, volatile: 1 },
      { aggregate: null, volatile: 1 },
      'pass',
      [],
    ],
    ['no baseline: lifetime errors alone pass', { aggregate: 5, volatile: 0 }, null, 'pass', []],
    ['no baseline: volatile errors fail', { aggregate: 5, volatile: 1 }, null, 'fail', ['ECC_UNCORRECTABLE_VOLATILE']],
    [
      'board replaced since the baseline',
      { aggregate: 0, volatile: 1 },
      { aggregate: 0, volatile: 1 },
      'fail',
      ['ECC_UNCORRECTABLE_VOLATILE'],
      'GPU-new-board',
    ],
  ])('%s', (_title, now, before, verdict, codes, newUuid) => {
    const health = evaluateNodeHealth({
      snapshot: withEcc(snapshot(4), now, newUuid),
      expected: TARGET,
      baseline: before ? withEcc(snapshot(4), before) : undefined,
    })
    const gate = health.gates.find((candidate) => candidate.gate === 'ecc')
    expect(gate?.verdict).toBe(verdict)
    expect(gate?.reasons.map((reason) => reason.code)).toEqual(codes)
    if (codes.length) expect(gate?.reasons[0]?.gpuIndex).toBe(1)
  })
})

describe('purity', () => {
  it('returns the same verdict for the same input and leaves the input untouched', () => {
    const input: HealthInput = {
      snapshot: snapshot(4),
      expected: TARGET,
      xids: { events: [xid(48, '0000:28:00')], since: new Date('2031-06-02T10:00:00Z') },
      diag: diag(),
      baseline: snapshot(4),
    }
    const copy = structuredClone(input)
    expect(evaluateNodeHealth(input)).toEqual(evaluateNodeHealth(input))
    expect(input).toEqual(copy)
  })
})
