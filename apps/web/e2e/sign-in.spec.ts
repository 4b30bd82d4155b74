// Signing in and out: a wrong password is refused in the server's words without leaving the sign-in
// page; an auditor reads the change queue but is never offered a way to raise or edit a change; and
// after signing out, the console (even at a deep link) asks for a sign-in again.
import { expect, test } from '@playwright/test'
import { DEMO_PASSWORD, PEOPLE, fillSignIn, signInAt } from './support'

const signInHeading = 'Sign in to Cabinet'

test('a wrong password shows the server’s refusal and stays on the sign-in page', async ({ page }) => {
  await page.goto('/changes')
  await expect(page.getByRole('heading', { name: signInHeading })).toBeVisible()

  await fillSignIn(page, PEOPLE.auditor.email, `${DEMO_PASSWORD}-wrong`)

  // The API's own wording (INVALID_CREDENTIALS), shown as an alert above the form.
  await expect(page.getByRole('alert')).toHaveText('wrong email or password')
  await expect(page.getByRole('heading', { name: signInHeading })).toBeVisible()
  await expect(page).toHaveURL(/\/changes$/)
  await expect(page.getByTestId('current-user')).toHaveCount(0)
  await expect(page.getByRole('table', { name: 'Changes' })).toHaveCount(0)
  // What was typed stays, so fixing the password is one field, not two.
  await expect(page.getByLabel('Email', { exact: true })).toHaveValue(PEOPLE.auditor.email)
})

test('an auditor sees the change list but is offered no way to raise or edit a change', async ({ page }) => {
  await signInAt(page, '/changes', 'auditor')

  await expect(page.getByRole('heading', { name: 'Changes', exact: true })).toBeVisible()
  await expect(page.getByTestId('change-row').filter({ hasText: 'CHG0000001' })).toBeVisible()
  // Neither the page's button nor the navigation offers a new change.
  await expect(page.getByRole('link', { name: 'New change' })).toHaveCount(0)
  await expect(page.getByRole('button', { name: 'New change' })).toHaveCount(0)
  // Every read-only page, the auditor's own Audit page, and nothing that raises or decides a change.
  await expect(page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link')).toHaveText([
    'Changes',
    'Fleet',
    'Calendar',
    'Audit',
    'Reviews',
    'KPIs',
  ])

  // A link to the form from elsewhere explains instead of showing a form the API would refuse.
  await page.goto('/changes/new')
  await expect(page.getByText('You cannot raise changes')).toBeVisible()
  await expect(page.getByRole('button', { name: 'Create change' })).toHaveCount(0)

  // On a change, an auditor reads everything and can act on nothing (whatever state it is in now).
  await page.goto('/changes/CHG0000001')
  await expect(page.getByTestId('change-number')).toHaveText('CHG0000001')
  await expect(page.getByTestId('timeline-item').first()).toBeVisible()
  await expect(page.getByRole('group', { name: 'Actions' })).toHaveCount(0)
  await expect(page.getByRole('link', { name: 'Edit' })).toHaveCount(0)
})

test('signing out returns to sign-in, and a deep link afterwards asks to sign in again', async ({ page }) => {
  await signInAt(page, '/changes', 'admin')
  await expect(page.getByTestId('change-row').first()).toBeVisible()

  await page.getByRole('button', { name: 'Sign out', exact: true }).click()
  await expect(page.getByRole('heading', { name: signInHeading })).toBeVisible()
  await expect(page.getByTestId('current-user')).toHaveCount(0)

  // The session is gone on the server too: a fresh load of a deep link is not let in.
  await page.goto('/changes/CHG0000007')
  await expect(page.getByRole('heading', { name: signInHeading })).toBeVisible()
  await expect(page.getByTestId('change-number')).toHaveCount(0)

  // Signing in there lands on the page that was asked for.
  await fillSignIn(page, PEOPLE.admin.email, DEMO_PASSWORD)
  await expect(page.getByTestId('current-user')).toHaveText(PEOPLE.admin.name)
  await expect(page).toHaveURL(/\/changes\/CHG0000007$/)
  await expect(page.getByTestId('change-number')).toHaveText('CHG0000007')
})
