// The KPI dashboard over the seeded history (prisma/seed/history.ts) and the post-implementation
// review form. The review journey takes one of the seeded emergency changes still in review, so it
// moves only data that exists for it and no other spec reads.
import { expect, test } from '@playwright/test'
import { signInAt, uniqueTitle } from './support'

const CHARTS = ['chart-success-rate', 'chart-lead-time', 'chart-category-risk', 'chart-time-to-restore'] as const

test('the KPI page charts the seeded history, keeps its filters in the address and downloads CSV', async ({ page }) => {
  await signInAt(page, '/changes', 'manager')
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'KPIs' }).click()
  await expect(page).toHaveURL(/\/kpis$/)
  await expect(page.getByRole('heading', { name: 'Change KPIs' })).toBeVisible()

  // Six months of history: every figure has a value, every chart draws bars.
  await expect(page.getByTestId('kpi-success-rate-value')).toHaveText(/^\d+(\.\d)?%$/)
  await expect(page.getByTestId('kpi-lead-time-value')).toHaveText(/^\d+(\.\d)? (h|d)$/)
  for (const chart of CHARTS) {
    const card = page.getByTestId(chart)
    await expect(card.locator('svg.recharts-surface').first()).toBeVisible()
    await expect(card.locator('.recharts-bar-rectangle').first()).toBeVisible()
  }
  await expect(page.getByTestId('chart-success-rate').locator('.recharts-line-curve')).toBeVisible()
  await expect(page.getByRole('table', { name: 'Success score by requester' }).getByRole('row')).not.toHaveCount(1)

  await page.getByText('1 year', { exact: true }).click()
  await expect(page).toHaveURL(/[?&]period=365d(&|$)/)
  await page.getByRole('combobox', { name: 'Category' }).click()
  await page.getByRole('option', { name: 'Software', exact: true }).click()
  await expect(page).toHaveURL(/[?&]category=software(&|$)/)
  await page.reload()
  await expect(page.getByRole('combobox', { name: 'Category' })).toHaveValue('Software')
  await expect(page.getByTestId('chart-category-risk').locator('.recharts-bar-rectangle').first()).toBeVisible()

  const downloading = page.waitForEvent('download')
  await page.getByRole('link', { name: 'Download CSV' }).click()
  const download = await downloading
  expect(download.suggestedFilename()).toMatch(/^cabinet-kpis-\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$/)
})

test('a reviewer records a review with an action item, completes it, and tracks the item to done', async ({ page }) => {
  await signInAt(page, '/reviews', 'manager')
  const openReview = page.getByTestId('open-review').filter({ hasText: 'emergency' }).first()
  await expect(openReview).toBeVisible()
  await openReview.getByRole('link').click()
  await expect(page).toHaveURL(/\/changes\/CHG\d{7,}$/)

  const panel = page.getByRole('region', { name: 'Post-implementation review' })
  await expect(panel.getByTestId('review-status')).toHaveText(/open|overdue/)
  // Completing without the required fields names them.
  await panel.getByRole('button', { name: 'Complete review' }).click()
  await expect(panel.getByText(/lessonsLearned: must not be empty/)).toBeVisible()

  await panel.getByRole('combobox', { name: 'Outcome' }).click()
  await page.getByRole('option', { name: 'Successful with issues', exact: true }).click()
  await panel.getByLabel('Root cause').fill('A baseboard with a marginal PCIe retimer.')
  await panel.getByLabel('Lessons learned').fill('Keep a spare baseboard per cluster.')
  await panel.getByRole('button', { name: 'Save review' }).click()
  await expect(page.getByText('Review saved')).toBeVisible()

  const action = uniqueTitle('Add a retimer check')
  await panel.getByRole('textbox', { name: 'New action item' }).fill(action)
  await panel.getByRole('combobox', { name: 'Owner' }).click()
  await page.getByRole('option', { name: 'Omar On-call', exact: true }).click()
  await panel.getByLabel('Due', { exact: true }).fill('2030-01-15T09:00')
  await panel.getByRole('button', { name: 'Add', exact: true }).click()
  const item = panel.getByTestId('action-item').filter({ hasText: action })
  await expect(item).toHaveAttribute('data-status', 'open')
  await expect(item).toContainText('Omar On-call')

  await panel.getByRole('button', { name: 'Complete review' }).click()
  await expect(panel.getByTestId('review-status')).toHaveText('completed')

  // The action item outlives the review: tracked to done afterwards.
  // The box follows the server: it ticks once the update is stored.
  await item.getByRole('checkbox').click()
  await expect(item).toHaveAttribute('data-status', 'done')
  await page.reload()
  await expect(
    page
      .getByRole('region', { name: 'Post-implementation review' })
      .getByTestId('action-item')
      .filter({ hasText: action }),
  ).toHaveAttribute('data-status', 'done')
})
