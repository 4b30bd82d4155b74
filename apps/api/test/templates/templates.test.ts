// Standard change templates over HTTP: the lifecycle (propose, approve, new version, retire), each
// refusal with its status and reason, and standard changes made from a template, one over 500 nodes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChangeTemplateView, type ProposeTemplateBody, TemplateChangeReply } from '@cabinet/contracts'
import { type SignedIn, type TestApp, startTestApp } from '../support/app'
import { type Catalog, createCatalog, expectError } from '../support/fixtures'

let t: TestApp
let proposer: SignedIn
let manager: SignedIn
let requester: SignedIn
let catalog: Catalog
let counter = 0

beforeAll(async () => {
  t = await startTestApp()
  proposer = await t.userWith(['implementer'], 'Ivan Implementer')
  manager = await t.userWith(['change_manager'], 'Manny Manager')
  requester = await t.userWith(['requester'], 'Rita Requester')
  catalog = await createCatalog(t.db, 3)
})
afterAll(async () => {
  await t?.close()
})

function proposal(overrides: Partial<ProposeTemplateBody> = {}): ProposeTemplateBody {
  counter += 1
  return {
    name: `Node reboot ${counter}`,
    description: 'Reboot GPU nodes one at a time after draining them.',
    category: 'infrastructure',
    subcategory: 'os-kernel',
    implementationPlan: 'Drain, reboot, wait for the health probe, undrain.',
    rollbackPlan: 'A node that fails its probe stays drained and gets an incident.',
    allowedKinds: ['node'],
    maxItems: 1000,
    durationMinutes: 120,
    ...overrides,
  }
}

async function call(user: SignedIn, method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) {
  return t.app.inject({ method, url, headers: user.headers, ...(payload === undefined ? {} : { payload }) })
}

async function propose(overrides: Partial<ProposeTemplateBody> = {}) {
  const response = await call(proposer, 'POST', '/api/v1/templates', proposal(overrides))
  expect(response.statusCode, response.body).toBe(201)
  return ChangeTemplateView.parse(response.json())
}

async function approved(overrides: Partial<ProposeTemplateBody> = {}) {
  const template = await propose(overrides)
  const response = await call(manager, 'POST', `/api/v1/templates/${template.id}/approve`, { version: 1 })
  expect(response.statusCode, response.body).toBe(200)
  return ChangeTemplateView.parse(response.json())
}

let days = 7
/** A later day for each change: changes over the same node at overlapping times conflict in the schedule. */
function weekOut() {
  days += 1
  const start = new Date(Date.now() + days * 86_400_000)
  start.setUTCHours(3, 0, 0, 0)
  return start.toISOString()
}

function useTemplate(template: ChangeTemplateView, body: Record<string, unknown> = {}, user = requester) {
  return call(user, 'POST', `/api/v1/templates/${template.id}/changes`, {
    templateVersion: template.version,
    plannedStart: weekOut(),
    affectedItems: [{ kind: 'node', id: catalog.nodeIds[0] }],
    ...body,
  })
}

describe('the template lifecycle', () => {
  it('is proposed, then approved by someone else, and lists what each viewer may do', async () => {
    const template = await propose()
    expect(template).toMatchObject({ status: 'proposed', version: 1, uses: 0 })
    expect(template.current.proposedBy.name).toBe('Ivan Implementer')
    expect(template.actions).toMatchObject({ approve: false, edit: true, use: false })

    const seen = ChangeTemplateView.parse((await call(manager, 'GET', `/api/v1/templates/${template.id}`)).json())
    expect(seen.actions).toMatchObject({ approve: true, retire: true })

    const response = await call(manager, 'POST', `/api/v1/templates/${template.id}/approve`, { version: 1 })
    expect(response.statusCode, response.body).toBe(200)
    const view = ChangeTemplateView.parse(response.json())
    expect(view.status).toBe('approved')
    expect(view.current.approvedBy?.name).toBe('Manny Manager')
    const audit = await t.db.auditEvent.findMany({ where: { entityId: template.id }, orderBy: { seq: 'asc' } })
    expect(audit.map((event) => event.action)).toEqual(['template.proposed', 'template.approved'])
  })

  it('refuses the proposer approving their own version (403), a stale version and a second approval (409)', async () => {
    const selfApprover = await t.userWith(['change_manager'], 'Self Approver')
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/templates',
      headers: selfApprover.headers,
      payload: proposal(),
    })
    const template = ChangeTemplateView.parse(response.json())
    const own = await call(selfApprover, 'POST', `/api/v1/templates/${template.id}/approve`, { version: 1 })
    expectError(own, 403, 'FORBIDDEN')
    expect(own.json().error.details.reason).toBe('SELF_APPROVAL')

    expectError(
      await call(manager, 'POST', `/api/v1/templates/${template.id}/approve`, { version: 2 }),
      409,
      'STALE_VERSION',
    )
    expect((await call(manager, 'POST', `/api/v1/templates/${template.id}/approve`, { version: 1 })).statusCode).toBe(
      200,
    )
    const again = await call(manager, 'POST', `/api/v1/templates/${template.id}/approve`, { version: 1 })
    expectError(again, 409, 'TEMPLATE_NOT_USABLE')
    expect(again.json().error.details.reason).toBe('TEMPLATE_NOT_PROPOSED')
  })

  it('refuses a requester proposing (403) and a template riskier than low (400 naming the field)', async () => {
    expectError(await call(requester, 'POST', '/api/v1/templates', proposal()), 403, 'FORBIDDEN')
    const risky = await call(proposer, 'POST', '/api/v1/templates', { ...proposal(), riskLevel: 'high' })
    expectError(risky, 400, 'VALIDATION_FAILED')
    expect(risky.body).toContain('riskLevel')
  })

  it('versions each edit: the new version is proposed again and must be approved before use', async () => {
    const template = await approved()
    const edited = await call(proposer, 'POST', `/api/v1/templates/${template.id}/versions`, {
      ...proposal(),
      name: undefined,
      durationMinutes: 90,
      version: 1,
    })
    expect(edited.statusCode, edited.body).toBe(201)
    const v2 = ChangeTemplateView.parse(edited.json())
    expect(v2).toMatchObject({ version: 2, status: 'proposed', current: { durationMinutes: 90, approvedBy: null } })

    // The requester read version 1: stale. Reading version 2: not approved yet.
    const stale = await useTemplate(template)
    expectError(stale, 409, 'TEMPLATE_NOT_USABLE')
    expect(stale.json().error.details).toMatchObject({ reason: 'TEMPLATE_VERSION_STALE', currentVersion: 2 })
    const unapproved = await useTemplate(v2)
    expectError(unapproved, 409, 'TEMPLATE_NOT_USABLE')
    expect(unapproved.json().error.details.reason).toBe('TEMPLATE_NOT_APPROVED')

    expectError(
      await call(proposer, 'POST', `/api/v1/templates/${template.id}/versions`, { ...proposal(), version: 1 }),
      409,
      'STALE_VERSION',
    )
    expect((await call(manager, 'POST', `/api/v1/templates/${template.id}/approve`, { version: 2 })).statusCode).toBe(
      200,
    )
    const used = await useTemplate(v2)
    expect(used.statusCode, used.body).toBe(201)
    const reply = TemplateChangeReply.parse(used.json())
    expect(reply.template.version).toBe(2)
    const use = await t.db.changeTemplateUse.findUniqueOrThrow({ where: { changeId: reply.change.id } })
    expect(use).toMatchObject({ templateId: template.id, templateVersion: 2 })
    expect(Date.parse(reply.change.plannedEnd) - Date.parse(reply.change.plannedStart)).toBe(90 * 60_000)
  })

  it('retires: a retired template is refused with 409 and its reason, and cannot be retired again', async () => {
    const template = await approved()
    expectError(
      await call(proposer, 'POST', `/api/v1/templates/${template.id}/retire`, { version: 1, reason: 'obsolete' }),
      403,
      'FORBIDDEN',
    )
    const retired = await call(manager, 'POST', `/api/v1/templates/${template.id}/retire`, {
      version: 1,
      reason: 'Replaced by the automated reboot operator.',
    })
    expect(retired.statusCode, retired.body).toBe(200)
    expect(ChangeTemplateView.parse(retired.json())).toMatchObject({ status: 'retired', actions: { use: false } })
    const refused = await useTemplate(template)
    expectError(refused, 409, 'TEMPLATE_NOT_USABLE')
    expect(refused.json().error.details.reason).toBe('TEMPLATE_RETIRED')
    expect(refused.json().error.message).toContain('retired')
    const again = await call(manager, 'POST', `/api/v1/templates/${template.id}/retire`, { version: 1, reason: 'x' })
    expectError(again, 409, 'TEMPLATE_NOT_USABLE')
  })
})

describe('a standard change from a template', () => {
  it('is pre-approved: it goes straight to scheduled, low risk, audited as created then submitted', async () => {
    const template = await approved()
    const response = await useTemplate(template, { title: 'Reboot gpu-000' })
    expect(response.statusCode, response.body).toBe(201)
    const { change } = TemplateChangeReply.parse(response.json())
    expect(change).toMatchObject({ type: 'standard', state: 'scheduled', riskLevel: 'low', title: 'Reboot gpu-000' })
    const audit = await t.db.auditEvent.findMany({ where: { changeId: change.id }, orderBy: { seq: 'asc' } })
    expect(audit.map((event) => event.action)).toEqual(['change.created', 'change.submit'])
  })

  it('refuses items outside the template scope and too many items, naming the field', async () => {
    const template = await approved({ maxItems: 2 })
    const service = await useTemplate(template, { affectedItems: [{ kind: 'service', id: catalog.serviceId }] })
    expectError(service, 400, 'VALIDATION_FAILED')
    expect(service.body).toContain('affectedItems.0.kind')
    const tooMany = await useTemplate(template, { affectedItems: [], clusterIds: [catalog.clusterId] })
    expectError(tooMany, 400, 'VALIDATION_FAILED')
    expect(tooMany.body).toContain('at most 2')
    expectError(await useTemplate(template, { affectedItems: [] }), 400, 'VALIDATION_FAILED')
  })

  it('covers a 500-node cluster as one change with 500 items, straight to scheduled', async () => {
    const big = await t.db.cluster.create({ data: { name: `bulk-${Date.now()}`, region: 'eu-west', cudaVersions: [] } })
    await t.db.node.createMany({
      data: Array.from({ length: 500 }, (_, index) => ({
        hostname: `bulk-${big.id.slice(0, 8)}-${String(index).padStart(3, '0')}`,
        clusterId: big.id,
        gpuModel: 'H100' as const,
        gpuCount: 8,
        driverVersion: '550.54.15',
      })),
    })
    const template = await approved()
    const started = performance.now()
    const response = await useTemplate(template, { affectedItems: [], clusterIds: [big.id] })
    const elapsed = performance.now() - started
    expect(response.statusCode, response.body).toBe(201)
    const { change } = TemplateChangeReply.parse(response.json())
    expect(change.state).toBe('scheduled')
    expect(await t.db.changeItem.count({ where: { changeId: change.id } })).toBe(500)
    expect(await t.db.changeRequest.count({ where: { title: template.name } })).toBe(1)
    // One change, not 500: a few seconds at most even on a loaded CI machine.
    expect(elapsed).toBeLessThan(10_000)
  })
})
