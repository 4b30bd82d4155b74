// The configured sample of changes that get a review although no rule requires one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChangeDetail, ReviewView } from '@cabinet/contracts'
import { inReviewSample } from '../../src/modules/reviews/review-hook'
import { type SignedIn, type TestApp, startTestApp } from '../support/app'
import { createCatalog, expectError } from '../support/fixtures'
import { changeInImplement, getChange, transition } from './review-support'

describe('the review sample', () => {
  it('is a stable function of the change id whose share follows the percentage', () => {
    const ids = Array.from({ length: 4000 }, (_, index) => `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`)
    const share = (percent: number) => ids.filter((id) => inReviewSample(id, percent)).length / ids.length
    expect(share(0)).toBe(0)
    expect(share(100)).toBe(1)
    expect(share(25)).toBeGreaterThan(0.22)
    expect(share(25)).toBeLessThan(0.28)
    expect(ids.map((id) => inReviewSample(id, 25))).toEqual(ids.map((id) => inReviewSample(id, 25)))
  })

  describe('at 100 percent', () => {
    let t: TestApp
    let requester: SignedIn
    let implementer: SignedIn
    beforeAll(async () => {
      t = await startTestApp({ env: { REVIEW_SAMPLE_PERCENT: '100', REVIEW_DUE_DAYS: '2' } })
      requester = await t.userWith(['requester'])
      implementer = await t.userWith(['implementer'])
    })
    afterAll(async () => {
      await t?.close()
    })

    it('gives a normal change a sampled review when it enters review, and its close waits for it', async () => {
      const catalog = await createCatalog(t.db, 1)
      let change = await changeInImplement(t, catalog, requester)
      change = ChangeDetail.parse(
        (await transition(t, implementer, change, { event: 'complete_implementation' })).json(),
      )
      expect(change.reviewRequired).toBe(true)
      const review = ReviewView.parse(
        (
          await t.app.inject({
            method: 'GET',
            url: `/api/v1/changes/${change.number}/review`,
            headers: requester.headers,
          })
        ).json(),
      )
      expect(review).toMatchObject({ reason: 'sampled', status: 'open' })
      const dueInDays = (new Date(review.dueAt).getTime() - Date.now()) / 86_400_000
      expect(dueInDays).toBeGreaterThan(1.9)
      expect(dueInDays).toBeLessThanOrEqual(2)
      const refused = expectError(
        await transition(t, requester, change, { event: 'close', closeCode: 'successful' }),
        409,
        'TRANSITION_REFUSED',
      )
      expect(refused.error.details).toMatchObject({ reason: 'REVIEW_OPEN' })
    })
  })
})

describe('a break-fix emergency change', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await startTestApp()
  })
  afterAll(async () => {
    await t?.close()
  })

  it('gets a review that says it was implemented before approval', async () => {
    const requester = await t.userWith(['requester', 'implementer']) // on call: emergencies are hers to raise
    const implementer = await t.userWith(['implementer'])
    const catalog = await createCatalog(t.db, 1)
    let change = await changeInImplement(t, catalog, requester, 'emergency')
    // Back to authorize with break-fix allowed, then implemented before any approval.
    await t.db.changeRequest.update({ where: { id: change.id }, data: { state: 'authorize', breakFixAllowed: true } })
    change = await getChange(t, requester, change.id)
    const started = await transition(t, implementer, change, { event: 'start_implementation' })
    expect(started.statusCode, started.body).toBe(200)
    change = ChangeDetail.parse(started.json())
    change = ChangeDetail.parse((await transition(t, implementer, change, { event: 'complete_implementation' })).json())
    const review = ReviewView.parse(
      (
        await t.app.inject({ method: 'GET', url: `/api/v1/changes/${change.id}/review`, headers: requester.headers })
      ).json(),
    )
    expect(review).toMatchObject({ reason: 'break_fix', status: 'open' })
  })
})
