// The fleet console on the demo fleet, whose seed probes every node through the GPU simulator: the
// fleet page shows health from those probes, filters to the failing nodes (kept in the address), opens
// one and shows the gate that failed with its reason, and the drift list shows the seeded open record.
import { expect, test } from '@playwright/test'
import { signInAt } from './support'

test('the fleet page shows probed health, filters to failing nodes, and a failing node names its failed gate', async ({
  page,
}) => {
  await signInAt(page, '/changes', 'manager')
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Fleet' }).click()
  await expect(page.getByRole('heading', { name: 'Fleet', exact: true })).toBeVisible()

  // Health comes from the seeded probes: nodes pass and fail, and the summary counts the failures.
  const rows = page.getByTestId('fleet-node-row')
  await expect(rows.first()).toBeVisible()
  await expect(page.locator('[data-testid="fleet-node-row"][data-health="pass"]').first()).toBeVisible()
  await expect(page.getByTestId('fleet-total-fail')).not.toHaveText('0')
  // Only the rows in view are in the page: fewer rows rendered than nodes loaded.
  await expect(page.getByTestId('fleet-loaded-count')).toHaveText(/^[\d,]+ nodes loaded/)
  const loaded = Number.parseInt(
    ((await page.getByTestId('fleet-loaded-count').textContent()) ?? '').replaceAll(',', ''),
    10,
  )
  expect(await rows.count()).toBeLessThan(loaded)

  // Only the failing nodes, and the filter is in the address (a reload keeps it).
  await page.getByLabel('Health', { exact: true }).selectOption('fail')
  await expect(page).toHaveURL(/[?&]health=fail\b/)
  await expect(page.locator('[data-testid="fleet-node-row"]:not([data-health="fail"])')).toHaveCount(0)
  await expect(rows.first()).toHaveAttribute('data-health', 'fail')
  await page.reload()
  await expect(page.getByLabel('Health', { exact: true })).toHaveValue('fail')
  await expect(rows.first()).toHaveAttribute('data-health', 'fail')

  // A failing node: its failed gate is listed with the reason the probe gave.
  const hostname = (await rows.first().getByRole('link').textContent())?.trim() ?? ''
  expect(hostname).not.toBe('')
  await rows.first().getByRole('link', { name: hostname }).click()
  await expect(page).toHaveURL(/\/fleet\/nodes\/[0-9a-f-]{36}$/)
  await expect(page.getByTestId('node-hostname')).toHaveText(hostname)
  await expect(page.getByTestId('node-health')).toHaveAttribute('data-health', 'fail')
  const failedGate = page.locator('[data-testid="health-gate"][data-verdict="fail"]').first()
  await expect(failedGate).toBeVisible()
  await expect(failedGate.getByTestId('health-gate-reason').first()).not.toBeEmpty()
  // The probe history holds the probe that judged it, and its raw output opens.
  await expect(page.getByTestId('probe-row').first()).toBeVisible()
  await page
    .getByRole('button', { name: /^Show raw output/ })
    .first()
    .click()
  await expect(page.getByTestId('probe-raw')).toBeVisible()

  // The drift list opens from the fleet page.
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Fleet' }).click()
  await page.getByRole('link', { name: 'Drift', exact: true }).click()
  await expect(page).toHaveURL(/\/fleet\/drift$/)
  await expect(page.getByRole('heading', { name: 'Drift', exact: true })).toBeVisible()
  await expect(page.getByRole('table', { name: 'Drift records' })).toBeVisible()
  // The seed's hand-installed driver is an open record, its expected value linked to the change that set it.
  const drift = page.locator('[data-testid="drift-row"][data-field="driver"]').first()
  await expect(drift).toBeVisible()
  const changeLink = drift.getByRole('link', { name: /^CHG\d{7,}$/ })
  await expect(changeLink).toHaveAttribute('href', /^\/changes\/CHG\d{7,}$/)
  // A change manager is offered the review; the dialog names the node, and Back leaves the record open.
  const driftHost = (await drift.getByRole('link').first().textContent())?.trim() ?? ''
  await drift.getByRole('button', { name: 'Accept', exact: true }).click()
  const dialog = page.getByRole('dialog', { name: 'Accept this change' })
  await expect(dialog).toContainText(driftHost)
  await dialog.getByRole('button', { name: 'Back', exact: true }).click()
  await expect(dialog).toBeHidden()
  await expect(drift).toBeVisible()
})
