// What the browser journeys share: signing in as a demo person, and raising a change through the form.
// Not a spec (Playwright runs only *.spec.ts); each spec creates the changes it moves, so no spec
// depends on another's data or order.
import { type Browser, type BrowserContext, type Page, expect } from '@playwright/test'

export const DEMO_PASSWORD = process.env.CABINET_DEMO_PASSWORD ?? 'cabinet-demo'
const HOUR_MS = 60 * 60 * 1000

/** The demo people (prisma/seed/fleet.ts): their sign-in and the name the console shows. */
export const PEOPLE = {
  requester: { email: 'requester@example.com', name: 'Riley Requester' },
  cab: { email: 'cab@example.com', name: 'Casey CAB' },
  manager: { email: 'manager@example.com', name: 'Morgan Manager' },
  oncall: { email: 'oncall@example.com', name: 'Omar On-call' },
  auditor: { email: 'auditor@example.com', name: 'Avery Auditor' },
  admin: { email: 'admin@example.com', name: 'Ada Admin' },
} as const
export type Person = keyof typeof PEOPLE

/** A title no other test (or earlier run on the same database) uses. */
export function uniqueTitle(prefix: string): string {
  return `${prefix} ${Date.now()}-${Math.random().toString(36).slice(2, 8)}`
}

/** Fills the sign-in form the console shows at any address while nobody is signed in. */
export async function fillSignIn(page: Page, email: string, password: string) {
  await page.getByLabel('Email', { exact: true }).fill(email)
  await page.getByLabel('Password', { exact: true }).fill(password)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
}

/** Opens `path` and signs in there as `person`; resolves once the console shows who is signed in. */
export async function signInAt(page: Page, path: string, person: Person) {
  await page.goto(path)
  await fillSignIn(page, PEOPLE[person].email, DEMO_PASSWORD)
  await expect(page.getByTestId('current-user')).toHaveText(PEOPLE[person].name)
}

/** A second person at their own browser: a fresh context (own cookies), signed in at `path`. */
export async function openAs(
  browser: Browser,
  person: Person,
  path: string,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext()
  const page = await context.newPage()
  await signInAt(page, path, person)
  return { context, page }
}

/** The value an `<input type="datetime-local">` takes, in the local zone the browser shares. */
function localDateTime(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`
}

/**
 * Raises a normal change through the New change form as whoever is signed in, and returns its number
 * once its detail page shows it in state `new`.
 */
export async function createChangeThroughForm(page: Page, title: string): Promise<string> {
  // Two weeks ahead on the hour, so lead-time rules and minute rounding never interfere.
  const start = new Date(Date.now() + 14 * 24 * HOUR_MS)
  start.setMinutes(0, 0, 0)
  const end = new Date(start.getTime() + 2 * HOUR_MS)

  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'New change' }).click()
  await expect(page.getByRole('heading', { name: 'New change' })).toBeVisible()

  await page.getByLabel('Type', { exact: true }).selectOption('normal')
  await page.getByLabel('Category', { exact: true }).selectOption('software')
  await page.getByLabel('Subcategory', { exact: true }).selectOption('framework')
  await page.getByLabel('Title', { exact: true }).fill(title)
  await page.getByLabel('What will change', { exact: true }).fill('Upgrade PyTorch to 2.7 in the training image.')
  await page.getByLabel('Why', { exact: true }).fill('The new release fixes an FSDP checkpoint corruption.')
  await page.getByLabel('Planned start', { exact: true }).fill(localDateTime(start))
  await page.getByLabel('Planned end', { exact: true }).fill(localDateTime(end))

  // Any configuration item will do, so the journey runs on whatever the catalogue holds.
  await page.getByLabel('Affected items', { exact: true }).click()
  await page.getByRole('listbox', { name: 'Matching configuration items' }).getByRole('option').first().click()
  await page.keyboard.press('Escape')
  await expect(page.getByText(/1 \w+ selected/)).toBeVisible()

  await page.getByLabel('Implementation plan', { exact: true }).fill('Roll the new image out one node pool at a time.')
  await page.getByLabel('Rollback plan', { exact: true }).fill('Pin the previous image tag and redeploy.')
  await page.getByRole('button', { name: 'Create change', exact: true }).click()

  await expect(page).toHaveURL(/\/changes\/CHG\d{7,}$/)
  await expect(page.getByTestId('change-title')).toHaveText(title)
  await expect(page.getByTestId('change-state')).toHaveText('new')
  const number = (await page.getByTestId('change-number').textContent())?.trim() ?? ''
  expect(number).toMatch(/^CHG\d{7,}$/)
  return number
}
