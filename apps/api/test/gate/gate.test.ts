// GET /changes/{id}/gate with an API token, and gate callbacks: a registered URL gets a signed
// `gate_changed` delivery (through the webhook outbox) when a transition moves the decision.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChangeDetail, GateCallbackView, GateView, WebhookPayload } from '@cabinet/contracts'
import { approvalsOf, changeAwaitingCab, decide } from '../approvals/approvals-fixtures'
import { expectError } from '../support/fixtures'
import { webhookKeyFile } from '../notifications/webhook-fixtures'
import { type GateWorld, gateWorld } from './gate-support'

let w: GateWorld
const bearer = () => ({ authorization: `Bearer ${w.token}` })

beforeAll(async () => {
  w = await gateWorld({ WEBHOOK_SECRET_KEY_FILE: webhookKeyFile().path })
})
afterAll(async () => {
  await w?.t.close()
})

async function gate(ref: string) {
  const response = await w.t.app.inject({ url: `/api/v1/changes/${ref}/gate`, headers: bearer() })
  expect(response.statusCode, response.body).toBe(200)
  return GateView.parse(response.json())
}

async function approve(change: ChangeDetail) {
  const approvals = await approvalsOf(w.t, w.approver, change.id)
  const open = approvals.stages.find((s) => s.status === 'open')
  if (!open) throw new Error('no open stage')
  const decided = await decide(w.t, w.approver, change.id, open.id, { decision: 'approve', version: approvals.version })
  expect(decided.statusCode, decided.body).toBe(200)
}

describe('the pipeline gate', () => {
  it('awaits approvals, then the window, then allows, by number or id, with an API token', async () => {
    const change = await changeAwaitingCab(w.t, { requester: w.requester, manager: w.manager }, w.catalog)
    expect(await gate(change.number)).toMatchObject({
      decision: 'awaiting',
      waitingFor: 'approvals',
      state: 'authorize',
    })
    await approve(change)
    expect(await gate(change.id)).toMatchObject({ decision: 'awaiting', waitingFor: 'window', state: 'scheduled' })
    w.shift(new Date(change.plannedStart).getTime() - Date.now() + 60_000)
    try {
      expect(await gate(change.number)).toMatchObject({ decision: 'allowed', waitingFor: null })
    } finally {
      w.shift(0)
    }
  })

  it('needs changes:read on a token, and answers 404 for an unknown change', async () => {
    const created = await w.t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/tokens',
      headers: w.requester.headers,
      payload: { name: 'catalog only', scopes: ['catalog:read'] },
    })
    const narrow = (created.json() as { token: string }).token
    const refused = await w.t.app.inject({
      url: '/api/v1/changes/CHG9999999/gate',
      headers: { authorization: `Bearer ${narrow}` },
    })
    expectError(refused, 403, 'FORBIDDEN')
    expectError(
      await w.t.app.inject({ url: '/api/v1/changes/CHG9999999/gate', headers: bearer() }),
      404,
      'CHANGE_NOT_FOUND',
    )
    expectError(await w.t.app.inject({ url: '/api/v1/changes/CHG9999999/gate' }), 401, 'UNAUTHENTICATED')
  })

  it('sends a registered callback the new decision when a transition moves it, and not when it does not', async () => {
    const change = await changeAwaitingCab(w.t, { requester: w.requester, manager: w.manager }, w.catalog)
    const registered = await w.t.app.inject({
      method: 'POST',
      url: `/api/v1/changes/${change.number}/gate/callbacks`,
      headers: bearer(),
      payload: { url: 'http://127.0.0.1:9/gate' },
    })
    expect(registered.statusCode, registered.body).toBe(201)
    const callback = GateCallbackView.parse(registered.json())
    expect(callback.secret).toMatch(/^whsec_/)
    expect(callback.gate.decision).toBe('awaiting')
    await approve(change)
    const deliveries = await w.t.db.webhookDelivery.findMany({ where: { subscriptionId: callback.id } })
    // awaiting (approvals) → awaiting (window): the decision did not move, so nothing was sent.
    expect(deliveries).toHaveLength(0)

    const fresh = ChangeDetail.parse(
      (await w.t.app.inject({ url: `/api/v1/changes/${change.id}`, headers: w.manager.headers })).json(),
    )
    const canceled = await w.t.app.inject({
      method: 'POST',
      url: `/api/v1/changes/${change.id}/transitions`,
      headers: w.manager.headers,
      payload: { event: 'cancel', reason: 'Superseded by a later release.', version: fresh.version },
    })
    expect(canceled.statusCode, canceled.body).toBe(200)
    const [sent] = await w.t.db.webhookDelivery.findMany({ where: { subscriptionId: callback.id } })
    expect(WebhookPayload.parse(sent?.payload)).toMatchObject({
      event: 'gate_changed',
      change: { number: change.number, state: 'canceled' },
      gate: { decision: 'prevented' },
    })
    const bad = await w.t.app.inject({
      method: 'POST',
      url: `/api/v1/changes/${change.number}/gate/callbacks`,
      headers: bearer(),
      payload: { url: 'not a url' },
    })
    expectError(bad, 400, 'VALIDATION_FAILED')
  })
})
