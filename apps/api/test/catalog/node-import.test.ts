// Bulk node import from JSON and CSV: valid rows are created or updated by hostname in one
// transaction with one audit event; invalid rows come back with their row number and field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedIn, type TestApp, startTestApp } from '../support/app'
import { auditOf, createCluster, createNode } from './catalog-fixtures'

let t: TestApp
let implementer: SignedIn
let clusterId: string
// A pinned host key (an SSH node needs one), as ssh-keygen -l -E sha256 prints it.
const HOST_KEY = 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s'

beforeAll(async () => {
  t = await startTestApp()
  const admin = await t.userWith(['admin'])
  implementer = await t.userWith(['implementer'])
  clusterId = (await createCluster(t, admin, { name: 'import-a' })).id
  await createCluster(t, admin, { name: 'import-b' })
  await createNode(t, admin, {
    hostname: 'exists-001',
    clusterId,
    gpuModel: 'A100',
    gpuCount: 4,
    driverVersion: '535.1',
  })
})
afterAll(async () => {
  await t?.close()
})

async function importEvents(requestId: string) {
  return auditOf(t, 'node_import', requestId)
}

describe('node import', () => {
  it('imports JSON rows, updates by hostname, reports invalid rows, and audits one summary', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/nodes/import',
      headers: { ...implementer.headers, 'x-request-id': 'import-json-1' },
      payload: {
        nodes: [
          { hostname: 'json-001', cluster: 'import-a', gpuModel: 'H100', gpuCount: 8, driverVersion: '570.86.15' },
          { hostname: 'exists-001', cluster: 'import-b', gpuModel: 'A100', gpuCount: 8, scheduler: 'slurm' },
          { hostname: 'json-003', cluster: 'nowhere', gpuModel: 'H100', gpuCount: 8 },
          { hostname: 'json-004', cluster: 'import-a', gpuModel: 'V100', gpuCount: -1 },
          'not an object',
          { hostname: 'json-001', cluster: 'import-a', gpuModel: 'H100', gpuCount: 8 },
        ],
      },
    })
    expect(response.statusCode).toBe(200)
    const result = response.json()
    expect(result.created).toBe(1)
    expect(result.updated).toBe(1)
    expect(result.errors).toEqual([
      { row: 3, field: 'cluster', message: 'no cluster named "nowhere"' },
      { row: 4, field: 'gpuModel', message: expect.any(String) },
      { row: 4, field: 'gpuCount', message: expect.any(String) },
      { row: 5, field: '(row)', message: expect.any(String) },
      { row: 6, field: 'hostname', message: '"json-001" is already on row 1' },
    ])

    const created = await t.db.node.findUniqueOrThrow({ where: { hostname: 'json-001' }, include: { cluster: true } })
    expect(created).toMatchObject({
      gpuModel: 'H100',
      gpuCount: 8,
      driverVersion: '570.86.15',
      transport: 'simulated',
      version: 1,
    })
    expect(created.cluster.name).toBe('import-a')
    const updated = await t.db.node.findUniqueOrThrow({ where: { hostname: 'exists-001' }, include: { cluster: true } })
    expect(updated).toMatchObject({ gpuCount: 8, scheduler: 'slurm', driverVersion: null, version: 2 })
    expect(updated.cluster.name).toBe('import-b')
    expect(await t.db.node.count({ where: { hostname: { in: ['json-003', 'json-004'] } } })).toBe(0)

    const events = await importEvents('import-json-1')
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ action: 'node.imported', actorId: implementer.userId })
    expect(events[0]?.after).toEqual({
      created: 1,
      updated: 1,
      rejectedRows: 4,
      createdHostnames: ['json-001'],
      updatedHostnames: ['exists-001'],
    })
  })

  it('imports CSV with any column order and case, reporting bad rows by data row and field', async () => {
    const csv = [
      'Hostname,cluster,gpuCount,gpuModel,driverVersion,transport,address,sshHostKeySha256',
      `csv-001,import-a,8,H100,570.86.15,ssh,10.0.0.1,${HOST_KEY}`,
      'csv-002,import-b,eight,H100,,,,',
      '',
      'csv-003,import-a,4,L40S,,,"10.0.0.3",',
      'csv-004,import-a,4,L40S',
      'json-001,import-b,2,H200,not-a-version,,,',
    ].join('\n')
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/nodes/import',
      headers: { ...implementer.headers, 'content-type': 'text/csv; charset=utf-8', 'x-request-id': 'import-csv-1' },
      payload: csv,
    })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({
      created: 2,
      updated: 0,
      errors: [
        { row: 2, field: 'gpuCount', message: expect.any(String) },
        { row: 4, field: '(row)', message: 'line 6 has 4 fields; the header has 8' },
        { row: 5, field: 'driverVersion', message: 'must look like 570.86.15' },
      ],
    })
    const rows = await t.db.node.findMany({ where: { hostname: { startsWith: 'csv-' } }, orderBy: { hostname: 'asc' } })
    expect(rows.map((n) => [n.hostname, n.transport, n.address, n.driverVersion])).toEqual([
      ['csv-001', 'ssh', '10.0.0.1', '570.86.15'],
      ['csv-003', 'simulated', '10.0.0.3', null],
    ])
    const events = await importEvents('import-csv-1')
    expect(events.map((e) => e.after)).toEqual([
      { created: 2, updated: 0, rejectedRows: 3, createdHostnames: ['csv-001', 'csv-003'], updatedHostnames: [] },
    ])
  })

  it('refuses CSV with unknown or missing columns, or broken quoting, as a whole', async () => {
    const headers = { ...implementer.headers, 'content-type': 'text/csv' }
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/v1/nodes/import',
      headers,
      payload: 'hostname,cluster,gpu_model,gpuCount\nx,import-a,H100,8\n',
    })
    expect(unknown.statusCode).toBe(400)
    expect(unknown.json().error.details.issues).toEqual([
      { path: 'header.2', message: expect.stringContaining('unknown column "gpu_model"') },
      { path: 'header', message: 'the column "gpuModel" is missing' },
    ])

    const broken = await t.app.inject({
      method: 'POST',
      url: '/api/v1/nodes/import',
      headers,
      payload: 'hostname,cluster,gpuModel,gpuCount\n"x,import-a,H100,8\n',
    })
    expect(broken.statusCode).toBe(400)
    expect(broken.json().error.code).toBe('MALFORMED_REQUEST')

    const headerOnly = await t.app.inject({
      method: 'POST',
      url: '/api/v1/nodes/import',
      headers,
      payload: 'hostname,cluster,gpuModel,gpuCount\n',
    })
    expect(headerOnly.statusCode).toBe(400)
    expect(headerOnly.json().error.details.issues[0].path).toBe('nodes')
    expect(await t.db.node.count({ where: { hostname: 'x' } })).toBe(0)
  })

  it('names the field when the JSON body itself is wrong', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/nodes/import',
      headers: implementer.headers,
      payload: { nodes: [] },
    })
    expect(response.statusCode).toBe(400)
    expect(response.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: { issues: [{ path: 'nodes' }] } })
  })

  it('writes nothing and records no event when every row is invalid', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/nodes/import',
      headers: { ...implementer.headers, 'x-request-id': 'import-none' },
      payload: { nodes: [{ hostname: 'none-001', cluster: 'nowhere', gpuModel: 'H100', gpuCount: 8 }] },
    })
    expect(response.json()).toEqual({
      created: 0,
      updated: 0,
      errors: [{ row: 1, field: 'cluster', message: 'no cluster named "nowhere"' }],
    })
    expect(await importEvents('import-none')).toHaveLength(0)
  })

  it('imports 5,000 CSV rows (then updates them all) quickly', async () => {
    const lines = ['hostname,cluster,gpuModel,gpuCount,driverVersion,cudaVersion,transport,scheduler,sshHostKeySha256']
    for (let i = 0; i < 5_000; i++) {
      lines.push(
        `bulk-${String(i).padStart(5, '0')},${i % 2 ? 'import-a' : 'import-b'},H100,8,570.86.15,12.8,ssh,slurm,${HOST_KEY}`,
      )
    }
    const headers = { ...implementer.headers, 'content-type': 'text/csv' }
    const started = performance.now()
    const first = await t.app.inject({
      method: 'POST',
      url: '/api/v1/nodes/import',
      headers,
      payload: lines.join('\n'),
    })
    const firstMs = performance.now() - started
    expect(first.statusCode).toBe(200)
    expect(first.json()).toEqual({ created: 5_000, updated: 0, errors: [] })

    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/nodes/import',
      headers,
      payload: lines.join('\n').replaceAll('570.86.15', '575.51.3'),
    })
    expect(again.json()).toEqual({ created: 0, updated: 5_000, errors: [] })
    expect(
      await t.db.node.count({ where: { hostname: { startsWith: 'bulk-' }, driverVersion: '575.51.3', version: 2 } }),
    ).toBe(5_000)
    // One statement for all rows: seconds here would mean a round trip per row crept back in.
    expect(firstMs).toBeLessThan(5_000)
  })
})
