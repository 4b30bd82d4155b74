// Exports: CSV and NDJSON hold exactly the filtered rows in chain order; the signed manifest matches
// the bytes and verifies with the published key; 100,000 events stream in bounded memory.
import { parse } from 'csv-parse/sync'
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { get } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { AuditExportManifest, AuditSigningKey, ChangeDetail } from '@cabinet/contracts'
import { manifestSignatureValid } from '@cabinet/db'
import { checkExport } from '../../src/modules/audit/verify-export'
import { type SignedIn, type TestApp, startTestApp } from '../support/app'
import { type Catalog, createCatalog, expectError, issuePaths, validChangeBody } from '../support/fixtures'

let t: TestApp
let catalog: Catalog
let auditor: SignedIn
let requester: SignedIn
let change: ChangeDetail

beforeAll(async () => {
  t = await startTestApp()
  catalog = await createCatalog(t.db, 2)
  auditor = await t.userWith(['auditor'])
  requester = await t.userWith(['requester'])
  for (let index = 0; index < 3; index += 1) {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/changes',
      headers: requester.headers,
      payload: validChangeBody(catalog, { title: `Export "quoted", commas, ${index}` }),
    })
    expect(response.statusCode).toBe(201)
    change = ChangeDetail.parse(response.json())
  }
})
afterAll(async () => {
  await t?.close()
})

function exportOf(query: string, user = auditor) {
  return t.app.inject({ method: 'GET', url: `/api/v1/audit/export?${query}`, headers: user.headers })
}

async function manifestOf(query: string) {
  const response = await t.app.inject({
    method: 'GET',
    url: `/api/v1/audit/export/manifest?${query}`,
    headers: auditor.headers,
  })
  expect(response.statusCode, response.body).toBe(200)
  return AuditExportManifest.parse(response.json())
}

async function publicKey() {
  const response = await t.app.inject({ method: 'GET', url: '/api/v1/audit/signing-key', headers: requester.headers })
  expect(response.statusCode).toBe(200)
  return AuditSigningKey.parse(response.json())
}

/** V8's collector, exposed at run time (vitest does not start node with --expose-gc). */
function exposedGc(): () => void {
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
}

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex')

describe('GET /api/v1/audit/export', () => {
  it('streams CSV in chain order with a header, every column, and jsonb as JSON text', async () => {
    const response = await exportOf('format=csv')
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8')
    const rows = await t.db.auditEvent.findMany({ orderBy: { seq: 'asc' } })
    expect(response.headers['x-audit-row-count']).toBe(String(rows.length))
    expect(response.headers['x-audit-through-seq']).toBe(String(rows.at(-1)?.seq))
    const records = parse(response.body) as string[][]
    expect(records[0]).toEqual([
      'seq',
      'id',
      'at',
      'actor_id',
      'actor_name',
      'action',
      'entity_type',
      'entity_id',
      'change_id',
      'before',
      'after',
      'request_id',
      'prev_hash',
      'hash',
    ])
    expect(records.slice(1).map((record) => record[0])).toEqual(rows.map((row) => String(row.seq)))
    const created = records.find((record) => record[5] === 'change.created' && record[7] === change.id)
    const row = rows.find((candidate) => candidate.action === 'change.created' && candidate.entityId === change.id)
    expect(created?.[2]).toBe(row?.at.toISOString())
    expect(JSON.parse(created?.[10] ?? 'null')).toEqual(row?.after)
    expect(created?.slice(12)).toEqual([row?.prevHash, row?.hash])
  })

  it('streams NDJSON: one event per line, filtered like search', async () => {
    const response = await exportOf(`format=ndjson&change=${change.number}`)
    expect(response.headers['content-type']).toBe('application/x-ndjson; charset=utf-8')
    const lines = response.body
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
    const rows = await t.db.auditEvent.findMany({ where: { changeId: change.id }, orderBy: { seq: 'asc' } })
    expect(lines).toEqual(
      rows.map((row) => ({
        seq: Number(row.seq),
        id: row.id,
        at: row.at.toISOString(),
        actorId: row.actorId,
        actorName: row.actorName,
        action: row.action,
        entityType: row.entityType,
        entityId: row.entityId,
        changeId: row.changeId,
        before: row.before,
        after: row.after,
        requestId: row.requestId,
        prevHash: row.prevHash,
        hash: row.hash,
      })),
    )
  })

  it('signs a manifest that matches the bytes and verifies with the published key, offline too', async () => {
    const response = await exportOf('format=csv&action=change.*')
    const through = String(response.headers['x-audit-through-seq'])
    // A later event must not change what the export through that seq holds.
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/changes',
      headers: requester.headers,
      payload: validChangeBody(catalog),
    })
    const manifest = await manifestOf(`format=csv&action=change.*&throughSeq=${through}`)
    const head = await t.db.auditEvent.findUniqueOrThrow({ where: { seq: BigInt(through) } })
    expect(manifest).toMatchObject({
      format: 'csv',
      filters: { action: 'change.*' },
      throughSeq: through,
      rowCount: 3,
      sha256: sha256(response.rawPayload),
      byteCount: response.rawPayload.length,
      chainHead: { seq: through, hash: head.hash },
      algorithm: 'Ed25519',
    })
    const key = await publicKey()
    expect(manifest.keyId).toBe(key.keyId)
    expect(manifestSignatureValid(manifest, key.publicKeyPem)).toBe(true)
    expect(manifestSignatureValid({ ...manifest, rowCount: 2 }, key.publicKeyPem)).toBe(false)

    const file = join(tmpdir(), `audit-export-${process.pid}.csv`)
    writeFileSync(file, response.rawPayload)
    expect(await checkExport(file, manifest, key.publicKeyPem)).toMatchObject({ ok: true, rowCount: 3 })
    writeFileSync(file, response.body.replace('change.created', 'change.cre4ted'))
    const tampered = await checkExport(file, manifest, key.publicKeyPem)
    expect(tampered.ok).toBe(false)
    expect(tampered.problems[0]).toMatch(/^SHA-256 is /)
  })

  it('runs through the head at most, whatever throughSeq says', async () => {
    const head = await t.db.auditEvent.findFirstOrThrow({ orderBy: { seq: 'desc' } })
    const response = await exportOf('format=ndjson&throughSeq=999999999999999999')
    expect(response.headers['x-audit-through-seq']).toBe(String(head.seq))
    expect(response.body.trimEnd().split('\n')).toHaveLength(await t.db.auditEvent.count())
  })

  it('refuses a bad format or filter with a 400 naming the field, and non-auditors with a 403', async () => {
    expect(issuePaths(expectError(await exportOf('format=xlsx'), 400, 'VALIDATION_FAILED'))).toContain('format')
    expect(issuePaths(expectError(await exportOf('throughSeq=-3'), 400, 'VALIDATION_FAILED'))).toContain('throughSeq')
    expect(issuePaths(expectError(await exportOf('throughSeq=abc'), 400, 'VALIDATION_FAILED'))).toContain('throughSeq')
    expect(issuePaths(expectError(await exportOf('throughSeq=0'), 400, 'VALIDATION_FAILED'))).toContain('throughSeq')
    expect(issuePaths(expectError(await exportOf('from=soon'), 400, 'VALIDATION_FAILED'))).toContain('from')
    expectError(await exportOf('format=csv', requester), 403, 'FORBIDDEN')
  })
})

describe('an export of 100,000 events', () => {
  const EVENTS = 100_000

  beforeAll(async () => {
    // Bulk rows written by SQL: the export reads rows, it does not re-verify the chain.
    await t.db.$executeRawUnsafe(`
      INSERT INTO audit_events (at, actor_id, actor_name, action, entity_type, entity_id, change_id, before, after,
                                request_id, prev_hash, hash)
      SELECT now() + g * interval '1 millisecond', NULL, 'Bulk Loader ' || (g % 7), 'bulk.event', 'node', 'node-' || g,
             NULL, jsonb_build_object('state', 'ready', 'note', repeat('x', 80)),
             jsonb_build_object('state', 'drained', 'n', g), 'bulk-' || g,
             md5(g::text) || md5('p' || g), md5('h' || g) || md5(g::text || 'h')
      FROM generate_series(1, ${EVENTS}) AS g`)
  }, 60_000)

  it('streams in bounded memory and its manifest verifies', async () => {
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 })
    const port = (t.app.server.address() as AddressInfo).port
    expect(address).toContain(String(port))
    // Live memory, not garbage V8 has yet to collect: sample the heap right after a full collection.
    const gc = exposedGc()
    gc()
    const start = process.memoryUsage()
    let peakLiveHeap = start.heapUsed
    let peakRss = start.rss
    const sampler = setInterval(() => {
      gc()
      const now = process.memoryUsage()
      peakLiveHeap = Math.max(peakLiveHeap, now.heapUsed)
      peakRss = Math.max(peakRss, now.rss)
    }, 200)
    const hash = createHash('sha256')
    let bytes = 0
    let lines = 0
    const headers = await new Promise<Record<string, string | string[] | undefined>>((resolve, reject) => {
      get(`http://127.0.0.1:${port}/api/v1/audit/export?format=csv`, { headers: auditor.headers }, (response) => {
        response.on('data', (chunk: Buffer) => {
          hash.update(chunk)
          bytes += chunk.length
          for (const byte of chunk) if (byte === 0x0a) lines += 1
        })
        response.on('end', () => resolve(response.headers))
        response.on('error', reject)
      }).on('error', reject)
    })
    clearInterval(sampler)
    const total = await t.db.auditEvent.count()
    expect(lines).toBe(total + 1)
    expect(bytes).toBeGreaterThan(EVENTS * 300)
    // Holding the export in memory would take well over its ~40 MB of text (more as row arrays);
    // streaming keeps a few batches of 2,000 rows alive at a time.
    const heapGrowthMb = (peakLiveHeap - start.heapUsed) / 1_048_576
    const rssGrowthMb = (peakRss - start.rss) / 1_048_576
    expect(heapGrowthMb, `live heap grew ${heapGrowthMb.toFixed(1)} MB`).toBeLessThan(24)
    expect(rssGrowthMb, `rss grew ${rssGrowthMb.toFixed(1)} MB`).toBeLessThan(128)

    // A reader that goes away mid-export frees its connections: the next export still runs.
    await new Promise<void>((resolve, reject) => {
      const request = get(`http://127.0.0.1:${port}/api/v1/audit/export?format=csv`, { headers: auditor.headers })
      request.on('response', (response) => {
        response.once('data', () => {
          request.destroy()
          resolve()
        })
      })
      request.on('error', (error) => (request.destroyed ? resolve() : reject(error)))
    })
    // ...and its Postgres backend ends too: the socket is closed, not left paused mid-COPY holding
    // a snapshot (the backend would block writing to it forever).
    await vi.waitFor(
      async () => {
        const [copying] = await t.db.$queryRaw<{ n: bigint }[]>`
          SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'COPY (%'`
        expect(Number(copying?.n)).toBe(0)
      },
      { timeout: 15_000, interval: 100 },
    )
    const again = await exportOf('format=csv&action=change.*')
    expect(again.statusCode).toBe(200)

    const manifest = await manifestOf(`format=csv&throughSeq=${headers['x-audit-through-seq']}`)
    expect(manifest).toMatchObject({ rowCount: total, sha256: hash.digest('hex'), byteCount: bytes })
    expect(manifestSignatureValid(manifest, (await publicKey()).publicKeyPem)).toBe(true)
  }, 240_000)
})

describe('exports formatted by Postgres (COPY)', () => {
  // Every character JSON and CSV have to escape, plus text outside ASCII and the BMP.
  const TRICKY = 'back\\slash \\n \\\\ "quoted" \'single\', comma;\nnew line\r\ttab \u0001 é ü 中文 🚀 \u2028 end'
  const HOSTILE = `o'brien\\'); DROP TABLE audit_events; --`
  let trickyId: string

  beforeAll(async () => {
    const [row] = await t.db.$queryRaw<{ id: string }[]>`
      INSERT INTO audit_events (at, actor_id, actor_name, action, entity_type, entity_id, before, after, request_id,
                                prev_hash, hash)
      VALUES (now(), NULL, ${`Tricky ${TRICKY}`}, 'tricky.event', 'tricky', 'tricky-1',
              jsonb_build_object('note', ${TRICKY}::text, 'nested', jsonb_build_object(${TRICKY}::text, 1.5)),
              jsonb_build_array(${TRICKY}::text, NULL, true, 42), NULL,
              md5('tp') || md5('tp2'), md5('th') || md5('th2'))
      RETURNING id::text AS id`
    trickyId = row?.id ?? ''
    await t.db.$executeRaw`
      INSERT INTO audit_events (at, actor_name, action, entity_type, entity_id, request_id, prev_hash, hash)
      VALUES (now(), 'Hostile', 'hostile.event', 'tricky', ${HOSTILE}, '', md5('hp') || md5('hp2'), md5('hh') || md5('hh2'))`
  })

  const stored = async (where: { entityType: string; entityId?: string }) =>
    (await t.db.auditEvent.findMany({ where, orderBy: { seq: 'asc' } })).map((row) => ({
      seq: Number(row.seq),
      id: row.id,
      at: row.at.toISOString(),
      actorId: row.actorId,
      actorName: row.actorName,
      action: row.action,
      entityType: row.entityType,
      entityId: row.entityId,
      changeId: row.changeId,
      before: row.before,
      after: row.after,
      requestId: row.requestId,
      prevHash: row.prevHash,
      hash: row.hash,
    }))

  it('NDJSON: each line parses back to the stored event, backslashes, quotes, newlines and unicode included', async () => {
    const response = await exportOf('format=ndjson&entityType=tricky')
    expect(response.statusCode).toBe(200)
    const lines = response.body.split('\n')
    expect(lines.pop()).toBe('')
    const events = await stored({ entityType: 'tricky' })
    expect(lines).toHaveLength(2)
    expect(lines.map((line) => JSON.parse(line))).toEqual(events)
    expect(events[0]?.id).toBe(trickyId)
    expect(events[0]?.before).toEqual({ note: TRICKY, nested: { [TRICKY]: 1.5 } })
  })

  it('CSV: the same rows parse back, NULL as an empty field and an empty string quoted', async () => {
    const response = await exportOf('format=csv&entityType=tricky')
    const [header, ...records] = parse(response.body) as string[][]
    expect(header?.[0]).toBe('seq')
    const events = await stored({ entityType: 'tricky' })
    // jsonb goes out as Postgres prints it: compared as JSON, every other column as text.
    const withoutJson = (record: unknown[]) => [...record.slice(0, 9), ...record.slice(11)]
    expect(records.map(withoutJson)).toEqual(
      events.map((event) =>
        withoutJson([
          String(event.seq),
          event.id,
          event.at,
          event.actorId ?? '',
          event.actorName,
          event.action,
          event.entityType,
          event.entityId,
          event.changeId ?? '',
          null,
          null,
          event.requestId ?? '',
          event.prevHash,
          event.hash,
        ]),
      ),
    )
    expect(JSON.parse(records[0]?.[9] ?? '')).toEqual(events[0]?.before)
    expect(JSON.parse(records[0]?.[10] ?? '')).toEqual(events[0]?.after)
    expect(records[1]?.[9]).toBe('')
    // The hostile row's request_id is '' (quoted), the tricky row's is NULL (an empty field).
    expect(response.body).toContain(`,"",${events[1]?.prevHash},`)
    expect(response.body).toMatch(new RegExp(`,,${events[0]?.prevHash},`))
  })

  it('takes hostile filter values as plain values: no SQL gets in, and they match exactly', async () => {
    const before = await t.db.auditEvent.count()
    const hostile = await exportOf(`format=ndjson&entityType=tricky&entityId=${encodeURIComponent(HOSTILE)}`)
    expect(hostile.statusCode, hostile.body).toBe(200)
    expect(
      hostile.body
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line).entityId),
    ).toEqual([HOSTILE])
    for (const query of [
      `entityType=${encodeURIComponent("x' OR '1'='1")}`,
      `entityId=${encodeURIComponent("') OR TRUE; SELECT pg_sleep(5); --")}`,
      `entityType=${encodeURIComponent('\\')}&entityId=${encodeURIComponent("\\'")}`,
      `entityId=${encodeURIComponent("$1'::text; --")}`,
    ]) {
      const response = await exportOf(`format=csv&${query}`)
      expect(response.statusCode, query).toBe(200)
      expect(response.body.trimEnd().split('\n'), query).toHaveLength(1)
      expect(response.headers['x-audit-row-count']).toBe('0')
    }
    // Actions are held to their shape before any SQL is built.
    const action = await exportOf(`format=csv&action=${encodeURIComponent("%'; DROP TABLE audit_events; --.*")}`)
    expect(issuePaths(expectError(action, 400, 'VALIDATION_FAILED'))).toContain('action')
    expect(await t.db.auditEvent.count()).toBe(before)
    const manifest = await manifestOf(`format=ndjson&entityType=tricky&entityId=${encodeURIComponent(HOSTILE)}`)
    expect(manifest).toMatchObject({ rowCount: 1, sha256: sha256(hostile.rawPayload), filters: { entityId: HOSTILE } })
  })
})
