// The gate's rule as a table: state, approvals, window and conflicts → allowed, awaiting or prevented.
import { describe, expect, it } from 'vitest'
import { decideGate, type GateFacts } from '../../src/modules/gate/gate-decision'

const START = new Date('2026-12-01T02:00:00Z')
const END = new Date('2026-12-01T06:00:00Z')
const INSIDE = new Date('2026-12-01T03:00:00Z')
const BEFORE = new Date('2026-11-30T03:00:00Z')
const AFTER = new Date('2026-12-01T07:00:00Z')
const base: GateFacts = {
  id: '00000000-0000-4000-8000-000000000001',
  number: 'CHG0000042',
  state: 'scheduled',
  plannedStart: START,
  plannedEnd: END,
  approvalRound: 1,
  approvalsComplete: true,
  submittedAt: BEFORE,
}

describe('decideGate', () => {
  it.each([
    ['scheduled inside its window', {}, 0, INSIDE, 'allowed', null],
    ['implementing inside its window', { state: 'implement' }, 0, INSIDE, 'allowed', null],
    ['scheduled before its window', {}, 0, BEFORE, 'awaiting', 'window'],
    ['scheduled with a blocking conflict', {}, 2, INSIDE, 'awaiting', 'conflict'],
    ['scheduled after its window', {}, 0, AFTER, 'prevented', null],
    ['never submitted', { state: 'new', submittedAt: null, approvalRound: 0 }, 0, INSIDE, 'awaiting', 'submission'],
    ['sent back to new (rejected)', { state: 'new', approvalRound: 0 }, 0, INSIDE, 'prevented', null],
    ['rejected by the CAB', { state: 'new', approvalRound: 1 }, 0, INSIDE, 'prevented', null],
    ['in assessment', { state: 'assess' }, 0, INSIDE, 'awaiting', 'assessment'],
    ['awaiting approvals', { state: 'authorize', approvalsComplete: false }, 0, INSIDE, 'awaiting', 'approvals'],
    [
      'approved but held by the schedule',
      { state: 'authorize', approvalsComplete: true },
      0,
      INSIDE,
      'prevented',
      null,
    ],
    ['in review', { state: 'review' }, 0, INSIDE, 'prevented', null],
    ['closed', { state: 'closed' }, 0, INSIDE, 'prevented', null],
    ['canceled', { state: 'canceled' }, 0, INSIDE, 'prevented', null],
  ] as const)('%s', (_name, overrides, conflicts, now, decision, waitingFor) => {
    const gate = decideGate({ ...base, ...overrides }, conflicts, now)
    expect(gate).toMatchObject({ decision, waitingFor, number: 'CHG0000042', blockingConflicts: conflicts })
    expect(gate.reason).toContain('CHG0000042')
  })

  it('names the schedule refusal of an approved change on hold', () => {
    const gate = decideGate(
      { ...base, state: 'authorize' },
      0,
      INSIDE,
      "outside every maintenance window of 1 item (window 'Tuesdays')",
    )
    expect(gate.decision).toBe('prevented')
    expect(gate.reason).toContain("on hold: outside every maintenance window of 1 item (window 'Tuesdays')")
  })
})
