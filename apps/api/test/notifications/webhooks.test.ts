// Webhook subscriptions and the outbox: admins manage subscriptions (the secret shown once, stored
// sealed), each transition writes one delivery per matching enabled subscription in its transaction
// and enqueues it after commit, and a dead delivery is replayed with a fresh set of attempts.
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  CreatedWebhook,
  WebhookDeliveryPage,
  WebhookDeliveryView,
  WebhookList,
  WebhookPayload,
} from '@cabinet/contracts'
import { jobId } from '@cabinet/queue'
import {
  approvalsOf,
  cabMembers,
  changeAwaitingCab,
  createGroup,
  decide,
  scenario,
  stage,
} from '../approvals/approvals-fixtures'
import { type SignedIn, startTestApp, type TestApp } from '../support/app'
import { expectError } from '../support/fixtures'
import { testRedisUrl } from '../support/test-env'
import { webhookKeyFile } from './webhook-fixtures'

let t: TestApp
let admin: SignedIn
let queue: Queue
let connection: Redis

beforeAll(async () => {
  t = await startTestApp({ env: { WEBHOOK_SECRET_KEY_FILE: webhookKeyFile().path } })
  admin = await t.userWith(['admin'], 'Admin')
  connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null })
  queue = new Queue('notifications', { connection, prefix: t.prefix })
})
afterAll(async () => {
  await queue?.close()
  await connection?.quit()
  await t?.close()
})

async function subscribe(events: string[], extra: Record<string, unknown> = {}) {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/webhooks',
    headers: admin.headers,
    payload: { name: `hook ${events.join(',')}`, url: 'http://127.0.0.1:9/hook', events, ...extra },
  })
  expect(response.statusCode, response.body).toBe(201)
  return CreatedWebhook.parse(response.json())
}

async function deliveriesOf(changeId: string) {
  const response = await t.app.inject({
    method: 'GET',
    url: '/api/v1/webhooks/deliveries?limit=200',
    headers: admin.headers,
  })
  expect(response.statusCode, response.body).toBe(200)
  return WebhookDeliveryPage.parse(response.json()).items.filter((delivery) => delivery.changeId === changeId)
}

describe('webhook subscriptions', () => {
  it('shows the secret once, stores it sealed, and audits the create without it', async () => {
    const created = await subscribe(['submitted'], { format: 'slack' })
    expect(created.secret).toMatch(/^whsec_[\w-]{43}$/)
    const row = await t.db.webhookSubscription.findUniqueOrThrow({ where: { id: created.id } })
    expect(row.secretCipher).not.toContain(created.secret)
    expect(row.secretCipher).not.toContain(created.secret.slice(6))
    const list = WebhookList.parse((await t.app.inject({ url: '/api/v1/webhooks', headers: admin.headers })).json())
    const listed = list.items.find((item) => item.id === created.id)
    expect(listed).toMatchObject({ format: 'slack', events: ['submitted'], enabled: true })
    expect(JSON.stringify(list)).not.toContain(created.secret)
    const audit = await t.db.auditEvent.findFirstOrThrow({ where: { entityId: created.id, action: 'webhook.created' } })
    expect(JSON.stringify(audit, (_key, value) => (typeof value === 'bigint' ? String(value) : value))).not.toContain(
      created.secret,
    )
  })

  it('is for admins only, and names the bad field', async () => {
    const manager = await t.userWith(['change_manager'])
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: manager.headers,
      payload: { name: 'x', url: 'http://127.0.0.1:9/', events: ['submitted'] },
    })
    expectError(refused, 403, 'FORBIDDEN')
    const badUrl = await t.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: admin.headers,
      payload: { name: 'x', url: 'ftp://example.com/', events: ['submitted'] },
    })
    expect(expectError(badUrl, 400, 'VALIDATION_FAILED').error.details).toMatchObject({
      issues: [expect.objectContaining({ path: 'url' })],
    })
    const badEvent = await t.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: admin.headers,
      payload: { name: 'x', url: 'http://127.0.0.1:9/', events: ['exploded'] },
    })
    expectError(badEvent, 400, 'VALIDATION_FAILED')
  })

  it('disables with the version, refuses a stale version, and deletes', async () => {
    const created = await subscribe(['approved'])
    const disabled = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/webhooks/${created.id}`,
      headers: admin.headers,
      payload: { version: 1, enabled: false },
    })
    expect(disabled.statusCode, disabled.body).toBe(200)
    expect(disabled.json()).toMatchObject({ enabled: false, version: 2 })
    const stale = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/webhooks/${created.id}`,
      headers: admin.headers,
      payload: { version: 1, enabled: true },
    })
    expectError(stale, 409, 'STALE_VERSION')
    const deleted = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/webhooks/${created.id}`,
      headers: admin.headers,
    })
    expect(deleted.statusCode).toBe(204)
    expect(await t.db.webhookSubscription.count({ where: { id: created.id } })).toBe(0)
  })
})

describe('events from a change lifecycle', () => {
  it('writes one delivery per matching enabled subscription and enqueues it', async () => {
    const all = await subscribe(['submitted', 'approval_requested', 'approved', 'scheduled'])
    const onlyRejected = await subscribe(['rejected'])
    const off = await subscribe(['submitted'], { enabled: false })
    const requester = await t.userWith(['requester'], 'Requester')
    const manager = await t.userWith(['change_manager'], 'Manager')
    const [approver] = await cabMembers(t, 1)
    if (!approver) throw new Error('no approver')
    await createGroup(t, 'technical', [approver])
    const { catalog } = await scenario(t, admin, [stage('technical')])
    const change = await changeAwaitingCab(t, { requester, manager }, catalog)
    const approvals = await approvalsOf(t, approver, change.id)
    const open = approvals.stages[0]
    if (!open) throw new Error('no stage')
    const decided = await decide(t, approver, change.id, open.id, { decision: 'approve', version: approvals.version })
    expect(decided.statusCode, decided.body).toBe(200)

    const deliveries = await deliveriesOf(change.id)
    const mine = deliveries.filter((delivery) => delivery.subscriptionId === all.id)
    expect(mine.map((delivery) => delivery.event).sort()).toEqual([
      'approval_requested',
      'approved',
      'scheduled',
      'submitted',
    ])
    expect(deliveries.some((delivery) => [onlyRejected.id, off.id].includes(delivery.subscriptionId))).toBe(false)
    const approved = mine.find((delivery) => delivery.event === 'approved') as WebhookDeliveryView
    expect(approved).toMatchObject({ status: 'pending', attemptCount: 0, attemptLimit: 5 })
    const row = await t.db.webhookDelivery.findUniqueOrThrow({ where: { id: approved.id } })
    const payload = WebhookPayload.parse(row.payload)
    expect(payload).toMatchObject({
      id: approved.id,
      event: 'approved',
      actor: { id: approver.userId },
      change: { id: change.id, number: change.number, state: 'scheduled' },
    })
    // Enqueued after commit, one job per delivery, first attempt.
    const job = await queue.getJob(jobId('webhook', approved.id, '1'))
    expect(job?.data).toEqual({ deliveryId: approved.id, attempt: 1 })
  })
})

describe('the dead-letter list', () => {
  it('replays a dead delivery with a fresh set of attempts, and refuses anything else', async () => {
    const hook = await subscribe(['submitted'])
    const requester = await t.userWith(['requester'])
    const manager = await t.userWith(['change_manager'])
    const { catalog } = await scenario(t, admin, [stage('technical')])
    const change = await changeAwaitingCab(t, { requester, manager }, catalog)
    const [pending] = (await deliveriesOf(change.id)).filter((delivery) => delivery.subscriptionId === hook.id)
    if (!pending) throw new Error('no delivery')
    const notDead = await t.app.inject({
      method: 'POST',
      url: `/api/v1/webhooks/deliveries/${pending.id}/replay`,
      headers: admin.headers,
    })
    expectError(notDead, 409, 'TRANSITION_REFUSED')

    await t.db.webhookDelivery.update({
      where: { id: pending.id },
      data: { status: 'dead', attemptCount: 5, lastError: 'HTTP 500' },
    })
    const deadList = WebhookDeliveryPage.parse(
      (await t.app.inject({ url: '/api/v1/webhooks/deliveries?status=dead', headers: admin.headers })).json(),
    )
    expect(deadList.items.map((item) => item.id)).toContain(pending.id)
    const replayed = await t.app.inject({
      method: 'POST',
      url: `/api/v1/webhooks/deliveries/${pending.id}/replay`,
      headers: admin.headers,
    })
    expect(replayed.statusCode, replayed.body).toBe(200)
    expect(WebhookDeliveryView.parse(replayed.json())).toMatchObject({
      status: 'pending',
      attemptCount: 5,
      attemptLimit: 10,
    })
    expect((await queue.getJob(jobId('webhook', pending.id, '6')))?.data).toEqual({
      deliveryId: pending.id,
      attempt: 6,
    })
    expect(await t.db.auditEvent.count({ where: { entityId: pending.id, action: 'webhook.delivery_replayed' } })).toBe(
      1,
    )
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks/deliveries/00000000-0000-4000-8000-000000000000/replay',
      headers: admin.headers,
    })
    expectError(unknown, 404, 'NOT_FOUND')
  })
})

describe('without a key', () => {
  it('refuses to create a webhook (503) rather than store its secret in the clear', async () => {
    const bare = await startTestApp()
    try {
      const root = await bare.userWith(['admin'])
      const response = await bare.app.inject({
        method: 'POST',
        url: '/api/v1/webhooks',
        headers: root.headers,
        payload: { name: 'x', url: 'http://127.0.0.1:9/', events: ['submitted'] },
      })
      expectError(response, 503, 'UNAVAILABLE')
    } finally {
      await bare.close()
    }
  })
})
