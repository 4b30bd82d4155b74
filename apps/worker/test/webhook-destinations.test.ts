// Webhooks go to public addresses only, unless WEBHOOK_ALLOW_PRIVATE_NETWORKS says otherwise: a URL
// naming loopback, a private network or the cloud metadata address is refused before any connection,
// by address literal and by what a name resolves to, and the delivery is dead-lettered at its first
// attempt with the reason (no retries: every attempt would be refused alike).
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CreatedWebhook } from '@cabinet/contracts'
import { writeDeliveries } from '../../api/src/modules/notifications/notification-events'
import { type SignedIn, startTestApp, type TestApp } from '../../api/test/support/app'
import { webhookKeyFile } from '../../api/test/notifications/webhook-fixtures'
import { deliverWebhook } from '../src/notifications/deliver'
import { refusedRange, setWebhookDestinations } from '../src/notifications/destinations'
import { setWebhookKey } from '../src/notifications/keyring'
import { handlerDepsAt } from './support/handler-deps'

let t: TestApp
let admin: SignedIn
let server: Server
let port: number
let requests = 0

beforeAll(async () => {
  const key = webhookKeyFile()
  t = await startTestApp({ env: { WEBHOOK_SECRET_KEY_FILE: key.path } })
  setWebhookKey(key.key)
  admin = await t.userWith(['admin'])
  server = createServer((request, response) => {
    requests += 1
    request.resume()
    request.on('end', () => response.end('ok'))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})
afterAll(async () => {
  server?.close()
  setWebhookKey(null)
  setWebhookDestinations({ allowPrivateNetworks: false })
  await t?.close()
})

describe('the destination policy', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.20.30.40', 'private'],
    ['172.16.5.4', 'private'],
    ['192.168.1.10', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.7', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['::1', 'loopback'],
    ['fe80::1', 'linkLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['8.8.8.8', null],
    ['2606:4700:4700::1111', null],
  ])('%s is refused as %s (null: allowed)', (address, range) => {
    setWebhookDestinations({ allowPrivateNetworks: false })
    expect(refusedRange(address)).toBe(range)
    setWebhookDestinations({ allowPrivateNetworks: true })
    expect(refusedRange(address)).toBeNull()
  })
})

/** A subscription through the API (which takes any http(s) URL) and one pending delivery to it. */
async function deliveryTo(url: string): Promise<string> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/webhooks',
    headers: admin.headers,
    payload: { name: `to ${url}`, url, format: 'generic', events: ['submitted'] },
  })
  expect(response.statusCode, response.body).toBe(201)
  const subscription = CreatedWebhook.parse(response.json())
  const [id] = await t.db.$transaction((tx) =>
    writeDeliveries(tx, [subscription.id], {
      event: 'submitted',
      occurredAt: new Date().toISOString(),
      actor: { id: admin.userId, name: 'Admin' },
      change: null,
    }),
  )
  return id as string
}

describe('a webhook delivery', () => {
  it.each([
    ['an address literal', () => `http://127.0.0.1:${port}/hook`, '127.0.0.1 is a loopback address'],
    ['a name that resolves to loopback', () => `http://localhost:${port}/hook`, 'localhost (127.0.0.1) is a loopback'],
    ['an IPv4-mapped IPv6 literal', () => `http://[::ffff:127.0.0.1]:${port}/hook`, 'is a loopback address'],
    ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a linkLocal'],
  ])('to %s is refused before connecting and dead-lettered at once', async (_what, url, reason) => {
    setWebhookDestinations({ allowPrivateNetworks: false })
    const before = requests
    const deliveryId = await deliveryTo(url())
    const result = await deliverWebhook({ deliveryId, attempt: 1 }, handlerDepsAt(t.db, new Date(), 'a refusal'))
    expect(result.outcome).toBe('dead')
    expect(requests).toBe(before)
    const row = await t.db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId }, include: { attempts: true } })
    expect(row).toMatchObject({ status: 'dead', attemptCount: 1, nextAttemptAt: null })
    expect(row.lastError).toContain(reason)
    expect(row.lastError).toContain('WEBHOOK_ALLOW_PRIVATE_NETWORKS=true')
    expect(row.attempts).toMatchObject([{ attempt: 1, statusCode: null }])
  })

  it('reaches a receiver on loopback when private networks are allowed', async () => {
    setWebhookDestinations({ allowPrivateNetworks: true })
    const before = requests
    const deliveryId = await deliveryTo(`http://localhost:${port}/hook`)
    const result = await deliverWebhook({ deliveryId, attempt: 1 }, handlerDepsAt(t.db, new Date(), 'a delivery'))
    expect(result.outcome).toBe('delivered')
    expect(requests).toBe(before + 1)
    expect(await t.db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } })).toMatchObject({
      status: 'delivered',
      lastError: null,
    })
  })
})
