// A requester raises a request for change in the browser: a wrong field is shown where it is,
// the fixed change gets a number and a risk cell, and submitting it moves it to assessment.
import { type Page, expect, test } from '@playwright/test'

const REQUESTER_EMAIL = 'requester@example.com'
const DEMO_PASSWORD = process.env.CABINET_DEMO_PASSWORD ?? 'cabinet-demo'
const HOUR_MS = 60 * 60 * 1000

/** The value an `<input type="datetime-local">` takes, in the local zone the browser shares. */
function localDateTime(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`
}

async function signIn(page: Page) {
  await page.getByLabel('Email', { exact: true }).fill(REQUESTER_EMAIL)
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
}

test('a requester creates a change, fixes a wrong planned end, and submits it for assessment', async ({ page }) => {
  const title = `E2E driver rollout ${Date.now()}`
  // Two weeks ahead on the hour, so lead-time rules and minute rounding never interfere.
  const start = new Date(Date.now() + 14 * 24 * HOUR_MS)
  start.setMinutes(0, 0, 0)
  const endBeforeStart = new Date(start.getTime() - HOUR_MS)
  const end = new Date(start.getTime() + 2 * HOUR_MS)

  // Not signed in yet: the console shows the sign-in page at the address asked for.
  await page.goto('/changes/new')
  await signIn(page)
  await expect(page.getByRole('heading', { name: 'New change' })).toBeVisible()

  await page.getByLabel('Type', { exact: true }).selectOption('normal')
  await page.getByLabel('Category', { exact: true }).selectOption('infrastructure')
  await page.getByLabel('Subcategory', { exact: true }).selectOption('gpu-driver')
  await page.getByLabel('Target driver version', { exact: true }).fill('570.86.15')
  await page.getByLabel('Title', { exact: true }).fill(title)
  await page.getByLabel('What will change', { exact: true }).fill('Upgrade the NVIDIA driver on the selected nodes.')
  await page.getByLabel('Why', { exact: true }).fill('The current driver has a known XID 79 regression.')
  await page.getByLabel('Planned start', { exact: true }).fill(localDateTime(start))
  await page.getByLabel('Planned end', { exact: true }).fill(localDateTime(endBeforeStart))

  // Any configuration item will do, so the test runs on whatever the database holds.
  await page.getByLabel('Affected items', { exact: true }).click()
  const firstItem = page.getByRole('listbox', { name: 'Matching configuration items' }).getByRole('option').first()
  await firstItem.click()
  await page.keyboard.press('Escape')
  await expect(page.getByText(/1 \w+ selected/)).toBeVisible()

  await page
    .getByLabel('Implementation plan', { exact: true })
    .fill('Drain, install, reboot, validate, undrain; one node at a time.')
  await page.getByLabel('Test evidence', { exact: true }).fill('Ran the same upgrade on staging node stg-01.')
  await page.getByLabel('Rollback plan', { exact: true }).fill('Reinstall the previous driver package and reboot.')

  await page.getByRole('button', { name: 'Create change', exact: true }).click()

  // The wrong field says what is wrong with it, at the field.
  const plannedEnd = page.getByLabel('Planned end', { exact: true })
  await expect(plannedEnd).toHaveAttribute('aria-invalid', 'true')
  await expect(plannedEnd).toHaveAccessibleDescription(/after/i)
  await expect(page).toHaveURL(/\/changes\/new$/)

  await plannedEnd.fill(localDateTime(end))
  await expect(plannedEnd).not.toHaveAttribute('aria-invalid', 'true')
  await page.getByRole('button', { name: 'Create change', exact: true }).click()

  // The created change: its number, its title and exactly one highlighted cell of the risk matrix.
  await expect(page).toHaveURL(/\/changes\/CHG\d{7,}$/)
  await expect(page.getByTestId('change-number')).toHaveText(/^CHG\d{7,}$/)
  await expect(page.getByTestId('change-title')).toHaveText(title)
  await expect(page.getByTestId('change-state')).toHaveText('new')
  await expect(page.locator('[data-testid^="risk-cell-"][aria-current="true"]')).toHaveCount(1)

  await page.getByRole('button', { name: 'Submit for assessment', exact: true }).click()
  await expect(page.getByTestId('change-state')).toHaveText('assess')

  // The audit trail, oldest first: the creation, then the submission.
  const timeline = page.getByTestId('timeline-item')
  await expect(timeline.first()).toContainText(/creat/i)
  await expect(timeline.last()).toContainText(/submit|assess/i)
  expect(await timeline.count()).toBeGreaterThanOrEqual(2)
})
