// CAB approvals in the browser (issue 3): a requester submits, the change manager sends it to the CAB
// at moderate risk, a CAB member approves the technical stage from the review queue, a business
// member approves the second stage on the change, and the change is scheduled. The requester is
// offered no decision on their own change, and the API refuses theirs too.
import { expect, test } from '@playwright/test'
import { createChangeThroughForm, openAs, signInAt, uniqueTitle } from './support'

test('a moderate-risk change goes through two approval stages to scheduled', async ({ page, browser }) => {
  // Four people at their own browsers, one after the other: more than the default budget on a busy machine.
  test.slow()
  const title = uniqueTitle('E2E approvals')

  await signInAt(page, '/changes', 'requester')
  const number = await createChangeThroughForm(page, title)
  // A window of its own, months out: the schedule holds back a change that overlaps another on the same
  // item, and the form always proposes the same slot on the same first item.
  const moved = await page.evaluate(async (ref) => {
    const me = await (await fetch('/api/v1/auth/me')).json()
    const change = await (await fetch(`/api/v1/changes/${ref}`)).json()
    const start = new Date(Date.now() + (60 + Math.floor(Math.random() * 300)) * 86_400_000)
    start.setUTCHours(Math.floor(Math.random() * 20), 0, 0, 0)
    const end = new Date(start.getTime() + 2 * 3_600_000)
    const response = await fetch(`/api/v1/changes/${ref}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
      body: JSON.stringify({
        version: change.version,
        plannedStart: start.toISOString(),
        plannedEnd: end.toISOString(),
      }),
    })
    return response.status
  }, number)
  expect(moved).toBe(200)
  await page.reload()
  // Before authorization is requested, the approvals panel previews what the change will need.
  await expect(page.getByRole('region', { name: 'Approvals' })).toBeVisible()
  await page.getByRole('button', { name: 'Submit for assessment', exact: true }).click()
  await expect(page.getByTestId('change-state')).toHaveText('assess')

  const manager = await openAs(browser, 'manager', `/changes/${number}`)
  try {
    const { page: managerPage } = manager
    await managerPage.getByRole('button', { name: 'Request authorization', exact: true }).click()
    const dialog = managerPage.getByRole('dialog', { name: 'Request authorization' })
    await dialog.getByRole('switch', { name: 'Override the risk level', exact: true }).check()
    await dialog.getByLabel('Risk level', { exact: true }).selectOption('moderate')
    await dialog.getByLabel('Override reason', { exact: true }).fill('Touches the shared training image.')
    await dialog.getByRole('button', { name: 'Send for authorization', exact: true }).click()
    await expect(dialog).toBeHidden()
    await expect(managerPage.getByTestId('change-state')).toHaveText('authorize')
    const stages = managerPage.getByTestId('approval-stage')
    await expect(stages).toHaveCount(2)
    await expect(stages.nth(0)).toHaveAttribute('data-status', 'open')
    await expect(stages.nth(1)).toHaveAttribute('data-status', 'pending')
    // Authorization comes from the stages: nobody is offered a manual Authorize.
    await expect(managerPage.getByRole('button', { name: 'Authorize', exact: true })).toHaveCount(0)
  } finally {
    await manager.context.close()
  }

  // The requester sees the stages but no decision, and the API refuses a decision sent by hand.
  await page.reload()
  const panel = page.getByRole('region', { name: 'Approvals' })
  await expect(panel.getByTestId('approval-stage').first()).toHaveAttribute('data-status', 'open')
  await expect(panel.getByRole('button', { name: 'Approve', exact: true })).toHaveCount(0)
  const refused = await page.evaluate(async (ref) => {
    const me = await (await fetch('/api/v1/auth/me')).json()
    const approvals = await (await fetch(`/api/v1/changes/${ref}/approvals`)).json()
    const response = await fetch(`/api/v1/changes/${ref}/approvals/${approvals.stages[0].id}/decision`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
      body: JSON.stringify({ decision: 'approve', version: approvals.version }),
    })
    return { status: response.status, code: (await response.json()).error.code }
  }, number)
  expect(refused).toEqual({ status: 403, code: 'FORBIDDEN' })

  // A CAB member approves the technical stage from the review queue.
  const cab = await openAs(browser, 'cab', '/cab')
  try {
    const { page: cabPage } = cab
    await expect(cabPage.getByRole('heading', { name: 'CAB review queue' })).toBeVisible()
    const item = cabPage.getByTestId('cab-queue-item').filter({ hasText: number })
    await expect(item).toContainText('Stage 1 of 2')
    await expect(item.getByTestId('risk-matrix')).toBeVisible()
    await item.getByRole('button', { name: 'Approve', exact: true }).click()
    const dialog = cabPage.getByRole('dialog')
    await dialog.getByLabel('Comment').fill('Technically sound.')
    await dialog.getByRole('button', { name: 'Confirm approval', exact: true }).click()
    await expect(dialog).toBeHidden()
    await expect(cabPage.getByTestId('cab-queue-item').filter({ hasText: number })).toHaveCount(0)
  } finally {
    await cab.context.close()
  }

  // A business member approves the second stage on the change itself; the change is scheduled.
  const business = await openAs(browser, 'manager', `/changes/${number}`)
  try {
    const { page: businessPage } = business
    const stages = businessPage.getByRole('region', { name: 'Approvals' }).getByTestId('approval-stage')
    await expect(stages.nth(0)).toHaveAttribute('data-status', 'approved')
    await expect(stages.nth(0).getByTestId('approval-decisions')).toContainText('Casey CAB')
    await expect(stages.nth(1)).toHaveAttribute('data-status', 'open')
    await stages.nth(1).getByRole('button', { name: 'Approve', exact: true }).click()
    await businessPage.getByRole('dialog').getByRole('button', { name: 'Confirm approval', exact: true }).click()
    await expect(businessPage.getByTestId('change-state')).toHaveText('scheduled')
    await expect(stages.nth(1)).toHaveAttribute('data-status', 'approved')
  } finally {
    await business.context.close()
  }

  await page.reload()
  await expect(page.getByTestId('change-state')).toHaveText('scheduled')
})

test('an admin creates an approval policy in the console, sees it in order, and deletes it', async ({ page }) => {
  const name = uniqueTitle('E2E policy')
  await signInAt(page, '/cab/policies', 'admin')
  await page.getByRole('button', { name: 'New policy', exact: true }).click()
  const dialog = page.getByRole('dialog', { name: 'New approval policy' })
  await dialog.getByLabel('Name', { exact: true }).fill(name)
  // After the catch-all default (priority 1000), so it never decides another spec's change.
  await dialog.getByLabel('Priority', { exact: true }).fill('9999')
  await dialog.getByLabel('Stage name', { exact: true }).fill('Security look')
  await dialog.getByRole('button', { name: 'Create policy', exact: true }).click()
  await expect(dialog).toBeHidden()
  const card = page.getByTestId('approval-policy').filter({ hasText: name })
  await expect(card).toContainText('Security look')
  await expect(page.getByTestId('approval-policy').last()).toContainText(name)

  await card.getByRole('button', { name: 'Edit', exact: true }).click()
  await page.getByRole('dialog').getByRole('button', { name: 'Delete policy', exact: true }).click()
  await expect(page.getByTestId('approval-policy').filter({ hasText: name })).toHaveCount(0)
})
