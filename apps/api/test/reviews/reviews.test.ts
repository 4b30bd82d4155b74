// Post-implementation reviews over HTTP: created when a change enters review, required before a
// failed or rolled-back close, completed with the fields that matter, and only then letting close through.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ActionItemView, ChangeDetail, ReviewList, ReviewView } from '@cabinet/contracts'
import { type SignedIn, type TestApp, startTestApp } from '../support/app'
import { type Catalog, createCatalog, expectError, issuePaths } from '../support/fixtures'
import { changeInImplement, getChange, transition } from './review-support'

let t: TestApp
let catalog: Catalog
let requester: SignedIn
let manager: SignedIn
let implementer: SignedIn
let auditor: SignedIn

beforeAll(async () => {
  t = await startTestApp()
  catalog = await createCatalog(t.db, 4)
  requester = await t.userWith(['requester', 'implementer'], 'Rita Requester') // on call: she raises emergencies
  manager = await t.userWith(['change_manager'], 'Manny Manager')
  implementer = await t.userWith(['implementer'], 'Ivan Implementer')
  auditor = await t.userWith(['auditor'], 'Audrey Auditor')
})
afterAll(async () => {
  await t?.close()
})

const reviewUrl = (change: { id: string }) => `/api/v1/changes/${change.id}/review`

async function readReview(user: SignedIn, change: { id: string }) {
  const response = await t.app.inject({ method: 'GET', url: reviewUrl(change), headers: user.headers })
  expect(response.statusCode, response.body).toBe(200)
  return ReviewView.parse(response.json())
}

async function patchReview(user: SignedIn, change: { id: string }, body: Record<string, unknown>) {
  return t.app.inject({ method: 'PATCH', url: reviewUrl(change), headers: user.headers, payload: body })
}

async function completeBody(change: { id: string }) {
  return { version: (await readReview(manager, change)).version }
}

describe('an emergency change', () => {
  it('gets its review on entering review, cannot close while it is open, and closes once it is completed', async () => {
    let change = await changeInImplement(t, catalog, requester, 'emergency')
    const completed = await transition(t, implementer, change, { event: 'complete_implementation' })
    expect(completed.statusCode, completed.body).toBe(200)
    change = ChangeDetail.parse(completed.json())
    expect(change.state).toBe('review')

    const review = await readReview(requester, change)
    expect(review).toMatchObject({ reason: 'emergency', status: 'open', outcome: null, actionItems: [] })
    expect(new Date(review.dueAt).getTime()).toBeGreaterThan(Date.now() + 4 * 86_400_000)
    expect(await t.db.auditEvent.count({ where: { changeId: change.id, action: 'review.create' } })).toBe(1)

    // Closed while the review is open: 409, and the reply says why.
    const refused = expectError(
      await transition(t, requester, change, { event: 'close', closeCode: 'successful' }),
      409,
      'TRANSITION_REFUSED',
    )
    expect(refused.error.details).toMatchObject({ reason: 'REVIEW_OPEN' })
    expect(refused.error.message).toMatch(/review/i)
    expect((await t.db.changeRequest.findUniqueOrThrow({ where: { id: change.id } })).state).toBe('review')

    const edited = await patchReview(implementer, change, {
      version: review.version,
      reviewerId: manager.userId,
      outcome: 'successful_with_issues',
      successCriteriaMet: true,
      timeline: '02:10 node drained\n02:40 baseboard replaced\n03:05 back in service',
      rootCause: 'A batch of baseboards with a marginal PCIe retimer.',
      lessonsLearned: 'Keep a spare baseboard per cluster.',
      incidentsCaused: 1,
      incidentRefs: ['INC0042'],
    })
    expect(edited.statusCode, edited.body).toBe(200)
    expect(ReviewView.parse(edited.json())).toMatchObject({
      reviewer: { id: manager.userId },
      incidentsCaused: 1,
      version: review.version + 1,
    })

    const done = await t.app.inject({
      method: 'POST',
      url: `${reviewUrl(change)}/complete`,
      headers: manager.headers,
      payload: await completeBody(change),
    })
    expect(done.statusCode, done.body).toBe(200)
    expect(ReviewView.parse(done.json())).toMatchObject({ status: 'completed', completedBy: { id: manager.userId } })
    expect(await t.db.changeRequest.findUniqueOrThrow({ where: { id: change.id } })).toMatchObject({
      reviewRequired: true,
      reviewCompleted: true,
    })

    // Completing moved the change's version: the stale close is refused, the fresh one passes.
    expectError(
      await transition(t, requester, change, { event: 'close', closeCode: 'successful_with_issues' }),
      409,
      'STALE_VERSION',
    )
    change = await getChange(t, requester, change.id)
    const closed = await transition(t, requester, change, { event: 'close', closeCode: 'successful_with_issues' })
    expect(closed.statusCode, closed.body).toBe(200)
    expect(ChangeDetail.parse(closed.json()).state).toBe('closed')

    // A completed review is final.
    expectError(
      await patchReview(manager, change, { version: review.version + 2, lessonsLearned: 'rewrite' }),
      409,
      'TRANSITION_REFUSED',
    )
  })
})

describe('a failed change', () => {
  it('cannot close as failed without a review; the review must be started, filled in and completed first', async () => {
    let change = await changeInImplement(t, catalog, requester)
    change = ChangeDetail.parse((await transition(t, implementer, change, { event: 'complete_implementation' })).json())
    // A normal change outside the sample has no review yet...
    expectError(
      await t.app.inject({ method: 'GET', url: reviewUrl(change), headers: requester.headers }),
      404,
      'NOT_FOUND',
    )

    // ... and closing it as failed is refused, naming the review it needs.
    const refused = expectError(
      await transition(t, requester, change, { event: 'close', closeCode: 'failed' }),
      409,
      'TRANSITION_REFUSED',
    )
    expect(refused.error.details).toMatchObject({ reason: 'REVIEW_REQUIRED' })
    expect(refused.error.message).toContain(`/api/v1/changes/${change.number}/review`)
    const rolledBack = expectError(
      await transition(t, requester, change, { event: 'close', closeCode: 'rolled_back' }),
      409,
      'TRANSITION_REFUSED',
    )
    expect(rolledBack.error.details).toMatchObject({ reason: 'REVIEW_REQUIRED' })

    const started = await t.app.inject({
      method: 'POST',
      url: reviewUrl(change),
      headers: implementer.headers,
      payload: {},
    })
    expect(started.statusCode, started.body).toBe(201)
    expect(ReviewView.parse(started.json())).toMatchObject({ reason: 'requested', status: 'open' })
    expectError(
      await t.app.inject({ method: 'POST', url: reviewUrl(change), headers: implementer.headers, payload: {} }),
      409,
      'ALREADY_EXISTS',
    )

    // Started means required: even a successful close now waits for it.
    change = await getChange(t, requester, change.id)
    expect(change.reviewRequired).toBe(true)
    const stillOpen = expectError(
      await transition(t, requester, change, { event: 'close', closeCode: 'failed' }),
      409,
      'TRANSITION_REFUSED',
    )
    expect(stillOpen.error.details).toMatchObject({ reason: 'REVIEW_OPEN' })

    // Completing an empty review names every missing field.
    const empty = expectError(
      await t.app.inject({
        method: 'POST',
        url: `${reviewUrl(change)}/complete`,
        headers: manager.headers,
        payload: await completeBody(change),
      }),
      400,
      'VALIDATION_FAILED',
    )
    expect(issuePaths(empty).sort()).toEqual(['lessonsLearned', 'outcome'])
    const review = await readReview(manager, change)
    const patched = await patchReview(manager, change, {
      version: review.version,
      outcome: 'failed',
      lessonsLearned: 'Test the rollback on the real image.',
    })
    expect(patched.statusCode, patched.body).toBe(200)
    const noCause = expectError(
      await t.app.inject({
        method: 'POST',
        url: `${reviewUrl(change)}/complete`,
        headers: manager.headers,
        payload: await completeBody(change),
      }),
      400,
      'VALIDATION_FAILED',
    )
    expect(issuePaths(noCause)).toEqual(['rootCause'])
    await patchReview(manager, change, { version: review.version + 1, rootCause: 'The new wheel needs glibc 2.34.' })

    // Only the assigned reviewer, a change manager or an admin completes it.
    expectError(
      await t.app.inject({
        method: 'POST',
        url: `${reviewUrl(change)}/complete`,
        headers: requester.headers,
        payload: await completeBody(change),
      }),
      403,
      'FORBIDDEN',
    )
    const done = await t.app.inject({
      method: 'POST',
      url: `${reviewUrl(change)}/complete`,
      headers: manager.headers,
      payload: await completeBody(change),
    })
    expect(done.statusCode, done.body).toBe(200)

    change = await getChange(t, requester, change.id)
    const closed = await transition(t, requester, change, { event: 'close', closeCode: 'failed' })
    expect(closed.statusCode, closed.body).toBe(200)
    expect(
      await t.db.auditEvent.findMany({
        where: { changeId: change.id, action: { startsWith: 'review.' } },
        select: { action: true },
        orderBy: { seq: 'asc' },
      }),
    ).toEqual([
      { action: 'review.start' },
      { action: 'review.update' },
      { action: 'review.update' },
      { action: 'review.complete' },
    ])
  })

  it('refuses a review for a change that is not implemented or in review, and an auditor cannot start one', async () => {
    const created = await changeInImplement(t, catalog, requester)
    await t.db.changeRequest.update({ where: { id: created.id }, data: { state: 'scheduled' } })
    const early = expectError(
      await t.app.inject({ method: 'POST', url: reviewUrl(created), headers: manager.headers, payload: {} }),
      409,
      'TRANSITION_REFUSED',
    )
    expect(early.error.details).toMatchObject({ reason: 'CHANGE_NOT_REVIEWABLE', state: 'scheduled' })
    await t.db.changeRequest.update({ where: { id: created.id }, data: { state: 'review' } })
    expectError(
      await t.app.inject({ method: 'POST', url: reviewUrl(created), headers: auditor.headers, payload: {} }),
      403,
      'FORBIDDEN',
    )
    const badReviewer = expectError(
      await t.app.inject({
        method: 'POST',
        url: reviewUrl(created),
        headers: manager.headers,
        payload: { reviewerId: '00000000-0000-4000-8000-000000000000' },
      }),
      400,
      'VALIDATION_FAILED',
    )
    expect(issuePaths(badReviewer)).toEqual(['reviewerId'])
  })
})

describe('action items', () => {
  it('are added with an owner and due date, tracked to done with version locking, and listed while overdue', async () => {
    let change = await changeInImplement(t, catalog, requester, 'emergency')
    change = ChangeDetail.parse((await transition(t, implementer, change, { event: 'complete_implementation' })).json())
    const itemsUrl = `${reviewUrl(change)}/action-items`
    const yesterday = new Date(Date.now() - 86_400_000).toISOString()
    const added = await t.app.inject({
      method: 'POST',
      url: itemsUrl,
      headers: manager.headers,
      payload: { title: 'Add a retimer check to the node probe', ownerId: implementer.userId, dueAt: yesterday },
    })
    expect(added.statusCode, added.body).toBe(201)
    const item = ActionItemView.parse(added.json())
    expect(item).toMatchObject({ status: 'open', overdue: true, owner: { id: implementer.userId }, doneAt: null })

    const blank = expectError(
      await t.app.inject({
        method: 'POST',
        url: itemsUrl,
        headers: manager.headers,
        payload: { title: ' ', ownerId: null, dueAt: yesterday },
      }),
      400,
      'VALIDATION_FAILED',
    )
    expect(issuePaths(blank)).toEqual(['title'])

    const overdue = await t.app.inject({
      method: 'GET',
      url: '/api/v1/reviews/action-items?overdue=true',
      headers: auditor.headers,
    })
    expect(overdue.json().items.map((row: { id: string }) => row.id)).toContain(item.id)
    const mine = await t.app.inject({
      method: 'GET',
      url: '/api/v1/reviews/action-items?mine=true&status=open',
      headers: implementer.headers,
    })
    expect(mine.json().items.map((row: { id: string }) => row.id)).toEqual([item.id])

    const done = await t.app.inject({
      method: 'PATCH',
      url: `${itemsUrl}/${item.id}`,
      headers: implementer.headers,
      payload: { version: item.version, status: 'done' },
    })
    expect(done.statusCode, done.body).toBe(200)
    expect(ActionItemView.parse(done.json())).toMatchObject({
      status: 'done',
      overdue: false,
      version: item.version + 1,
      doneAt: expect.any(String),
    })
    // The same version again is stale: someone moved it since.
    expectError(
      await t.app.inject({
        method: 'PATCH',
        url: `${itemsUrl}/${item.id}`,
        headers: implementer.headers,
        payload: { version: item.version, status: 'open' },
      }),
      409,
      'STALE_VERSION',
    )
    const after = await t.app.inject({
      method: 'GET',
      url: '/api/v1/reviews/action-items?overdue=true',
      headers: auditor.headers,
    })
    expect(after.json().items.map((row: { id: string }) => row.id)).not.toContain(item.id)
    expect(
      await t.db.auditEvent.count({ where: { entityId: item.id, action: { startsWith: 'review.action_item.' } } }),
    ).toBe(2)

    const reviews = ReviewList.parse(
      (await t.app.inject({ method: 'GET', url: '/api/v1/reviews?status=open', headers: auditor.headers })).json(),
    )
    expect(reviews.items.find((row) => row.change.id === change.id)).toMatchObject({
      reason: 'emergency',
      openActionItems: 0,
    })
  })
})
