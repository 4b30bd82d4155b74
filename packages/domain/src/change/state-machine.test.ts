// The change lifecycle as tables: every (type, state, event) with its outcome, then the guards, payload
// rules and effect details. Roles, segregation of duties and availableEvents are in permissions.test.ts.
import { describe, expect, it } from 'vitest'
import type { Actor } from './permissions'
import {
  type ChangeEffectKind,
  type ChangeEvent,
  type ChangeSnapshot,
  representativeEvent,
  TRANSITION_REFUSALS,
  type TransitionRefusal,
  transition,
} from './state-machine'
import {
  CHANGE_EVENTS,
  CHANGE_PATHS,
  CHANGE_STATES,
  CHANGE_TYPES,
  type ChangeEventType,
  type ChangeState,
  type ChangeType,
  type CloseCode,
} from './vocabulary'

const NOW = new Date('2031-05-12T09:00:00Z')
const admin: Actor = { id: 'u-admin', roles: ['admin'] }

function snapshot(overrides: Partial<ChangeSnapshot> = {}): ChangeSnapshot {
  return {
    type: 'normal',
    state: 'new',
    requesterId: 'u-requester',
    implementerId: 'u-implementer',
    riskLevel: 'moderate',
    breakFixAllowed: false,
    reviewRequired: false,
    reviewCompleted: false,
    approvalsComplete: true,
    ...overrides,
  }
}

type Outcome = { next: ChangeState; effects: ChangeEffectKind[] } | TransitionRefusal
const to = (next: ChangeState, ...effects: ChangeEffectKind[]): Outcome => ({ next, effects })

const withdrawn = to('canceled', 'withdraw_pending_approvals', 'notify')
const rejected = to('new', 'withdraw_pending_approvals', 'notify')
const closed = to('closed', 'record_close_code', 'notify')

/** The whole machine, as an admin (neither requester nor implementer) with every guard satisfied and
 *  break-fix not allowed. Every (type, state, event) not listed here is refused with NOT_ALLOWED_IN_STATE. */
const MACHINE: Record<ChangeType, Partial<Record<ChangeState, Partial<Record<ChangeEventType, Outcome>>>>> = {
  normal: {
    new: { submit: to('assess', 'notify'), cancel: to('canceled', 'notify') },
    assess: {
      request_authorization: to('authorize', 'request_approvals', 'notify'),
      reject: rejected,
      cancel: withdrawn,
    },
    authorize: {
      authorize: to('scheduled', 'notify'),
      reject: rejected,
      schedule: to('scheduled', 'notify'),
      cancel: withdrawn,
    },
    scheduled: { start_implementation: to('implement', 'notify'), cancel: to('canceled', 'notify') },
    implement: { complete_implementation: to('review', 'notify'), cancel: to('canceled', 'notify') },
    review: { close: closed },
  },
  standard: {
    new: { submit: to('scheduled', 'notify'), cancel: to('canceled', 'notify') },
    scheduled: { start_implementation: to('implement', 'notify'), cancel: to('canceled', 'notify') },
    implement: { complete_implementation: to('review', 'notify'), cancel: to('canceled', 'notify') },
    review: { close: closed },
  },
  emergency: {
    new: { submit: to('authorize', 'request_approvals', 'require_review', 'notify'), cancel: to('canceled', 'notify') },
    authorize: {
      authorize: to('implement', 'notify'),
      reject: rejected,
      start_implementation: 'BREAK_FIX_NOT_ALLOWED',
      cancel: withdrawn,
    },
    implement: { complete_implementation: to('review', 'notify'), cancel: withdrawn },
    review: { close: closed },
  },
}

const rows = CHANGE_TYPES.flatMap((type) =>
  CHANGE_STATES.flatMap((state) =>
    CHANGE_EVENTS.map((event) => ({
      type,
      state,
      event,
      expected: MACHINE[type][state]?.[event] ?? 'NOT_ALLOWED_IN_STATE',
    })),
  ),
)
const show = (outcome: Outcome) =>
  typeof outcome === 'string' ? outcome : `${outcome.next} [${outcome.effects.join(', ')}]`

describe('transition: the whole machine, one row per (type, state, event)', () => {
  it('has a row for each of the 3 x 8 x 9 combinations', () => {
    expect(rows).toHaveLength(CHANGE_TYPES.length * CHANGE_STATES.length * CHANGE_EVENTS.length)
    expect(rows).toHaveLength(216)
  })

  it.each(rows.map((row) => ({ ...row, shown: show(row.expected) })))(
    '$type change in $state, $event -> $shown',
    ({ type, state, event, expected }) => {
      const result = transition(snapshot({ type, state }), representativeEvent(event), { actor: admin, now: NOW })
      if (typeof expected === 'string') {
        expect(result).toMatchObject({ ok: false, reason: expected })
        if (!result.ok) expect(result.message.length).toBeGreaterThan(0)
      } else {
        expect(result.ok).toBe(true)
        if (result.ok) {
          expect(result.next).toBe(expected.next)
          expect(result.effects.map((effect) => effect.kind)).toEqual(expected.effects)
        }
      }
    },
  )

  it.each(CHANGE_TYPES)('walks the %s path from new to closed', (type) => {
    let change = snapshot({ type })
    const visited: ChangeState[] = [change.state]
    const happy: ChangeEventType[] = [
      'submit',
      'request_authorization',
      'authorize',
      'start_implementation',
      'complete_implementation',
      'close',
    ]
    for (const event of happy) {
      const result = transition(change, representativeEvent(event), { actor: admin, now: NOW })
      if (!result.ok) continue // steps this type skips
      change = { ...change, state: result.next }
      visited.push(result.next)
    }
    expect(visited).toEqual(CHANGE_PATHS[type])
  })
})

const rollingBack: ChangeEvent = { type: 'close', closeCode: 'rolled_back', notes: 'driver 575 failed gates' }

describe('transition: guards, payloads and effect details', () => {
  const cases: { name: string; change: Partial<ChangeSnapshot>; event: ChangeEvent; expected: Outcome }[] = [
    {
      name: 'break-fix lets an emergency change be implemented before approval',
      change: { type: 'emergency', state: 'authorize', breakFixAllowed: true },
      event: { type: 'start_implementation' },
      expected: to('implement', 'require_review', 'notify'),
    },
    {
      name: 'break-fix does not apply to normal changes',
      change: { type: 'normal', state: 'authorize', breakFixAllowed: true },
      event: { type: 'start_implementation' },
      expected: 'NOT_ALLOWED_IN_STATE',
    },
    {
      name: 'close is refused while a required review is open',
      change: { state: 'review', reviewRequired: true, reviewCompleted: false },
      event: rollingBack,
      expected: 'REVIEW_OPEN',
    },
    {
      name: 'close is refused while a required review was never started',
      change: { type: 'emergency', state: 'review', reviewRequired: true, reviewCompleted: undefined },
      event: rollingBack,
      expected: 'REVIEW_OPEN',
    },
    {
      name: 'close goes through once the required review is completed',
      change: { state: 'review', reviewRequired: true, reviewCompleted: true },
      event: rollingBack,
      expected: closed,
    },
    {
      name: 'close needs a known close code',
      change: { state: 'review' },
      event: { type: 'close', closeCode: 'fine' as CloseCode },
      expected: 'CLOSE_CODE_REQUIRED',
    },
    {
      name: 'schedule waits for every approval stage',
      change: { state: 'authorize', approvalsComplete: false },
      event: { type: 'schedule' },
      expected: 'APPROVALS_PENDING',
    },
    {
      name: 'schedule treats unknown approval progress as pending',
      change: { state: 'authorize', approvalsComplete: undefined },
      event: { type: 'schedule' },
      expected: 'APPROVALS_PENDING',
    },
    {
      name: 'authorize does not wait for approvalsComplete (it is the deciding approval)',
      change: { state: 'authorize', approvalsComplete: false },
      event: { type: 'authorize' },
      expected: to('scheduled', 'notify'),
    },
    {
      name: 'reject needs a comment',
      change: { state: 'assess' },
      event: { type: 'reject', comment: '' },
      expected: 'COMMENT_REQUIRED',
    },
    {
      name: 'reject refuses a whitespace-only comment',
      change: { state: 'authorize' },
      event: { type: 'reject', comment: ' \n\t ' },
      expected: 'COMMENT_REQUIRED',
    },
    {
      name: 'cancel needs a reason',
      change: { state: 'scheduled' },
      event: { type: 'cancel', reason: '   ' },
      expected: 'REASON_REQUIRED',
    },
    {
      name: 'a risk override needs a reason',
      change: { state: 'assess' },
      event: { type: 'request_authorization', riskOverride: { level: 'high', reason: ' ' } },
      expected: 'REASON_REQUIRED',
    },
    {
      name: 'a risk override adjusts risk before approvals are requested',
      change: { state: 'assess' },
      event: { type: 'request_authorization', riskOverride: { level: 'high', reason: 'touches the inference fleet' } },
      expected: to('authorize', 'adjust_risk', 'request_approvals', 'notify'),
    },
    {
      name: 'an impossible step is reported before the missing permission',
      change: { state: 'closed' },
      event: { type: 'reject', comment: '' },
      expected: 'NOT_ALLOWED_IN_STATE',
    },
    {
      name: 'a state the type never passes through refuses everything, cancel included',
      change: { type: 'standard', state: 'assess' },
      event: { type: 'cancel', reason: 'stuck' },
      expected: 'NOT_ALLOWED_IN_STATE',
    },
  ]

  it.each(cases)('$name', ({ change, event, expected }) => {
    const result = transition(snapshot(change), event, { actor: admin, now: NOW })
    if (typeof expected === 'string') {
      expect(result).toEqual({ ok: false, reason: expected, message: expect.any(String) })
    } else {
      expect(result).toMatchObject({ ok: true, next: expected.next })
      if (result.ok) expect(result.effects.map((effect) => effect.kind)).toEqual(expected.effects)
    }
  })

  it('carries the payload into the effects', () => {
    const ctx = { actor: admin, now: NOW }
    expect(transition(snapshot({ state: 'review' }), rollingBack, ctx)).toEqual({
      ok: true,
      next: 'closed',
      effects: [
        { kind: 'record_close_code', closeCode: 'rolled_back' },
        { kind: 'notify', event: 'closed' },
      ],
    })
    const override: ChangeEvent = {
      type: 'request_authorization',
      riskOverride: { level: 'critical', reason: '  quarter close  ' },
    }
    expect(transition(snapshot({ state: 'assess' }), override, ctx)).toMatchObject({
      effects: [
        { kind: 'adjust_risk', level: 'critical', reason: 'quarter close' },
        { kind: 'request_approvals' },
        { kind: 'notify' },
      ],
    })
    expect(transition(snapshot({ type: 'emergency' }), { type: 'submit' }, ctx)).toMatchObject({
      effects: [
        { kind: 'request_approvals' },
        { kind: 'require_review', reason: 'emergency change' },
        { kind: 'notify', event: 'submitted' },
      ],
    })
    expect(
      transition(
        snapshot({ type: 'emergency', state: 'authorize', breakFixAllowed: true }),
        { type: 'start_implementation' },
        ctx,
      ),
    ).toMatchObject({
      effects: [
        { kind: 'require_review', reason: 'break-fix: implemented before approval' },
        { kind: 'notify', event: 'break_fix_started' },
      ],
    })
  })

  it('uses the constant message for each refusal reason', () => {
    const result = transition(
      snapshot({ state: 'assess' }),
      { type: 'reject', comment: '' },
      { actor: admin, now: NOW },
    )
    expect(result).toEqual({ ok: false, reason: 'COMMENT_REQUIRED', message: TRANSITION_REFUSALS.COMMENT_REQUIRED })
  })
})
