// Puts changes where a review test needs them: created through the API, then moved straight to
// `implement` in the database (the path there belongs to other modules' tests, and their guards
// — approvals, schedule — must not decide whether a review test can run).
import { expect } from 'vitest'
import { ChangeDetail, type ChangeType } from '@cabinet/contracts'
import type { SignedIn, TestApp } from '../support/app'
import { type Catalog, validChangeBody } from '../support/fixtures'

export async function changeInImplement(
  t: TestApp,
  catalog: Catalog,
  requester: SignedIn,
  type: ChangeType = 'normal',
) {
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/v1/changes',
    headers: requester.headers,
    payload: validChangeBody(catalog, { type }),
  })
  expect(created.statusCode, created.body).toBe(201)
  const change = ChangeDetail.parse(created.json())
  const submittedAt = new Date(Date.now() - 3 * 86_400_000)
  await t.db.changeRequest.update({
    where: { id: change.id },
    // An emergency change carries the review requirement from its submission (the domain's require_review).
    data: { state: 'implement', submittedAt, reviewRequired: type === 'emergency' },
  })
  return getChange(t, requester, change.id)
}

export async function getChange(t: TestApp, user: SignedIn, id: string) {
  const response = await t.app.inject({ method: 'GET', url: `/api/v1/changes/${id}`, headers: user.headers })
  expect(response.statusCode, response.body).toBe(200)
  return ChangeDetail.parse(response.json())
}

export function transition(t: TestApp, user: SignedIn, change: ChangeDetail, body: Record<string, unknown>) {
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/changes/${change.id}/transitions`,
    headers: user.headers,
    payload: { ...body, version: change.version },
  })
}
