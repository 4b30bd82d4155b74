// Verification walks the chain and names the first broken link for each kind of tampering, done the
// only way it can be: as the database owner with the append-only trigger switched off. And the
// application's own role cannot tamper at all: privileges refuse it before the trigger is reached.
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChainVerification } from '@cabinet/contracts'
import { type BulkReader, GENESIS_HASH, createBulkReader, hashAuditEvent, verifyAuditChain } from '@cabinet/db'
import { type SignedIn, type TestApp, startTestApp } from '../support/app'
import { type Catalog, createCatalog, expectError, validChangeBody } from '../support/fixtures'

let t: TestApp
let catalog: Catalog
let auditor: SignedIn
let requester: SignedIn
let reader: BulkReader

beforeAll(async () => {
  t = await startTestApp()
  reader = createBulkReader(t.database.url)
  catalog = await createCatalog(t.db, 2)
  auditor = await t.userWith(['auditor'])
  requester = await t.userWith(['requester'])
  for (let index = 0; index < 4; index += 1) {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/changes',
      headers: requester.headers,
      payload: validChangeBody(catalog),
    })
    expect(response.statusCode).toBe(201)
  }
})
afterAll(async () => {
  await reader?.close()
  await t?.close()
})

async function verify() {
  const response = await t.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: auditor.headers })
  expect(response.statusCode).toBe(200)
  return ChainVerification.parse(response.json())
}

/** Runs statements as the owner with the append-only trigger off, in one transaction. */
async function tamper(...statements: string[]) {
  await t.db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_or_delete')
    for (const sql of statements) await tx.$executeRawUnsafe(sql)
    await tx.$executeRawUnsafe('ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_or_delete')
  })
}

async function rows() {
  return t.db.auditEvent.findMany({ orderBy: { seq: 'asc' } })
}

/** A row in the middle of the chain, with rows before and after it. */
async function middleRow() {
  const all = await rows()
  const row = all[Math.floor(all.length / 2)]
  if (!row) throw new Error('no audit rows')
  return { all, row, index: all.indexOf(row) }
}

describe('GET /api/v1/audit/verify', () => {
  it('reports an untouched chain intact, with every row checked and its head', async () => {
    const all = await rows()
    const last = all.at(-1)
    const result = await verify()
    expect(result).toMatchObject({
      intact: true,
      checked: all.length,
      head: { seq: String(last?.seq), hash: last?.hash },
    })
    expect(result.firstBroken).toBeUndefined()
  })

  it('names an altered row: its content no longer hashes to its hash', async () => {
    const { row } = await middleRow()
    await tamper(`UPDATE audit_events SET actor_name = 'Mallory' WHERE seq = ${row.seq}`)
    const result = await verify()
    expect(result.intact).toBe(false)
    expect(result.firstBroken).toMatchObject({ seq: String(row.seq), id: row.id, kind: 'altered', found: row.hash })
    await tamper(`UPDATE audit_events SET actor_name = '${row.actorName.replace(/'/g, "''")}' WHERE seq = ${row.seq}`)
    expect((await verify()).intact).toBe(true)
  })

  it('names an altered row that was re-hashed to match: the next row still links to the old hash', async () => {
    const { all, index, row } = await middleRow()
    // A forger who knows the hashing rule makes the row consistent with itself again.
    const forged = hashAuditEvent(row.prevHash, {
      seq: row.seq.toString(),
      at: row.at.toISOString(),
      actorId: row.actorId,
      actorName: row.actorName,
      action: 'change.forged',
      entityType: row.entityType,
      entityId: row.entityId,
      changeId: row.changeId,
      before: row.before ?? null,
      after: row.after ?? null,
      requestId: row.requestId,
    })
    await tamper(`UPDATE audit_events SET action = 'change.forged', hash = '${forged}' WHERE seq = ${row.seq}`)
    const result = await verify()
    expect(result.firstBroken).toMatchObject({
      seq: String(row.seq),
      id: row.id,
      kind: 'altered',
      expected: row.hash,
      found: forged,
    })
    await tamper(`UPDATE audit_events SET action = '${row.action}', hash = '${row.hash}' WHERE seq = ${row.seq}`)
    expect(all[index + 1]).toBeDefined()
    expect((await verify()).intact).toBe(true)
  })

  it('names the row after a deleted one: it links to a hash that no longer exists', async () => {
    const { all, index, row } = await middleRow()
    const next = all[index + 1]
    if (!next) throw new Error('no row after the middle')
    const saved = await t.db.$queryRawUnsafe<{ data: string }[]>(
      `SELECT row_to_json(a)::text AS data FROM audit_events a WHERE seq = ${row.seq}`,
    )
    await tamper(`DELETE FROM audit_events WHERE seq = ${row.seq}`)
    const result = await verify()
    expect(result.firstBroken).toMatchObject({
      seq: String(next.seq),
      id: next.id,
      kind: 'deleted',
      expected: all[index - 1]?.hash,
      found: row.hash,
    })
    const data = (saved[0]?.data ?? '').replace(/'/g, "''")
    await tamper(`INSERT INTO audit_events SELECT * FROM json_populate_record(NULL::audit_events, '${data}'::json)`)
    expect((await verify()).intact).toBe(true)
  })

  it('names the first of two swapped rows as reordered', async () => {
    const { all, index, row } = await middleRow()
    const next = all[index + 1]
    if (!next) throw new Error('no row after the middle')
    const swap = [
      `UPDATE audit_events SET seq = -1 WHERE seq = ${row.seq}`,
      `UPDATE audit_events SET seq = ${row.seq} WHERE seq = ${next.seq}`,
      `UPDATE audit_events SET seq = ${next.seq} WHERE seq = -1`,
    ]
    await tamper(...swap)
    const result = await verify()
    expect(result.firstBroken).toMatchObject({
      seq: String(row.seq),
      id: next.id,
      kind: 'reordered',
      expected: all[index - 1]?.hash,
      found: row.hash,
    })
    await tamper(...swap)
    expect((await verify()).intact).toBe(true)
  })

  it('names a deleted first row: the new first row does not start from the genesis hash', async () => {
    const [first, second] = await rows()
    if (!first || !second) throw new Error('too few rows')
    const saved = await t.db.$queryRawUnsafe<{ data: string }[]>(
      `SELECT row_to_json(a)::text AS data FROM audit_events a WHERE seq = ${first.seq}`,
    )
    await tamper(`DELETE FROM audit_events WHERE seq = ${first.seq}`)
    expect((await verify()).firstBroken).toMatchObject({
      seq: String(second.seq),
      kind: 'deleted',
      expected: GENESIS_HASH,
      found: first.hash,
    })
    const data = (saved[0]?.data ?? '').replace(/'/g, "''")
    await tamper(`INSERT INTO audit_events SELECT * FROM json_populate_record(NULL::audit_events, '${data}'::json)`)
    expect((await verify()).intact).toBe(true)
  })

  it('walks in small batches with the same result (constant memory whatever the length)', async () => {
    const all = await rows()
    expect(await verifyAuditChain(reader, { batchSize: 3 })).toMatchObject({ intact: true, checked: all.length })
  })

  it('is for auditors and administrators only', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: requester.headers })
    expectError(response, 403, 'FORBIDDEN')
    expectError(await t.app.inject({ method: 'GET', url: '/api/v1/audit/verify' }), 401, 'UNAUTHENTICATED')
  })
})

describe('two walls around audit rows', () => {
  async function asApp<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
    const url = new URL(t.database.url)
    url.username = 'cabinet_app'
    url.password = ''
    const client = new pg.Client({ connectionString: url.toString() })
    await client.connect()
    try {
      return await run(client)
    } finally {
      await client.end()
    }
  }

  for (const [name, sql] of [
    ['UPDATE', `UPDATE audit_events SET actor_name = 'Mallory'`],
    ['DELETE', 'DELETE FROM audit_events'],
    ['TRUNCATE', 'TRUNCATE audit_events'],
  ] as const) {
    it(`cabinet_app is refused ${name} by privileges, before any trigger runs`, async () => {
      const before = await rows()
      await expect(asApp((client) => client.query(sql))).rejects.toThrow('permission denied for table audit_events')
      expect(await rows()).toEqual(before)
    })

    it(`the owner is refused ${name} by the trigger`, async () => {
      const before = await rows()
      await expect(t.db.$executeRawUnsafe(sql)).rejects.toThrow(`audit_events is append-only: ${name} is refused`)
      expect(await rows()).toEqual(before)
    })
  }

  it('cabinet_app can still read and append, and do the rest of the application’s work', async () => {
    const counts = await asApp(async (client) => {
      const events = await client.query('SELECT count(*)::int AS n FROM audit_events')
      const changes = await client.query(`UPDATE change_requests SET title = title WHERE false`)
      return { events: (events.rows[0] as { n: number }).n, updated: changes.rowCount }
    })
    expect(counts).toEqual({ events: (await rows()).length, updated: 0 })
  })
})
