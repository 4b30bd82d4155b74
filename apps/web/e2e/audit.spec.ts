// An auditor's journey: sign in, open the audit trail, filter it to one change, export it as CSV
// (a real download whose rows are that change's events, with its signed manifest beside it), and
// verify the chain intact; then download the change's history as Markdown. The change is raised here, so the spec depends on no other's data.
import { readFile } from 'node:fs/promises'
import { expect, test } from '@playwright/test'
import { createChangeThroughForm, openAs, signInAt, uniqueTitle } from './support'

test('an auditor filters the trail, exports it as CSV with a manifest, and sees the chain intact', async ({
  page,
  browser,
}) => {
  // A requester raises a change, so the trail holds events of a change nobody else touches.
  const requester = await openAs(browser, 'requester', '/changes')
  let number: string
  try {
    number = await createChangeThroughForm(requester.page, uniqueTitle('E2E audit'))
  } finally {
    await requester.context.close()
  }

  await signInAt(page, '/changes', 'auditor')
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Audit' }).click()
  await expect(page.getByRole('heading', { name: 'Audit trail' })).toBeVisible()

  // Filter to the change: the address keeps the filter, the table shows only its events.
  const filters = page.getByRole('form', { name: 'Audit filters' })
  await filters.getByLabel('Change', { exact: true }).fill(number)
  await filters.getByRole('button', { name: 'Search', exact: true }).click()
  await expect(page).toHaveURL(new RegExp(`[?&]change=${number}`))
  const rows = page.getByTestId('audit-row')
  await expect(rows).toHaveCount(1)
  await expect(rows.first()).toContainText('change.created')

  // Export CSV: a real download, then the signed manifest of the same export.
  const csvDownload = page.waitForEvent('download', (download) => download.suggestedFilename().endsWith('.csv'))
  const manifestDownload = page.waitForEvent('download', (download) =>
    download.suggestedFilename().endsWith('.manifest.json'),
  )
  await page.getByRole('button', { name: 'Export CSV', exact: true }).click()
  const csv = await readFile(await (await csvDownload).path())
  const manifest = JSON.parse(await readFile(await (await manifestDownload).path(), 'utf8')) as {
    rowCount: number
    filters: Record<string, string>
    byteCount: number
  }
  const lines = csv.toString('utf8').trimEnd().split('\n')
  expect(lines[0]).toBe(
    'seq,id,at,actor_id,actor_name,action,entity_type,entity_id,change_id,before,after,request_id,prev_hash,hash',
  )
  expect(lines).toHaveLength(2)
  expect(lines[1]).toContain('change.created')
  expect(manifest).toMatchObject({ rowCount: 1, filters: { change: number }, byteCount: csv.length })
  await expect(page.getByTestId('export-done')).toContainText('Exported 1 event as CSV')

  // Verify the whole chain from the console.
  await page.getByRole('button', { name: 'Verify chain', exact: true }).click()
  const verdict = page.getByTestId('chain-verdict')
  await expect(verdict).toContainText('Chain intact')
  await expect(verdict).toContainText('events checked')

  // The change's history as Markdown, from its page.
  await page.goto(`/changes/${number}`)
  const historyDownload = page.waitForEvent('download')
  await page.getByRole('link', { name: 'Download history (Markdown)', exact: true }).click()
  const history = await historyDownload
  expect(history.suggestedFilename()).toBe(`${number}-history.md`)
  const markdown = await readFile(await history.path(), 'utf8')
  expect(markdown.startsWith(`# ${number}: `)).toBe(true)
  expect(markdown).toContain('`change.created`')
})
