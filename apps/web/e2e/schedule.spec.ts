// The schedule in the browser: a requester picks a time inside the demo freeze on the inference
// cluster, sees one conflict that lists the nodes, takes a suggested slot, and the conflict clears.
// Needs the demo seed (prisma/seed/schedule.ts): the freeze runs days 20 to 23 from seeding.
import { expect, test } from '@playwright/test'
import { signInAt, uniqueTitle } from './support'

const HOUR_MS = 60 * 60 * 1000

function localDateTime(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`
}

test('a change inside a freeze lists its nodes, and a suggested slot clears the conflict', async ({ page }) => {
  await signInAt(page, '/changes/new', 'requester')
  await expect(page.getByRole('heading', { name: 'New change' })).toBeVisible()

  // Midday on day 21: inside the freeze whatever the browser's zone.
  const start = new Date(Date.now() + 21 * 24 * HOUR_MS)
  start.setHours(12, 0, 0, 0)
  const end = new Date(start.getTime() + 2 * HOUR_MS)
  await page.getByLabel('Type', { exact: true }).selectOption('normal')
  await page.getByLabel('Category', { exact: true }).selectOption('software')
  await page.getByLabel('Title', { exact: true }).fill(uniqueTitle('E2E inference patch'))
  await page.getByLabel('Planned start', { exact: true }).fill(localDateTime(start))
  await page.getByLabel('Planned end', { exact: true }).fill(localDateTime(end))

  // Three nodes of the frozen cluster.
  const picker = page.getByLabel('Affected items', { exact: true })
  await picker.click()
  await picker.fill('h200-w-0')
  const options = page.getByRole('listbox', { name: 'Matching configuration items' }).getByRole('option')
  for (const hostname of ['h200-w-01', 'h200-w-02', 'h200-w-03']) {
    await options.filter({ hasText: hostname }).first().click()
  }
  await page.keyboard.press('Escape')
  await expect(page.getByText(/3 \w+ selected/)).toBeVisible()

  const preview = page.getByTestId('schedule-preview')
  const freeze = preview.locator('[data-testid="conflict"][data-kind="freeze"]')
  await expect(freeze).toBeVisible()
  await expect(freeze.getByTestId('conflict-count')).toHaveText('3 items')
  await expect(freeze).toContainText('Inference launch freeze')
  for (const hostname of ['h200-w-01', 'h200-w-02', 'h200-w-03']) {
    await expect(freeze.getByTestId('conflict-items')).toContainText(hostname)
  }

  await preview.getByRole('button', { name: 'Suggest a slot' }).click()
  const slots = preview.getByTestId('suggested-slots').getByRole('button')
  await expect(slots).toHaveCount(5)
  await slots.first().click()

  await expect(page.getByLabel('Planned start', { exact: true })).not.toHaveValue(localDateTime(start))
  await expect(preview.getByTestId('no-conflicts')).toBeVisible()
  await expect(preview.locator('[data-testid="conflict"]')).toHaveCount(0)
})

test('the calendar shows the freeze on its days', async ({ page }) => {
  await signInAt(page, '/calendar', 'requester')
  await expect(page.getByRole('heading', { name: 'Calendar', exact: true })).toBeVisible()
  // The freeze starts 20 days out: this month or the next.
  await expect(page.getByTestId('calendar-grid')).toBeVisible()
  const next = page.getByRole('button', { name: 'Next' })
  const freeze = page.getByTestId('calendar-freeze').filter({ hasText: 'Inference launch freeze' })
  if ((await freeze.count()) === 0) await next.click()
  await expect(freeze.first()).toBeVisible()
  await expect(page.locator('[data-testid="calendar-day"][data-frozen="true"]').first()).toBeVisible()
})
