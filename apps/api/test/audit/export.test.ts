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
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
    const again = await exportOf('format=csv&action=change.*')
    expect(again.statusCode).toBe(200)

    const manifest = await manifestOf(`format=csv&throughSeq=${headers['x-audit-through-seq']}`)
    expect(manifest).toMatchObject({ rowCount: total, sha256: hash.digest('hex'), byteCount: bytes })
    expect(manifestSignatureValid(manifest, (await publicKey()).publicKeyPem)).toBe(true)
  }, 240_000)
})
