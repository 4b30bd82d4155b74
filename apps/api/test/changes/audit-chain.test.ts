// The audit trail is a hash chain that can be verified from the rows alone, stays one unbroken
// chain under concurrent writers, cannot be altered in the database, and records only what happened.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChangeDetail } from '@cabinet/contracts'
import { type AuditEvent, GENESIS_HASH, hashAuditEvent } from '@cabinet/db'
import { type SignedIn, type TestApp, startTestApp } from '../support/app'
import { type Catalog, createCatalog, expectError, validChangeBody } from '../support/fixtures'

let t: TestApp
let catalog: Catalog
let requester: SignedIn
let manager: SignedIn

beforeAll(async () => {
  t = await startTestApp()
  catalog = await createCatalog(t.db, 4)
  requester = await t.userWith(['requester'])
  manager = await t.userWith(['change_manager'])
})
afterAll(async () => {
  await t?.close()
})

/** Recomputes every hash from the stored content, exactly as appendAuditEvent hashed it. */
function verifyChain(rows: AuditEvent[]): string[] {
  const problems: string[] = []
  let prevHash = GENESIS_HASH
  let prevSeq = 0n
  for (const row of rows) {
    if (row.seq <= prevSeq) problems.push(`seq ${row.seq} does not increase after ${prevSeq}`)
    if (row.prevHash !== prevHash) problems.push(`seq ${row.seq}: prevHash does not link to the row before`)
    const hash = hashAuditEvent(row.prevHash, {
      seq: row.seq.toString(),
      at: row.at.toISOString(),
      actorId: row.actorId,
      actorName: row.actorName,
      action: row.action,
      entityType: row.entityType,
      entityId: row.entityId,
      changeId: row.changeId,
      before: row.before ?? null,
      after: row.after ?? null,
      requestId: row.requestId,
    })
    if (hash !== row.hash) problems.push(`seq ${row.seq}: hash does not match its content`)
    prevHash = row.hash
    prevSeq = row.seq
  }
  return problems
}

const allEvents = () => t.db.auditEvent.findMany({ orderBy: { seq: 'asc' } })

function createChange(user = requester) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/changes',
    headers: user.headers,
    payload: validChangeBody(catalog),
  })
}

describe('the hash chain', () => {
  it('verifies from the rows after sign-ins, creates, edits and transitions', async () => {
    const created = ChangeDetail.parse((await createChange()).json())
    const edit = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/changes/${created.id}`,
      headers: requester.headers,
      payload: { version: 1, title: 'Ünïcode title ✓ with "quotes" and \\ backslash', testEvidence: '' },
    })
    expect(edit.statusCode).toBe(200)
    for (const [user, body] of [
      [requester, { event: 'submit', version: 2 }],
      [manager, { event: 'request_authorization', version: 3, riskOverride: { level: 'high', reason: 'launch week' } }],
      [manager, { event: 'reject', version: 4, comment: 'Not during launch week' }],
    ] as const) {
      const response = await t.app.inject({
        method: 'POST',
        url: `/api/v1/changes/${created.id}/transitions`,
        headers: user.headers,
        payload: body,
      })
      expect(response.statusCode).toBe(200)
    }

    const rows = await allEvents()
    expect(rows[0]?.prevHash).toBe(GENESIS_HASH)
    expect(rows.map((row) => row.action)).toEqual(
      expect.arrayContaining(['user.signed_in', 'change.created', 'change.updated', 'change.submit', 'change.reject']),
    )
    expect(verifyChain(rows)).toEqual([])
  })

  it('detects an altered row: the recomputed hash no longer matches', async () => {
    const rows = await allEvents()
    const target = rows.find((row) => row.action === 'change.updated')
    expect(target).toBeDefined()
    const tampered = rows.map((row) => (row === target ? { ...row, actorName: 'Mallory' } : row))
    expect(verifyChain(tampered)).toEqual([`seq ${target?.seq}: hash does not match its content`])
    const dropped = rows.filter((row) => row !== target)
    expect(verifyChain(dropped).length).toBeGreaterThan(0)
  })

  it('stays one unbroken chain with strictly increasing seq under ten concurrent creates', async () => {
    const before = await t.db.auditEvent.count()
    const responses = await Promise.all(Array.from({ length: 10 }, () => createChange()))
    expect(responses.map((response) => response.statusCode)).toEqual(Array(10).fill(201))

    const rows = await allEvents()
    expect(rows).toHaveLength(before + 10)
    expect(verifyChain(rows)).toEqual([])
    expect(new Set(rows.map((row) => row.prevHash)).size).toBe(rows.length)
    const ids = responses.map((response) => (response.json() as { id: string }).id)
    expect(rows.filter((row) => row.action === 'change.created' && ids.includes(row.entityId))).toHaveLength(10)
  })

  it('records the request id of the request that made each event', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/changes',
      headers: { ...requester.headers, 'x-request-id': 'audit-trace-42' },
      payload: validChangeBody(catalog),
    })
    expect(response.statusCode).toBe(201)
    const event = await t.db.auditEvent.findFirstOrThrow({
      where: { entityId: (response.json() as { id: string }).id },
    })
    expect(event).toMatchObject({ requestId: 'audit-trace-42', action: 'change.created', actorId: requester.userId })
  })
})

describe('append-only at the database', () => {
  for (const [name, sql] of [
    ['UPDATE', `UPDATE audit_events SET actor_name = 'Mallory'`],
    ['DELETE', 'DELETE FROM audit_events'],
    ['TRUNCATE', 'TRUNCATE audit_events'],
  ] as const) {
    it(`refuses ${name} on audit_events with the trigger's error`, async () => {
      const before = await allEvents()
      expect(before.length).toBeGreaterThan(0)
      await expect(t.db.$executeRawUnsafe(sql)).rejects.toThrow(`audit_events is append-only: ${name} is refused`)
      expect(await allEvents()).toEqual(before)
    })
  }
})

describe('failed requests leave no trace', () => {
  it('writes no change row and no audit event for a request refused by validation', async () => {
    const [changes, events] = await Promise.all([t.db.changeRequest.count(), t.db.auditEvent.count()])
    const invalid = await t.app.inject({
      method: 'POST',
      url: '/api/v1/changes',
      headers: requester.headers,
      payload: { ...validChangeBody(catalog), title: '' },
    })
    expectError(invalid, 400, 'VALIDATION_FAILED')
    const unknownItem = await t.app.inject({
      method: 'POST',
      url: '/api/v1/changes',
      headers: requester.headers,
      payload: validChangeBody(catalog, {
        affectedItems: [{ kind: 'node', id: '00000000-0000-4000-8000-00000000000a' }],
      }),
    })
    expectError(unknownItem, 400, 'VALIDATION_FAILED')
    const refused = await t.app.inject({
      method: 'POST',
      url: `/api/v1/changes/${(await t.db.changeRequest.findFirstOrThrow()).id}/transitions`,
      headers: requester.headers,
      payload: { event: 'close', version: 1, closeCode: 'successful' },
    })
    expect(refused.statusCode).toBe(409)
    expect([await t.db.changeRequest.count(), await t.db.auditEvent.count()]).toEqual([changes, events])
    expect(verifyChain(await allEvents())).toEqual([])
  })
})
