// The table runner shared by the gate tests: a healthy 4-GPU H100 node, one edit per row, and the verdict
// and reason codes the named gate must report. Each gate needs a passing, a failing and an inconclusive row.
import { expect, it } from 'vitest'
import {
  evaluateNodeHealth,
  type HealthExpectations,
  type HealthGate,
  type HealthInput,
  type HealthReasonCode,
  type HealthVerdict,
} from '../../src/health'
import type { GpuSnapshot, NodeSnapshot } from '../../src/model'
import { gpuAt, snapshot } from './builders'

export interface GateRow {
  title: string
  gate: HealthGate
  edit?: (node: NodeSnapshot) => void
  expected?: HealthExpectations
  input?: Omit<Partial<HealthInput>, 'snapshot' | 'expected'>
  verdict: HealthVerdict
  codes: HealthReasonCode[]
}

export const TARGET: HealthExpectations = { driverVersion: '570.124.06', cudaVersion: '12.8', gpuCount: 4 }

/** The GPU most rows break. */
export const gpu1 = (node: NodeSnapshot): GpuSnapshot => gpuAt(node, 1)

export function runGateRows(rows: GateRow[]): void {
  it.each(rows.map((row) => [`${row.gate}: ${row.title}`, row] as const))('%s', (_name, row) => {
    const node = snapshot(4)
    row.edit?.(node)
    const health = evaluateNodeHealth({ snapshot: node, expected: { ...TARGET, ...row.expected }, ...row.input })
    const gate = health.gates.find((candidate) => candidate.gate === row.gate)
    expect(gate, `gate ${row.gate} was not evaluated`).toBeDefined()
    expect(gate?.verdict).toBe(row.verdict)
    expect([...new Set(gate?.reasons.map((reason) => reason.code))]).toEqual(row.codes)
    // The node is never better than its worst gate.
    if (row.verdict === 'fail') expect(health.verdict).toBe('fail')
    if (row.verdict === 'inconclusive') expect(health.verdict).not.toBe('pass')
  })

  it('has a passing, a failing and an inconclusive row for every gate', () => {
    for (const gate of new Set(rows.map((row) => row.gate))) {
      const verdicts = new Set(rows.filter((row) => row.gate === gate).map((row) => row.verdict))
      expect([...verdicts].sort(), gate).toEqual(['fail', 'inconclusive', 'pass'])
    }
  })
}
