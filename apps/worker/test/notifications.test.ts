// Webhook delivery end to end: the API writes deliveries when a change moves, a real worker POSTs
// them to a real HTTP receiver (node:http on an ephemeral port) that checks the signature as a
// receiver would, retries with backoff, dead-letters what keeps failing, and a replay made through
// the API succeeds once the receiver is fixed. A job run twice never POSTs twice.
import { Redis } from 'ioredis'
import { EventEmitter, once } from 'node:events'
import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import pino from 'pino'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChangeDetail, CreatedWebhook, WebhookDeliveryView } from '@cabinet/contracts'
import { createJobProducer, type JobProducer } from '@cabinet/queue'
import { startTestApp, type SignedIn, type TestApp } from '../../api/test/support/app'
import { createCatalog, validChangeBody } from '../../api/test/support/fixtures'
import { testRedisUrl } from '../../api/test/support/test-env'
import { webhookKeyFile } from '../../api/test/notifications/webhook-fixtures'
import { jobHandlers } from '../src/handlers'
import { deliverWebhook } from '../src/notifications/deliver'
import { setWebhookDestinations } from '../src/notifications/destinations'
import { setWebhookKey } from '../src/notifications/keyring'
import { sweepDeliveries } from '../src/notifications/sweep'
import { startWorker } from '../src/worker'

const BACKOFF_MS = 20
const REPLAY_WINDOW_S = 300

interface Received {
  headers: IncomingHttpHeaders
  body: string
}

/** A receiver whose answer the test sets per request; resolves waiters as requests arrive. */
function receiver() {
  const received: Received[] = []
  let answer: (index: number) => number = () => 200
  const waiters: { count: number; resolve: () => void }[] = []
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') })
      response.statusCode = answer(received.length)
      response.end('ok')
      for (const waiter of waiters.filter((w) => received.length >= w.count)) waiter.resolve()
    })
  })
  return {
    server,
    received,
    answerWith(fn: (index: number) => number) {
      answer = fn
    },
    until(count: number) {
      if (received.length >= count) return Promise.resolve()
      return new Promise<void>((resolve) => waiters.push({ count, resolve }))
    },
    async listen() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
    },
  }
}

/** What a receiver does: HMAC of the raw body, constant-time compare, a fresh timestamp that the body repeats. */
function verify(secret: string, request: Received, now = Date.now()) {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(request.body).digest('hex')}`)
  const given = Buffer.from(String(request.headers['x-cabinet-signature']))
  const timestamp = Number(request.headers['x-cabinet-timestamp'])
  const body = JSON.parse(request.body) as { id: string; sentAt: string }
  return (
    expected.length === given.length &&
    timingSafeEqual(expected, given) &&
    Math.abs(now / 1000 - timestamp) <= REPLAY_WINDOW_S &&
    Math.floor(Date.parse(body.sentAt) / 1000) === timestamp &&
    request.headers['x-cabinet-delivery'] === body.id
  )
}

let t: TestApp
let admin: SignedIn
let requester: SignedIn
let connection: Redis
let jobs: JobProducer
let worker: Awaited<ReturnType<typeof startWorker>>
const hook = receiver()
/** Emits 'handled' each time the worker has finished one delivery attempt (its row written). */
const attemptsHandled = new EventEmitter()
let url: string

beforeAll(async () => {
  const key = webhookKeyFile()
  t = await startTestApp({ env: { WEBHOOK_SECRET_KEY_FILE: key.path } })
  setWebhookKey(key.key)
  // The receiver is on loopback, which the default policy refuses (webhook-destinations.test.ts).
  setWebhookDestinations({ allowPrivateNetworks: true })
  admin = await t.userWith(['admin'])
  requester = await t.userWith(['requester'])
  url = await hook.listen()
  connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null, connectionName: `${t.prefix}-webhooks` })
  jobs = createJobProducer({ connection, prefix: t.prefix })
  worker = await startWorker({
    db: t.db,
    connection,
    prefix: t.prefix,
    concurrency: 2,
    heartbeatIntervalMs: 60_000,
    logger: pino({ level: 'silent' }),
    jobs,
    // The catalog's backoff is 30 s; the test keeps the exponential shape at a 20 ms base.
    handlers: {
      ...jobHandlers,
      'notifications.deliver': async (payload, deps) => {
        try {
          return await deliverWebhook(payload, deps, { backoffMs: BACKOFF_MS })
        } finally {
          attemptsHandled.emit('handled')
        }
      },
    },
  })
})
afterAll(async () => {
  await worker?.stop(5_000)
  await jobs?.close()
  await connection?.quit()
  hook.server.close()
  setWebhookKey(null)
  setWebhookDestinations({ allowPrivateNetworks: false })
  await t?.close()
})

async function subscribe(format: 'generic' | 'slack' = 'generic') {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/webhooks',
    headers: admin.headers,
    payload: { name: `receiver ${format}`, url, format, events: ['submitted'] },
  })
  expect(response.statusCode, response.body).toBe(201)
  return CreatedWebhook.parse(response.json())
}

/** Creates and submits a change through the API: one `submitted` delivery per subscription. */
async function submitChange() {
  const catalog = await createCatalog(t.db, 1)
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/v1/changes',
    headers: requester.headers,
    payload: validChangeBody(catalog),
  })
  expect(created.statusCode, created.body).toBe(201)
  const change = ChangeDetail.parse(created.json())
  const submitted = await t.app.inject({
    method: 'POST',
    url: `/api/v1/changes/${change.id}/transitions`,
    headers: requester.headers,
    payload: { event: 'submit', version: change.version },
  })
  expect(submitted.statusCode, submitted.body).toBe(200)
  return change
}

/**
 * Waits for the delivery to settle in the database (the worker writes it just after the POST): reads
 * again each time the worker finishes handling a delivery job, never on a timer.
 */
async function settled(subscriptionId: string, status: 'delivered' | 'dead') {
  for (;;) {
    // Listen before reading, so an attempt handled between the read and the wait is not missed.
    const nextAttempt = once(attemptsHandled, 'handled')
    const row = await t.db.webhookDelivery.findFirst({
      where: { subscriptionId, status },
      include: { attempts: { orderBy: { attempt: 'asc' } } },
    })
    if (row) return row
    await nextAttempt
  }
}

describe('webhook delivery', () => {
  it('retries a receiver that fails twice, then delivers; every attempt is signed and recorded', async () => {
    const subscription = await subscribe()
    const before = hook.received.length
    hook.answerWith((index) => (index - before <= 2 ? 500 : 204))
    const change = await submitChange()
    await hook.until(before + 3)
    const delivery = await settled(subscription.id, 'delivered')
    expect(delivery).toMatchObject({ attemptCount: 3, lastError: null, changeId: change.id })
    expect(delivery.attempts.map((attempt) => [attempt.attempt, attempt.statusCode, attempt.error])).toEqual([
      [1, 500, 'HTTP 500'],
      [2, 500, 'HTTP 500'],
      [3, 204, null],
    ])
    const requests = hook.received.slice(before)
    expect(requests).toHaveLength(3)
    for (const request of requests) {
      expect(verify(subscription.secret, request)).toBe(true)
      expect(request.headers['x-cabinet-event']).toBe('submitted')
      expect(JSON.parse(request.body)).toMatchObject({
        id: delivery.id,
        event: 'submitted',
        actor: { id: requester.userId },
        change: { number: change.number, state: 'assess' },
      })
    }
    // A wrong secret or a tampered body fails the same check.
    expect(verify('whsec_wrong', requests[0] as Received)).toBe(false)
    expect(verify(subscription.secret, { ...(requests[0] as Received), body: `${requests[0]?.body} ` })).toBe(false)

    // Idempotent: the jobs for attempts already made do nothing, and no POST goes out again.
    const deps = { db: t.db, now: () => new Date(), jobs, logger: pino({ level: 'silent' }) }
    for (const attempt of [1, 3, 4]) {
      expect((await deliverWebhook({ deliveryId: delivery.id, attempt }, deps)).outcome).toBe('skipped')
    }
    expect(hook.received.length).toBe(before + 3)
  })

  it('dead-letters what always fails, and a replay through the API delivers once the receiver is fixed', async () => {
    const subscription = await subscribe()
    const before = hook.received.length
    hook.answerWith(() => 503)
    await submitChange()
    const dead = await settled(subscription.id, 'dead')
    expect(dead.attempts.map((attempt) => attempt.statusCode)).toEqual([503, 503, 503, 503, 503])
    const toThis = () => hook.received.slice(before).filter((r) => r.headers['x-cabinet-delivery'] === dead.id)
    expect(toThis()).toHaveLength(5)
    // Exponential backoff: each wait at least double the one before, from the base.
    const gaps = dead.attempts
      .slice(1)
      .map((attempt, index) => attempt.at.getTime() - (dead.attempts[index]?.at.getTime() ?? 0))
    expect(gaps.every((gap, index) => gap >= BACKOFF_MS * 2 ** index)).toBe(true)

    hook.answerWith(() => 200)
    const replayed = await t.app.inject({
      method: 'POST',
      url: `/api/v1/webhooks/deliveries/${dead.id}/replay`,
      headers: admin.headers,
    })
    expect(replayed.statusCode, replayed.body).toBe(200)
    expect(WebhookDeliveryView.parse(replayed.json()).status).toBe('pending')
    const delivered = await settled(subscription.id, 'delivered')
    expect(delivered.id).toBe(dead.id)
    expect(delivered.attempts.map((attempt) => attempt.statusCode)).toEqual([503, 503, 503, 503, 503, 200])
    expect(toThis()).toHaveLength(6)
    expect(verify(subscription.secret, toThis().at(-1) as Received)).toBe(true)
  })

  it('sends a Slack subscription { text, blocks }', async () => {
    const subscription = await subscribe('slack')
    const before = hook.received.length
    hook.answerWith(() => 200)
    const change = await submitChange()
    await settled(subscription.id, 'delivered')
    const slack = hook.received
      .slice(before)
      .map((request) => JSON.parse(request.body) as { text?: string; blocks?: unknown[] })
      .find((body) => body.blocks)
    expect(slack?.text).toContain(`${change.number} submitted`)
    expect(slack?.blocks?.length).toBeGreaterThan(1)
  })

  it('the sweep re-enqueues a delivery whose job was lost, and dead-letters one whose last attempt was lost', async () => {
    const subscription = await subscribe()
    hook.answerWith(() => 200)
    const longAgo = new Date(Date.now() - 10 * 60_000)
    const payload = {
      event: 'submitted',
      occurredAt: longAgo.toISOString(),
      actor: { id: null, name: 'test' },
      change: null,
    }
    const lost = randomUUID()
    const stopped = randomUUID()
    await t.db.webhookDelivery.createMany({
      data: [
        {
          id: lost,
          subscriptionId: subscription.id,
          event: 'submitted',
          payload: { id: lost, ...payload },
          attemptLimit: 5,
          createdAt: longAgo,
        },
        {
          id: stopped,
          subscriptionId: subscription.id,
          event: 'submitted',
          payload: { id: stopped, ...payload },
          attemptLimit: 5,
          attemptCount: 5,
          nextAttemptAt: longAgo,
          createdAt: longAgo,
        },
      ],
    })
    const deps = { db: t.db, now: () => new Date(), jobs, logger: pino({ level: 'silent' }) }
    expect(await sweepDeliveries(deps)).toMatchObject({ enqueued: 1, dead: 1 })
    const delivered = await settled(subscription.id, 'delivered')
    expect(delivered.id).toBe(lost)
    expect(await t.db.webhookDelivery.findUniqueOrThrow({ where: { id: stopped } })).toMatchObject({
      status: 'dead',
      lastError: 'the worker stopped during the last attempt',
    })
    // Nothing is owed any more: a second sweep does nothing.
    expect(await sweepDeliveries(deps)).toMatchObject({ owed: 0 })
  })
})
