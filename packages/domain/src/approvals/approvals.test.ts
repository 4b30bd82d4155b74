// Policy matching, quorum and segregation of duties as tables.
import { describe, expect, it } from 'vitest'
import { availableEvents, type ChangeSnapshot, transition } from '../change/state-machine'
import { DEFAULT_APPROVAL_POLICIES } from './defaults'
import { decisionRefusal, eligibleApprovers } from './decisions'
import { type ApprovalPolicyDefinition, type ChangeFacts, policyMatches, quorumProblem, selectPolicy } from './policy'
import { requiredApprovals, stageOutcome } from './quorum'

const facts = (overrides: Partial<ChangeFacts> = {}): ChangeFacts => ({
  type: 'normal',
  category: 'software',
  subcategory: 'framework',
  riskLevel: 'low',
  services: [],
  ...overrides,
})

describe('policyMatches', () => {
  const cases: [string, Parameters<typeof policyMatches>[0], Partial<ChangeFacts>, boolean][] = [
    ['empty conditions match anything', {}, {}, true],
    ['empty lists match anything', { types: [], riskLevels: [] }, { riskLevel: 'critical' }, true],
    ['type listed', { types: ['emergency'] }, { type: 'emergency' }, true],
    ['type not listed', { types: ['emergency'] }, { type: 'normal' }, false],
    ['category listed', { categories: ['infrastructure'] }, { category: 'infrastructure' }, true],
    ['category not listed', { categories: ['infrastructure'] }, { category: 'model' }, false],
    ['subcategory listed', { subcategories: ['cuda'] }, { subcategory: 'cuda' }, true],
    ['subcategory missing on the change', { subcategories: ['cuda'] }, { subcategory: null }, false],
    ['risk listed', { riskLevels: ['high', 'critical'] }, { riskLevel: 'high' }, true],
    ['risk not listed', { riskLevels: ['high', 'critical'] }, { riskLevel: 'moderate' }, false],
    [
      'one affected service listed',
      { serviceIds: ['s1'] },
      {
        services: [
          { id: 's2', criticality: 1 },
          { id: 's1', criticality: 1 },
        ],
      },
      true,
    ],
    ['no affected service listed', { serviceIds: ['s1'] }, { services: [{ id: 's2', criticality: 5 }] }, false],
    ['criticality reached', { minServiceCriticality: 4 }, { services: [{ id: 's', criticality: 4 }] }, true],
    ['criticality not reached', { minServiceCriticality: 4 }, { services: [{ id: 's', criticality: 3 }] }, false],
    ['criticality with no services', { minServiceCriticality: 1 }, { services: [] }, false],
    [
      'all conditions must hold',
      { types: ['normal'], riskLevels: ['high'] },
      { type: 'normal', riskLevel: 'low' },
      false,
    ],
  ]
  it.each(cases)('%s', (_name, conditions, overrides, expected) => {
    expect(policyMatches(conditions, facts(overrides))).toBe(expected)
  })
})

describe('selectPolicy', () => {
  const policy = (
    name: string,
    priority: number,
    extra: Partial<ApprovalPolicyDefinition> = {},
  ): ApprovalPolicyDefinition => ({
    id: name,
    name,
    priority,
    enabled: true,
    conditions: {},
    stages: [],
    ...extra,
  })

  it('takes the lowest priority that matches, whatever the stored order', () => {
    const policies = [
      policy('late', 50),
      policy('early', 5, { conditions: { riskLevels: ['high'] } }),
      policy('mid', 10),
    ]
    expect(selectPolicy(policies, facts({ riskLevel: 'high' }))?.name).toBe('early')
    expect(selectPolicy(policies, facts({ riskLevel: 'low' }))?.name).toBe('mid')
  })

  it('skips disabled policies and breaks priority ties by name', () => {
    const policies = [policy('b', 1), policy('a', 1, { enabled: false }), policy('c', 1)]
    expect(selectPolicy(policies, facts())?.name).toBe('b')
  })

  it('answers null when nothing matches', () => {
    expect(selectPolicy([policy('x', 1, { conditions: { types: ['emergency'] } })], facts())).toBeNull()
  })
})

describe('the default policies', () => {
  const defaults = DEFAULT_APPROVAL_POLICIES.map((p) => ({ ...p, id: p.name }))
  const cases: [string, Partial<ChangeFacts>, string, string[]][] = [
    ['low risk', { riskLevel: 'low' }, 'Default: low risk', ['technical:any']],
    ['moderate risk', { riskLevel: 'moderate' }, 'Moderate risk', ['technical:any', 'business:any']],
    ['high risk', { riskLevel: 'high' }, 'High risk', ['technical:count2', 'security:any', 'business:any']],
    [
      'critical risk',
      { riskLevel: 'critical' },
      'Critical risk',
      ['technical:count2', 'security:any', 'business:any', 'executive:any'],
    ],
    ['GPU driver, low', { subcategory: 'gpu-driver' }, 'GPU stack: low risk', ['technical:any', 'gpu_platform:any']],
    [
      'CUDA, moderate',
      { subcategory: 'cuda', riskLevel: 'moderate' },
      'GPU stack: moderate risk',
      ['technical:any', 'business:any', 'gpu_platform:any'],
    ],
    [
      'firmware, critical',
      { subcategory: 'gpu-firmware', riskLevel: 'critical' },
      'GPU stack: critical risk',
      ['technical:count2', 'security:any', 'business:any', 'executive:any', 'gpu_platform:any'],
    ],
    [
      'emergency, whatever its risk',
      { type: 'emergency', riskLevel: 'critical', subcategory: 'cuda' },
      'Emergency: ECAB',
      ['ecab:any'],
    ],
  ]
  it.each(cases)('%s', (_name, overrides, policyName, stages) => {
    const chosen = selectPolicy(defaults, facts(overrides))
    expect(chosen?.name).toBe(policyName)
    expect(chosen?.stages.map((s) => `${s.groupKinds.join('+')}:${s.quorum.kind}${s.quorum.value ?? ''}`)).toEqual(
      stages,
    )
  })

  it('gives the emergency stage two hours', () => {
    expect(defaults.find((p) => p.name === 'Emergency: ECAB')?.stages[0]?.dueMinutes).toBe(120)
  })

  it('are all well-formed', () => {
    for (const policy of defaults) for (const s of policy.stages) expect(quorumProblem(s.quorum)).toBeNull()
  })
})

describe('quorum', () => {
  const cases: [string, Parameters<typeof requiredApprovals>[0], number, number][] = [
    ['any', { kind: 'any' }, 7, 1],
    ['all', { kind: 'all' }, 7, 7],
    ['all of nobody still needs one', { kind: 'all' }, 0, 1],
    ['count', { kind: 'count', value: 3 }, 7, 3],
    ['count above the eligible', { kind: 'count', value: 3 }, 2, 3],
    ['percent rounds up', { kind: 'percent', value: 50 }, 5, 3],
    ['percent of a few', { kind: 'percent', value: 10 }, 3, 1],
    ['100 percent', { kind: 'percent', value: 100 }, 4, 4],
  ]
  it.each(cases)('%s', (_name, quorum, eligible, required) => {
    expect(requiredApprovals(quorum, eligible)).toBe(required)
  })

  const outcomes: [number, number, number, string][] = [
    [2, 1, 0, 'open'],
    [2, 2, 0, 'approved'],
    [2, 3, 0, 'approved'],
    [2, 5, 1, 'rejected'],
    [1, 0, 1, 'rejected'],
  ]
  it.each(outcomes)('needs %i, has %i approvals and %i rejections: %s', (required, approvals, rejections, outcome) => {
    expect(stageOutcome({ required, approvals, rejections })).toBe(outcome)
  })

  const problems: [Parameters<typeof quorumProblem>[0], boolean][] = [
    [{ kind: 'any' }, true],
    [{ kind: 'any', value: 2 }, false],
    [{ kind: 'count', value: 0 }, false],
    [{ kind: 'count', value: 2 }, true],
    [{ kind: 'count' }, false],
    [{ kind: 'percent', value: 101 }, false],
    [{ kind: 'percent', value: 60 }, true],
    [{ kind: 'percent', value: 2.5 }, false],
  ]
  it.each(problems)('%j is well-formed: %s', (quorum, ok) => {
    expect(quorumProblem(quorum) === null).toBe(ok)
  })
})

describe('segregation of duties', () => {
  const change = { requesterId: 'req', implementerId: 'impl' }
  const base = {
    change,
    eligibleUserIds: ['a', 'b', 'req', 'impl'],
    decidedOnStage: ['b'],
    decidedOnOtherStages: ['c'],
  }
  const cases: [string, string | null][] = [
    ['a', null],
    ['req', 'SELF_APPROVAL'],
    ['impl', 'SELF_APPROVAL'],
    ['b', 'ALREADY_DECIDED'],
    ['c', 'ALREADY_COUNTED_IN_ROUND'],
    ['stranger', 'NOT_ELIGIBLE'],
  ]
  it.each(cases)('%s: %s', (userId, refusal) => {
    expect(decisionRefusal(userId, base)).toBe(refusal)
  })

  it('leaves the parties and those already counted out of a stage that opens', () => {
    expect(eligibleApprovers(['x', 'req', 'impl', 'c', 'x', 'a'], change, ['c'])).toEqual(['a', 'x'])
    expect(eligibleApprovers(['x'], { requesterId: 'req', implementerId: null }, [])).toEqual(['x'])
  })
})

describe('authorize once approval stages decide', () => {
  const cab = { id: 'u-cab', roles: ['cab_member'] as const }
  const change = (overrides: Partial<ChangeSnapshot>): ChangeSnapshot => ({
    type: 'normal',
    state: 'authorize',
    requesterId: 'u-req',
    implementerId: null,
    riskLevel: 'moderate',
    ...overrides,
  })
  const cases: [string, Partial<ChangeSnapshot>, boolean][] = [
    ['no stages were ever requested (older changes)', {}, true],
    ['stages still open', { approvalsByStages: true, approvalsComplete: false }, false],
    ['every stage approved', { approvalsByStages: true, approvalsComplete: true }, true],
  ]
  it.each(cases)('%s: authorize allowed %s', (_name, overrides, allowed) => {
    const result = transition(
      change(overrides),
      { type: 'authorize' },
      { actor: { ...cab, roles: [...cab.roles] }, now: new Date() },
    )
    expect(result.ok).toBe(allowed)
    if (!result.ok) expect(result.reason).toBe('APPROVALS_PENDING')
    expect(availableEvents(change(overrides), { ...cab, roles: [...cab.roles] }).includes('authorize')).toBe(allowed)
  })
})
