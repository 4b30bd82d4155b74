// CAB meetings in the browser (issue 3 part 6): a change awaits authorization; the change manager
// schedules a meeting with a CAB member as attendee, finds the change on the agenda with its risk,
// starts the meeting, records the member's approval (it counts on the change's open stage) and
// downloads the minutes naming who voted what.
import { readFile } from 'node:fs/promises'
import { expect, test } from '@playwright/test'
import { createChangeThroughForm, openAs, signInAt, uniqueTitle } from './support'

function localDateTime(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`
}

test('a change manager schedules a CAB meeting, records an approval for an agenda item and downloads the minutes', async ({
  page,
  browser,
}) => {
  test.slow()
  const title = uniqueTitle('E2E meeting change')
  await signInAt(page, '/changes', 'requester')
  const number = await createChangeThroughForm(page, title)
  // Months out, in a window of its own (the schedule holds back overlapping changes on one item), then submitted.
  const submitted = await page.evaluate(async (ref) => {
    const me = await (await fetch('/api/v1/auth/me')).json()
    const headers = { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken }
    let change = await (await fetch(`/api/v1/changes/${ref}`)).json()
    const start = new Date(Date.now() + (60 + Math.floor(Math.random() * 300)) * 86_400_000)
    start.setUTCHours(Math.floor(Math.random() * 20), 0, 0, 0)
    const patched = await fetch(`/api/v1/changes/${ref}`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({
        version: change.version,
        plannedStart: start.toISOString(),
        plannedEnd: new Date(start.getTime() + 2 * 3_600_000).toISOString(),
      }),
    })
    change = await patched.json()
    const moved = await fetch(`/api/v1/changes/${ref}/transitions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ event: 'submit', version: change.version }),
    })
    return [patched.status, moved.status]
  }, number)
  expect(submitted).toEqual([200, 200])

  const manager = await openAs(browser, 'manager', `/changes/${number}`)
  try {
    const { page: managerPage } = manager
    const authorized = await managerPage.evaluate(async (ref) => {
      const me = await (await fetch('/api/v1/auth/me')).json()
      const change = await (await fetch(`/api/v1/changes/${ref}`)).json()
      const response = await fetch(`/api/v1/changes/${ref}/transitions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
        body: JSON.stringify({
          event: 'request_authorization',
          version: change.version,
          riskOverride: { level: 'moderate', reason: 'Touches the shared training image.' },
        }),
      })
      return response.status
    }, number)
    expect(authorized).toBe(200)

    // From the CAB queue to the meetings, and a new meeting whose horizon reaches the change.
    await managerPage.goto('/cab')
    await managerPage.getByRole('link', { name: 'Meetings', exact: true }).click()
    await expect(managerPage.getByRole('heading', { name: 'CAB meetings' })).toBeVisible()
    await managerPage.getByRole('button', { name: 'Schedule a meeting', exact: true }).click()
    const dialog = managerPage.getByRole('dialog', { name: 'Schedule a CAB meeting' })
    const meetingTitle = uniqueTitle('E2E CAB')
    await dialog.getByLabel('Title', { exact: true }).fill(meetingTitle)
    await dialog
      .getByLabel('Agenda horizon', { exact: true })
      .fill(localDateTime(new Date(Date.now() + 400 * 86_400_000)))
    await dialog.getByLabel('Attendees', { exact: true }).click()
    await managerPage.getByRole('option', { name: /Casey CAB/ }).click()
    await managerPage.keyboard.press('Escape')
    await dialog.getByRole('button', { name: 'Schedule', exact: true }).click()
    await expect(managerPage.getByRole('heading', { name: meetingTitle })).toBeVisible()
    await expect(managerPage.getByTestId('meeting-status')).toHaveText('Scheduled')

    const item = managerPage.getByTestId('agenda-item').filter({ hasText: number })
    await expect(item.getByTestId('agenda-risk')).toHaveAttribute('data-risk', 'moderate')
    await expect(item).toContainText('Planned start')

    await managerPage.getByRole('button', { name: 'Start meeting', exact: true }).click()
    await expect(managerPage.getByTestId('meeting-status')).toHaveText('In progress')
    await item.getByRole('checkbox', { name: 'Casey CAB' }).check()
    await item.getByLabel('Comment').fill('Agreed in the meeting.')
    await item.getByRole('button', { name: 'Record decision', exact: true }).click()
    await expect(item.getByRole('list', { name: 'Votes' })).toContainText('Casey CAB: approve (counted on')

    const download = managerPage.waitForEvent('download')
    await managerPage.getByRole('link', { name: 'Download minutes (Markdown)' }).click()
    const minutes = await readFile(await (await download).path(), 'utf8')
    expect(minutes).toContain(`# CAB meeting: ${meetingTitle.replace(/([-.])/g, '\\$1')}`)
    expect(minutes).toContain(`| ${number} |`)
    expect(minutes).toContain('- Casey CAB approved (stage')

    await managerPage.getByRole('button', { name: 'Close meeting', exact: true }).click()
    await expect(managerPage.getByTestId('meeting-status')).toHaveText('Closed')
  } finally {
    await manager.context.close()
  }
})
