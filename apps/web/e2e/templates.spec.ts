// A requester makes a standard change from a seeded approved template in the browser: it is
// pre-approved, so it lands in `scheduled` without any CAB step.
import { expect, test } from '@playwright/test'
import { signInAt, uniqueTitle } from './support'

/** The value an `<input type="datetime-local">` takes, in the local zone the browser shares. */
function localDateTime(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`
}

test('a standard change from the approved coolant check template is scheduled at once', async ({ page }) => {
  const title = uniqueTitle('E2E coolant check')
  // Weeks ahead at a random hour on a weekday, so runs on the same database do not conflict with each other.
  const start = new Date(Date.now() + (40 + Math.floor(Math.random() * 200)) * 86_400_000)
  start.setHours(1 + Math.floor(Math.random() * 4), 0, 0, 0)
  while (start.getDay() === 0 || start.getDay() === 6) start.setDate(start.getDate() + 1)

  await signInAt(page, '/templates', 'requester')
  await expect(page.getByRole('heading', { name: 'Standard change templates' })).toBeVisible()
  const card = page.getByTestId('change-template').filter({ hasText: 'Coolant loop check' })
  await expect(card.getByText('approved', { exact: true })).toBeVisible()
  // A requester uses templates; approving and retiring them is for the CAB and the change managers.
  await expect(card.getByRole('button', { name: /Approve|Retire/ })).toHaveCount(0)
  await card.getByRole('button', { name: 'New standard change' }).click()

  const dialog = page.getByRole('dialog')
  await dialog.getByLabel('Title', { exact: true }).fill(title)
  // A node of the inference cluster (h100-w-01 to -04): its only rule is a freeze weeks before the start.
  const hostname = `h100-w-0${1 + (start.getDate() % 4)}`
  await dialog.getByRole('combobox', { name: 'Single nodes' }).fill(hostname)
  await page.getByRole('option', { name: hostname, exact: true }).click()
  await dialog.getByRole('textbox', { name: /^Planned start/ }).fill(localDateTime(start))
  await expect(dialog.getByTestId('standard-change-items')).toContainText('1 node(s)')
  await dialog.getByRole('button', { name: 'Create standard change' }).click()

  await expect(page.getByTestId('change-title')).toHaveText(title)
  await expect(page.getByTestId('change-state')).toHaveText('scheduled')
})

test('the new-change form offers the emergency path with its notice', async ({ page }) => {
  await signInAt(page, '/changes/new', 'oncall')
  await page.getByRole('link', { name: 'Raise emergency change' }).click()
  await expect(page.getByTestId('emergency-notice')).toContainText('justification is')
  await expect(page.getByLabel('Type', { exact: true })).toHaveValue('emergency')
})

test('a requester is not offered the emergency path: on-call raises emergencies', async ({ page }) => {
  await signInAt(page, '/changes/new?type=emergency', 'requester')
  await expect(page.getByRole('link', { name: 'New standard change' })).toBeVisible()
  await expect(page.getByRole('link', { name: 'Raise emergency change' })).toHaveCount(0)
  const type = page.getByLabel('Type', { exact: true })
  await expect(type).toHaveValue('normal')
  await expect(type.locator('option')).toHaveText(['Standard', 'Normal'])
  await expect(page.getByTestId('emergency-notice')).toHaveCount(0)
})
