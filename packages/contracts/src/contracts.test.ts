import { describe, expect, it } from 'vitest'
import { ChangeListQuery, CreateChangeBody, NodePatch, TransitionBody, UpdateChangeBody } from './index'

const validChange = {
  type: 'normal',
  category: 'infrastructure',
  title: 'Driver upgrade',
  description: 'what',
  justification: 'why',
  plannedStart: '2026-12-01T10:00:00Z',
  plannedEnd: '2026-12-01T12:00:00Z',
  affectedItems: [{ kind: 'node', id: '0b7d3a36-4f0c-4c57-9a50-3b1c1d1a2b3c' }],
  implementationPlan: 'plan',
  rollbackPlan: 'rollback',
  riskQuestionnaire: {
    experience: 'routine',
    automation: 'automated',
    testedInStaging: true,
    rollbackTested: true,
    requiresDowntime: false,
    userVisible: false,
  },
}

describe('contracts', () => {
  it('fills the defaults of a new change', () => {
    const parsed = CreateChangeBody.parse(validChange)
    expect(parsed).toMatchObject({
      subcategory: null,
      implementerId: null,
      testEvidence: '',
      targetDriverVersion: null,
    })
  })

  it('refuses a planned end that is not after the start, at the plannedEnd field', () => {
    const result = CreateChangeBody.safeParse({ ...validChange, plannedEnd: validChange.plannedStart })
    expect(result.success).toBe(false)
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['plannedEnd'])
  })

  it('leaves fields a patch does not name untouched instead of resetting them to defaults', () => {
    expect(UpdateChangeBody.parse({ version: 3, title: 'New title' })).toEqual({ version: 3, title: 'New title' })
    expect(NodePatch.parse({ version: 1, gpuCount: 4 })).toEqual({ version: 1, gpuCount: 4 })
  })

  it('trims text and refuses strings over their limit', () => {
    expect(CreateChangeBody.parse({ ...validChange, title: '  Driver upgrade  ' }).title).toBe('Driver upgrade')
    expect(CreateChangeBody.safeParse({ ...validChange, title: 'x'.repeat(201) }).success).toBe(false)
    expect(CreateChangeBody.safeParse({ ...validChange, title: '   ' }).success).toBe(false)
  })

  it('needs the payload each transition event carries', () => {
    expect(TransitionBody.safeParse({ event: 'reject', version: 1 }).success).toBe(false)
    expect(TransitionBody.safeParse({ event: 'reject', version: 1, comment: 'no rollback tested' }).success).toBe(true)
    expect(TransitionBody.safeParse({ event: 'close', version: 1, closeCode: 'exploded' }).success).toBe(false)
  })

  it('reads comma-separated list filters from the query string', () => {
    expect(ChangeListQuery.parse({ state: 'new,assess', risk: 'high' })).toMatchObject({
      state: ['new', 'assess'],
      risk: ['high'],
      limit: 25,
    })
    expect(ChangeListQuery.safeParse({ state: 'new,bogus' }).success).toBe(false)
  })
})
