// A requester raises a change, corrects its title on the Edit page (the audit trail records the edit),
// then gives up on it: cancelling needs a reason, and a canceled change offers no more edits or steps.
import { expect, test } from '@playwright/test'
import { createChangeThroughForm, signInAt, uniqueTitle } from './support'

test('a requester edits the title of a new change, then cancels it with a reason', async ({ page }) => {
  const title = uniqueTitle('E2E PyTorch image bump')
  const corrected = `${title} (corrected)`

  await signInAt(page, '/changes', 'requester')
  const number = await createChangeThroughForm(page, title)

  // Edit: the form opens with what was saved, and saving returns to the change.
  await page.getByRole('link', { name: 'Edit', exact: true }).click()
  await expect(page).toHaveURL(new RegExp(`/changes/${number}/edit$`))
  await expect(page.getByRole('heading', { name: `Edit ${number}: ${title}` })).toBeVisible()
  const titleField = page.getByLabel('Title', { exact: true })
  await expect(titleField).toHaveValue(title)
  await titleField.fill(corrected)
  await page.getByRole('button', { name: 'Save changes', exact: true }).click()

  await expect(page).toHaveURL(new RegExp(`/changes/${number}$`))
  await expect(page.getByTestId('change-title')).toHaveText(corrected)
  await expect(page.getByTestId('change-state')).toHaveText('new')
  // The timeline, oldest first: the creation, then the edit with the title's before and after.
  const timeline = page.getByTestId('timeline-item')
  await expect(timeline.first()).toHaveAttribute('data-action', 'change.created')
  const edit = page.locator('[data-testid="timeline-item"][data-action="change.updated"]')
  await expect(edit).toHaveCount(1)
  await expect(edit).toContainText('change.updated')
  await expect(edit).toContainText(`title: ${title} → ${corrected}`)

  // Cancel: the reason is required, and the field says so before anything is sent.
  await page.getByRole('button', { name: 'Cancel change', exact: true }).click()
  const dialog = page.getByRole('dialog', { name: 'Cancel this change' })
  await expect(dialog).toBeVisible()
  await dialog.getByRole('button', { name: 'Confirm cancellation', exact: true }).click()
  const reason = dialog.getByLabel('Reason', { exact: true })
  await expect(reason).toHaveAttribute('aria-invalid', 'true')
  await expect(page.getByTestId('change-state')).toHaveText('new')

  await reason.fill('The framework team will ship this in the next base image instead.')
  await dialog.getByRole('button', { name: 'Confirm cancellation', exact: true }).click()

  await expect(dialog).toBeHidden()
  await expect(page.getByTestId('change-state')).toHaveText('canceled')
  await expect(page.getByTestId('change-title')).toHaveText(corrected)
  // Nothing is left to do with a canceled change.
  await expect(page.getByRole('link', { name: 'Edit', exact: true })).toHaveCount(0)
  await expect(page.getByRole('button', { name: 'Submit for assessment', exact: true })).toHaveCount(0)
  await expect(page.getByRole('button', { name: 'Cancel change', exact: true })).toHaveCount(0)
  await expect(timeline.last()).toHaveAttribute('data-action', 'change.cancel')
  await expect(timeline.last()).toContainText('state: new → canceled')

  // The edit page no longer offers a form for it either, even when typed in directly.
  await page.goto(`/changes/${number}/edit`)
  await expect(page.getByText('This change can no longer be edited')).toBeVisible()
  await expect(page.getByRole('button', { name: 'Save changes' })).toHaveCount(0)
})
