// A normal change through assessment and authorization, each person at their own browser: the
// requester raises and submits it, the change manager sends it for authorization with a risk override
// (level and reason shown on the change), which sends it to the critical-risk approval stages; a CAB
// member approves the first of them. (The whole way to `scheduled` is in approvals.spec.ts.)
import { expect, test } from '@playwright/test'
import { PEOPLE, createChangeThroughForm, openAs, signInAt, uniqueTitle } from './support'

test('the change manager overrides the risk when requesting authorization, and CAB approves', async ({
  page,
  browser,
}) => {
  const title = uniqueTitle('E2E CAB review')
  const overrideReason = 'Same week as the quarterly training run: treat any disruption as critical.'

  // The requester raises and submits the change.
  await signInAt(page, '/changes', 'requester')
  const number = await createChangeThroughForm(page, title)
  await page.getByRole('button', { name: 'Submit for assessment', exact: true }).click()
  await expect(page.getByTestId('change-state')).toHaveText('assess')
  // Segregation of duties: the requester is not offered the decision.
  await expect(page.getByRole('button', { name: 'Request authorization' })).toHaveCount(0)
  await expect(page.getByRole('button', { name: 'Authorize' })).toHaveCount(0)

  // The change manager assesses it and overrides the risk level, with a reason.
  const manager = await openAs(browser, 'manager', `/changes/${number}`)
  try {
    const { page: managerPage } = manager
    await expect(managerPage.getByTestId('change-state')).toHaveText('assess')
    await managerPage.getByRole('button', { name: 'Request authorization', exact: true }).click()
    const dialog = managerPage.getByRole('dialog', { name: 'Request authorization' })
    await expect(dialog).toContainText(`${number}: ${title}`)
    await dialog.getByRole('switch', { name: 'Override the risk level', exact: true }).check()
    await dialog.getByLabel('Risk level', { exact: true }).selectOption('critical')
    await dialog.getByLabel('Override reason', { exact: true }).fill(overrideReason)
    await dialog.getByRole('button', { name: 'Send for authorization', exact: true }).click()

    await expect(dialog).toBeHidden()
    await expect(managerPage.getByTestId('change-state')).toHaveText('authorize')
    await expect(managerPage.getByTestId('change-risk')).toHaveAttribute('data-risk', 'critical')
    const riskPanel = managerPage.getByRole('region', { name: 'Risk assessment' })
    await expect(riskPanel).toContainText(`Overridden to Critical by ${PEOPLE.manager.name}: ${overrideReason}`)
    await expect(managerPage.getByTestId('timeline-item').last()).toHaveAttribute(
      'data-action',
      'change.request_authorization',
    )
  } finally {
    await manager.context.close()
  }

  // A CAB member sees the override and approves the first stage of the critical-risk policy; the
  // stages, not a manual Authorize, decide the change.
  const cab = await openAs(browser, 'cab', `/changes/${number}`)
  try {
    const { page: cabPage } = cab
    await expect(cabPage.getByTestId('change-state')).toHaveText('authorize')
    await expect(cabPage.getByTestId('change-risk')).toHaveAttribute('data-risk', 'critical')
    await expect(cabPage.getByRole('region', { name: 'Risk assessment' })).toContainText(overrideReason)
    await expect(cabPage.getByRole('button', { name: 'Authorize', exact: true })).toHaveCount(0)
    const stages = cabPage.getByRole('region', { name: 'Approvals' }).getByTestId('approval-stage')
    await expect(stages).toHaveCount(4)
    await stages.first().getByRole('button', { name: 'Approve', exact: true }).click()
    await cabPage.getByRole('dialog').getByRole('button', { name: 'Confirm approval', exact: true }).click()
    await expect(stages.first()).toContainText('1 of 2 approvals')
    await expect(cabPage.getByTestId('timeline-item').last()).toHaveAttribute('data-action', 'approval.approved')
  } finally {
    await cab.context.close()
  }

  // The requester, on reload, sees where their change stands.
  await page.reload()
  await expect(page.getByTestId('change-state')).toHaveText('authorize')
  await expect(page.getByTestId('change-risk')).toHaveAttribute('data-risk', 'critical')
})
