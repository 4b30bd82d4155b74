// The change queue: filtering by state (kept in the address, so it survives a reload), "Mine", and
// finding a change by its number and opening it. Only facts no other test can change are asserted:
// closed is a final state, and the seeded changes keep their requester and number.
import { expect, test } from '@playwright/test'
import { PEOPLE, signInAt } from './support'

test('filtering by state shows only closed changes, and the filter survives a reload', async ({ page }) => {
  await signInAt(page, '/changes', 'manager')
  const rows = page.getByTestId('change-row')
  await expect(rows.first()).toBeVisible()

  await page.getByRole('combobox', { name: 'State', exact: true }).click()
  await page.getByRole('option', { name: 'Closed', exact: true }).click()
  await page.keyboard.press('Escape')

  await expect(page).toHaveURL(/[?&]state=closed(&|$)/)
  // Every row is closed; the two seeded closed changes are among them (closed is final, nothing moves them).
  await expect(rows.locator('[data-state]:not([data-state="closed"])')).toHaveCount(0)
  await expect(rows.filter({ hasText: 'CHG0000007' })).toBeVisible()
  await expect(rows.filter({ hasText: 'CHG0000008' })).toBeVisible()

  await page.reload()
  await expect(page).toHaveURL(/[?&]state=closed(&|$)/)
  await expect(rows.filter({ hasText: 'CHG0000007' })).toBeVisible()
  await expect(rows.locator('[data-state]:not([data-state="closed"])')).toHaveCount(0)
  // The control shows the filter it came back with, and clearing it brings every state back.
  await expect(page.getByRole('region', { name: 'Filters' }).getByText('Closed', { exact: true })).toBeVisible()
  await page.getByRole('button', { name: 'Clear filters', exact: true }).click()
  await expect(page).not.toHaveURL(/state=/)
  await expect(rows.locator('[data-state]:not([data-state="closed"])').first()).toBeVisible()
  // Every state and risk badge reads in full (they used to be cut to "AUTHO…" in a narrow column).
  const cutShort = await rows
    .locator('[data-state] .mantine-Badge-label, [data-risk] .mantine-Badge-label')
    .evaluateAll((labels) => labels.filter((l) => l.scrollWidth > l.clientWidth + 1).map((l) => l.textContent))
  expect(cutShort).toEqual([])
})

test('"Mine" shows the on-call engineer only the changes they raised', async ({ page }) => {
  await signInAt(page, '/changes', 'oncall')
  const rows = page.getByTestId('change-row')
  // Unfiltered, the queue holds other people's changes too.
  await expect(rows.filter({ hasText: PEOPLE.requester.name }).first()).toBeVisible()

  // The switch follows the address, which changes a moment after the click: click, then expect it on.
  const mine = page.getByRole('switch', { name: 'Mine', exact: true })
  await mine.click()
  await expect(mine).toBeChecked()

  await expect(page).toHaveURL(/[?&]mine=true(&|$)/)
  await expect(rows.filter({ hasNotText: PEOPLE.oncall.name })).toHaveCount(0)
  await expect(rows.filter({ hasText: 'CHG0000010' })).toBeVisible()
  await expect(rows.filter({ hasText: 'CHG0000011' })).toBeVisible()

  await page.reload()
  await expect(mine).toBeChecked()
  await expect(rows.filter({ hasText: 'CHG0000011' })).toBeVisible()
  await expect(rows.filter({ hasNotText: PEOPLE.oncall.name })).toHaveCount(0)
})

test('searching by number finds that change, and its number opens it', async ({ page }) => {
  await signInAt(page, '/changes', 'cab')
  const rows = page.getByTestId('change-row')
  await expect(rows.first()).toBeVisible()

  await page.getByLabel('Search', { exact: true }).fill('CHG0000007')

  await expect(page).toHaveURL(/[?&]q=CHG0000007(&|$)/)
  await expect(rows).toHaveCount(1)
  await expect(rows.first()).toContainText('Slurm 24.05 on train-h100-east')

  await rows.first().getByRole('link', { name: 'CHG0000007', exact: true }).click()

  await expect(page).toHaveURL(/\/changes\/CHG0000007$/)
  await expect(page.getByTestId('change-number')).toHaveText('CHG0000007')
  await expect(page.getByTestId('change-title')).toHaveText('Slurm 24.05 on train-h100-east')
  await expect(page.getByTestId('change-state')).toHaveText('closed')

  // Back returns to the search as it was left.
  await page.goBack()
  await expect(page.getByLabel('Search', { exact: true })).toHaveValue('CHG0000007')
  await expect(rows).toHaveCount(1)
})
