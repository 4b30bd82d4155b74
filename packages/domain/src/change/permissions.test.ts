// Who may send each event, as tables through transition(): role grants, identity grants, segregation of
// duties, the auditor's read-only access, and the buttons availableEvents offers each person.
import { describe, expect, it } from 'vitest'
import type { Actor } from './permissions'
import {
  availableEvents,
  type ChangeEvent,
  type ChangeSnapshot,
  representativeEvent,
  transition,
} from './state-machine'
import { CHANGE_EVENTS, CHANGE_STATES, CHANGE_TYPES, type ChangeEventType } from './vocabulary'

const NOW = new Date('2031-05-12T09:00:00Z')

function snapshot(overrides: Partial<ChangeSnapshot> = {}): ChangeSnapshot {
  return {
    type: 'normal',
    state: 'new',
    requesterId: 'u-requester',
    implementerId: 'u-implementer',
    riskLevel: 'high',
    approvalsComplete: true,
    ...overrides,
  }
}

const ACTORS = {
  requester: { id: 'u-requester', roles: ['requester'] },
  otherRequester: { id: 'u-someone', roles: ['requester'] },
  cabMember: { id: 'u-cab', roles: ['cab_member'] },
  changeManager: { id: 'u-manager', roles: ['change_manager'] },
  anyImplementer: { id: 'u-oncall', roles: ['implementer'] },
  namedImplementer: { id: 'u-implementer', roles: ['requester'] },
  auditor: { id: 'u-auditor', roles: ['auditor'] },
  admin: { id: 'u-admin', roles: ['admin'] },
} as const satisfies Record<string, Actor>
type ActorName = keyof typeof ACTORS
const ACTOR_NAMES = Object.keys(ACTORS) as ActorName[]

/** For each event, in a state where it is possible, the people who may send it; everyone else is
 *  refused with NOT_PERMITTED_FOR_ROLE. */
const MAY_SEND: { event: ChangeEvent; change: Partial<ChangeSnapshot>; allowed: ActorName[] }[] = [
  { event: { type: 'submit' }, change: { state: 'new' }, allowed: ['requester', 'changeManager', 'admin'] },
  { event: { type: 'request_authorization' }, change: { state: 'assess' }, allowed: ['changeManager', 'admin'] },
  { event: { type: 'authorize' }, change: { state: 'authorize' }, allowed: ['cabMember', 'changeManager', 'admin'] },
  {
    event: { type: 'reject', comment: 'no rollback' },
    change: { state: 'assess' },
    allowed: ['cabMember', 'changeManager', 'admin'],
  },
  { event: { type: 'schedule' }, change: { state: 'authorize' }, allowed: ['changeManager', 'admin'] },
  {
    event: { type: 'start_implementation' },
    change: { state: 'scheduled' },
    allowed: ['anyImplementer', 'namedImplementer', 'changeManager', 'admin'],
  },
  {
    event: { type: 'start_implementation' },
    change: { type: 'emergency', state: 'authorize', breakFixAllowed: true },
    allowed: ['anyImplementer', 'namedImplementer', 'changeManager', 'admin'],
  },
  {
    event: { type: 'complete_implementation' },
    change: { state: 'implement' },
    allowed: ['anyImplementer', 'namedImplementer', 'changeManager', 'admin'],
  },
  {
    event: { type: 'close', closeCode: 'successful' },
    change: { state: 'review' },
    allowed: ['requester', 'changeManager', 'admin'],
  },
  {
    event: { type: 'cancel', reason: 'superseded' },
    change: { state: 'new' },
    allowed: ['requester', 'changeManager', 'admin'],
  },
  {
    event: { type: 'cancel', reason: 'superseded' },
    change: { state: 'implement' },
    allowed: ['requester', 'changeManager', 'admin'],
  },
]

const roleRows = MAY_SEND.flatMap(({ event, change, allowed }) =>
  ACTOR_NAMES.map((actor) => ({
    event,
    change,
    actor,
    where: `${change.type ?? 'normal'} ${change.state}`,
    expected: allowed.includes(actor) ? 'ok' : 'NOT_PERMITTED_FOR_ROLE',
  })),
)

describe('roles: who may send each event', () => {
  it.each(roleRows)('$event.type on a $where change by $actor -> $expected', ({ event, change, actor, expected }) => {
    const result = transition(snapshot(change), event, { actor: ACTORS[actor], now: NOW })
    expect(result.ok ? 'ok' : result.reason).toBe(expected)
  })
})

const SEGREGATION: {
  name: string
  actor: Actor
  change: Partial<ChangeSnapshot>
  event: ChangeEvent
  expected: string
}[] = [
  {
    name: 'a CAB member authorizing their own change',
    actor: { id: 'u-requester', roles: ['cab_member'] },
    change: { state: 'authorize' },
    event: { type: 'authorize' },
    expected: 'SELF_APPROVAL',
  },
  {
    name: 'a CAB member rejecting their own change',
    actor: { id: 'u-requester', roles: ['cab_member'] },
    change: { state: 'assess' },
    event: { type: 'reject', comment: 'oops' },
    expected: 'SELF_APPROVAL',
  },
  {
    name: 'the implementer authorizing, though a change manager',
    actor: { id: 'u-implementer', roles: ['change_manager'] },
    change: { state: 'authorize' },
    event: { type: 'authorize' },
    expected: 'SELF_APPROVAL',
  },
  {
    name: 'an admin authorizing their own emergency change',
    actor: { id: 'u-requester', roles: ['admin'] },
    change: { type: 'emergency', state: 'authorize' },
    event: { type: 'authorize' },
    expected: 'SELF_APPROVAL',
  },
  {
    name: 'the requester without an approving role (role is checked first)',
    actor: { id: 'u-requester', roles: ['requester', 'implementer'] },
    change: { state: 'authorize' },
    event: { type: 'authorize' },
    expected: 'NOT_PERMITTED_FOR_ROLE',
  },
  {
    name: 'a CAB member on a change with no implementer yet',
    actor: { id: 'u-cab', roles: ['cab_member'] },
    change: { state: 'authorize', implementerId: null },
    event: { type: 'authorize' },
    expected: 'ok',
  },
  {
    name: 'a change manager scheduling their own change (not an approval)',
    actor: { id: 'u-requester', roles: ['change_manager'] },
    change: { state: 'authorize' },
    event: { type: 'schedule' },
    expected: 'ok',
  },
  {
    name: 'a change manager implementing their own change',
    actor: { id: 'u-requester', roles: ['change_manager'] },
    change: { state: 'scheduled' },
    event: { type: 'start_implementation' },
    expected: 'ok',
  },
  {
    name: 'an auditor whose id is the requester submitting',
    actor: { id: 'u-requester', roles: ['auditor'] },
    change: { state: 'new' },
    event: { type: 'submit' },
    expected: 'NOT_PERMITTED_FOR_ROLE',
  },
  {
    name: 'an auditor whose id is the implementer starting',
    actor: { id: 'u-implementer', roles: ['auditor'] },
    change: { state: 'scheduled' },
    event: { type: 'start_implementation' },
    expected: 'NOT_PERMITTED_FOR_ROLE',
  },
  {
    name: 'an auditor who is also a requester submitting their own change',
    actor: { id: 'u-requester', roles: ['auditor', 'requester'] },
    change: { state: 'new' },
    event: { type: 'submit' },
    expected: 'ok',
  },
  {
    name: 'an actor with no roles at all, named as implementer',
    actor: { id: 'u-implementer', roles: [] },
    change: { state: 'implement' },
    event: { type: 'complete_implementation' },
    expected: 'NOT_PERMITTED_FOR_ROLE',
  },
]

describe('segregation of duties and identity grants', () => {
  it.each(SEGREGATION)('$name -> $expected', ({ actor, change, event, expected }) => {
    const result = transition(snapshot(change), event, { actor, now: NOW })
    expect(result.ok ? 'ok' : result.reason).toBe(expected)
  })

  it('an auditor can do nothing, in any type, state or event, with every guard satisfied', () => {
    const permissive = { breakFixAllowed: true, approvalsComplete: true, reviewRequired: false }
    for (const type of CHANGE_TYPES) {
      for (const state of CHANGE_STATES) {
        const change = snapshot({ type, state, ...permissive })
        expect(availableEvents(change, ACTORS.auditor)).toEqual([])
        for (const event of CHANGE_EVENTS) {
          expect(transition(change, representativeEvent(event), { actor: ACTORS.auditor, now: NOW }).ok).toBe(false)
        }
      }
    }
  })
})

const BUTTONS: { name: string; actor: ActorName; change: Partial<ChangeSnapshot>; expected: ChangeEventType[] }[] = [
  { name: 'admin on a new normal change', actor: 'admin', change: { state: 'new' }, expected: ['submit', 'cancel'] },
  {
    name: 'admin awaiting authorization, approvals complete',
    actor: 'admin',
    change: { state: 'authorize' },
    expected: ['authorize', 'reject', 'schedule', 'cancel'],
  },
  {
    name: 'admin awaiting authorization, approvals pending',
    actor: 'admin',
    change: { state: 'authorize', approvalsComplete: false },
    expected: ['authorize', 'reject', 'cancel'],
  },
  {
    name: 'CAB member awaiting authorization',
    actor: 'cabMember',
    change: { state: 'authorize' },
    expected: ['authorize', 'reject'],
  },
  {
    name: 'requester awaiting authorization',
    actor: 'requester',
    change: { state: 'authorize' },
    expected: ['cancel'],
  },
  {
    name: 'on-call on an emergency change with break-fix',
    actor: 'anyImplementer',
    change: { type: 'emergency', state: 'authorize', breakFixAllowed: true },
    expected: ['start_implementation'],
  },
  {
    name: 'on-call on an emergency change without break-fix',
    actor: 'anyImplementer',
    change: { type: 'emergency', state: 'authorize' },
    expected: [],
  },
  {
    name: 'named implementer during implementation',
    actor: 'namedImplementer',
    change: { state: 'implement' },
    expected: ['complete_implementation'],
  },
  {
    name: 'requester in review with the review open',
    actor: 'requester',
    change: { state: 'review', reviewRequired: true },
    expected: [],
  },
  {
    name: 'requester in review with the review done',
    actor: 'requester',
    change: { state: 'review', reviewRequired: true, reviewCompleted: true },
    expected: ['close'],
  },
  { name: 'admin on a closed change', actor: 'admin', change: { state: 'closed' }, expected: [] },
  { name: 'admin on a canceled change', actor: 'admin', change: { state: 'canceled' }, expected: [] },
]

describe('availableEvents: the buttons the console shows', () => {
  it.each(BUTTONS)('$name -> [$expected]', ({ actor, change, expected }) => {
    expect(availableEvents(snapshot(change), ACTORS[actor])).toEqual(expected)
  })
})
