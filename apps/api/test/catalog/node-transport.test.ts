// How nodes are reached, registered through the catalog: transport, SSH port and user, the pinned host
// key and where the private key is (file:/path or env:NAME), on create, edit and bulk import (JSON and
// CSV). Bad values are a 400 (or a row error) naming the field; a private key itself is never accepted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedIn, type TestApp, startTestApp } from '../support/app'
import { expectError, issuePaths } from '../support/fixtures'
import { createCluster } from './catalog-fixtures'

let t: TestApp
let admin: SignedIn
let clusterId: string

const HOST_KEY = 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s'
const PRIVATE_KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----'

beforeAll(async () => {
  t = await startTestApp()
  admin = await t.userWith(['admin'])
  clusterId = (await createCluster(t, admin, { name: 'reach' })).id
})
afterAll(async () => {
  await t?.close()
})

const post = (payload: object) =>
  t.app.inject({ method: 'POST', url: '/api/v1/nodes', headers: admin.headers, payload })
const importJson = (nodes: unknown[]) =>
  t.app.inject({ method: 'POST', url: '/api/v1/nodes/import', headers: admin.headers, payload: { nodes } })

describe('node transport fields', () => {
  it('registers an SSH node with its pinned host key and key reference, returns them, and edits them', async () => {
    const created = await post({
      hostname: 'ssh-001',
      clusterId,
      gpuModel: 'H100',
      gpuCount: 8,
      transport: 'ssh',
      address: '10.1.0.1',
      sshPort: 2222,
      sshUser: 'cabinet-probe',
      sshHostKeySha256: HOST_KEY,
      sshKeyRef: 'file:/etc/cabinet/probe_ed25519',
    })
    expect(created.statusCode).toBe(201)
    const node = created.json()
    expect(node).toMatchObject({
      transport: 'ssh',
      address: '10.1.0.1',
      sshPort: 2222,
      sshUser: 'cabinet-probe',
      sshHostKeySha256: HOST_KEY,
      sshKeyRef: 'file:/etc/cabinet/probe_ed25519',
      simStateDir: null,
    })
    const read = await t.app.inject({ method: 'GET', url: `/api/v1/nodes/${node.id}`, headers: admin.headers })
    expect(read.json()).toEqual(node)

    const edited = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/nodes/${node.id}`,
      headers: admin.headers,
      payload: { version: 1, sshKeyRef: 'env:CABINET_PROBE_KEY', sshPort: null },
    })
    expect(edited.statusCode).toBe(200)
    expect(edited.json()).toMatchObject({ sshKeyRef: 'env:CABINET_PROBE_KEY', sshPort: null, version: 2 })
    expect(await t.db.node.findUniqueOrThrow({ where: { id: node.id } })).toMatchObject({
      sshKeyRef: 'env:CABINET_PROBE_KEY',
      sshHostKeySha256: HOST_KEY,
    })

    const simulated = await post({
      hostname: 'sim-001',
      clusterId,
      gpuModel: 'H100',
      gpuCount: 8,
      simStateDir: '/var/lib/cabinet/gpu-sim/sim-001',
    })
    expect(simulated.json()).toMatchObject({ transport: 'simulated', simStateDir: '/var/lib/cabinet/gpu-sim/sim-001' })
  })

  it('refuses bad transport values with a 400 naming each field, and never takes a private key', async () => {
    const body = { hostname: 'bad-001', clusterId, gpuModel: 'H100', gpuCount: 8 }
    const bad = expectError(
      await post({
        ...body,
        transport: 'telnet',
        sshPort: 70_000,
        sshUser: 'Root Admin',
        sshHostKeySha256: 'MD5:aa:bb:cc',
        sshKeyRef: PRIVATE_KEY,
        simStateDir: 'relative/dir',
      }),
      400,
      'VALIDATION_FAILED',
    )
    expect(issuePaths(bad).sort()).toEqual(
      ['simStateDir', 'sshHostKeySha256', 'sshKeyRef', 'sshPort', 'sshUser', 'transport'].sort(),
    )
    for (const ref of ['/etc/key', 'file:relative', 'env:1BAD', 'vault:secret/probe']) {
      expect(issuePaths(expectError(await post({ ...body, sshKeyRef: ref }), 400, 'VALIDATION_FAILED'))).toEqual([
        'sshKeyRef',
      ])
    }
    expect(await t.db.node.count({ where: { hostname: 'bad-001' } })).toBe(0)
  })

  it('imports transport fields from JSON and CSV, reporting a bad one by row and field', async () => {
    const json = await importJson([
      {
        hostname: 'imp-ssh-1',
        cluster: 'reach',
        gpuModel: 'A100',
        gpuCount: 4,
        transport: 'ssh',
        sshPort: 22,
        sshHostKeySha256: HOST_KEY,
        sshKeyRef: 'env:CABINET_PROBE_KEY',
      },
      {
        hostname: 'imp-ssh-2',
        cluster: 'reach',
        gpuModel: 'A100',
        gpuCount: 4,
        transport: 'ssh',
        sshKeyRef: PRIVATE_KEY,
      },
    ])
    expect(json.json()).toEqual({
      created: 1,
      updated: 0,
      errors: [{ row: 2, field: 'sshKeyRef', message: expect.stringContaining('never the key itself') }],
    })
    expect(await t.db.node.findUniqueOrThrow({ where: { hostname: 'imp-ssh-1' } })).toMatchObject({
      transport: 'ssh',
      sshPort: 22,
      sshUser: null,
      sshHostKeySha256: HOST_KEY,
      sshKeyRef: 'env:CABINET_PROBE_KEY',
    })

    const csv = [
      'hostname,cluster,gpuModel,gpuCount,transport,address,sshPort,sshUser,sshHostKeySha256,sshKeyRef,simStateDir',
      `imp-csv-1,reach,H100,8,ssh,10.2.0.1,2200,probe,${HOST_KEY},file:/etc/cabinet/key,`,
      'imp-csv-2,reach,H100,8,simulated,,,,,,/srv/sim/imp-csv-2',
      'imp-csv-3,reach,H100,8,ssh,,port,,,,',
      'imp-csv-4,reach,H100,8,ssh,,,,SHA256:short,,',
    ].join('\n')
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/nodes/import',
      headers: { ...admin.headers, 'content-type': 'text/csv' },
      payload: csv,
    })
    expect(response.json()).toEqual({
      created: 2,
      updated: 0,
      errors: [
        { row: 3, field: 'sshPort', message: expect.any(String) },
        { row: 4, field: 'sshHostKeySha256', message: expect.any(String) },
      ],
    })
    const rows = await t.db.node.findMany({
      where: { hostname: { startsWith: 'imp-csv-' } },
      orderBy: { hostname: 'asc' },
    })
    expect(
      rows.map((n) => [n.hostname, n.transport, n.address, n.sshPort, n.sshUser, n.sshKeyRef, n.simStateDir]),
    ).toEqual([
      ['imp-csv-1', 'ssh', '10.2.0.1', 2200, 'probe', 'file:/etc/cabinet/key', null],
      ['imp-csv-2', 'simulated', null, null, null, null, '/srv/sim/imp-csv-2'],
    ])
  })

  it('refuses an SSH node without a pinned host key: on create, on an edit that makes it SSH or unpins it, per row on import', async () => {
    const body = { clusterId, gpuModel: 'H100', gpuCount: 8, transport: 'ssh', address: '10.3.0.1' }
    const unpinned = expectError(await post({ ...body, hostname: 'unpinned-1' }), 400, 'VALIDATION_FAILED')
    expect(unpinned.error.details?.issues).toEqual([
      { path: 'sshHostKeySha256', message: expect.stringContaining('required for an SSH node') },
    ])
    expect(await t.db.node.count({ where: { hostname: 'unpinned-1' } })).toBe(0)

    const simulated = (await post({ hostname: 'to-ssh-1', clusterId, gpuModel: 'H100', gpuCount: 8 })).json()
    const patch = (id: string, payload: object) =>
      t.app.inject({ method: 'PATCH', url: `/api/v1/nodes/${id}`, headers: admin.headers, payload })
    expect(
      issuePaths(expectError(await patch(simulated.id, { version: 1, transport: 'ssh' }), 400, 'VALIDATION_FAILED')),
    ).toEqual(['sshHostKeySha256'])
    const pinned = await patch(simulated.id, { version: 1, transport: 'ssh', sshHostKeySha256: HOST_KEY })
    expect(pinned.json()).toMatchObject({ transport: 'ssh', sshHostKeySha256: HOST_KEY, version: 2 })
    expect(
      issuePaths(
        expectError(await patch(simulated.id, { version: 2, sshHostKeySha256: null }), 400, 'VALIDATION_FAILED'),
      ),
    ).toEqual(['sshHostKeySha256'])
    // Nothing of the refused edits was written.
    expect(await t.db.node.findUniqueOrThrow({ where: { id: simulated.id } })).toMatchObject({
      transport: 'ssh',
      sshHostKeySha256: HOST_KEY,
      version: 2,
    })
    // Back to simulated, the fingerprint may go.
    expect((await patch(simulated.id, { version: 2, transport: 'simulated', sshHostKeySha256: null })).statusCode).toBe(
      200,
    )

    const imported = await importJson([
      {
        hostname: 'imp-pin-1',
        cluster: 'reach',
        gpuModel: 'H100',
        gpuCount: 8,
        transport: 'ssh',
        sshHostKeySha256: HOST_KEY,
      },
      { hostname: 'imp-pin-2', cluster: 'reach', gpuModel: 'H100', gpuCount: 8, transport: 'ssh' },
    ])
    expect(imported.json()).toEqual({
      created: 1,
      updated: 0,
      errors: [{ row: 2, field: 'sshHostKeySha256', message: expect.stringContaining('required for an SSH node') }],
    })
    expect(await t.db.node.count({ where: { hostname: 'imp-pin-2' } })).toBe(0)
  })

  it('registers 1,000 SSH nodes in one JSON import quickly, then re-imports them as updates', async () => {
    const nodes = Array.from({ length: 1_000 }, (_, i) => ({
      hostname: `fleet-${String(i).padStart(4, '0')}`,
      cluster: 'reach',
      gpuModel: 'H100',
      gpuCount: 8,
      driverVersion: '570.133.20',
      transport: 'ssh',
      address: `10.9.${Math.floor(i / 250)}.${i % 250}`,
      sshPort: 22,
      sshUser: 'cabinet-probe',
      sshHostKeySha256: HOST_KEY,
      sshKeyRef: 'file:/etc/cabinet/probe_ed25519',
    }))
    const started = performance.now()
    const first = await importJson(nodes)
    const firstMs = performance.now() - started
    expect(first.json()).toEqual({ created: 1_000, updated: 0, errors: [] })
    // One statement for all rows: seconds here would mean a round trip per row crept back in.
    expect(firstMs).toBeLessThan(3_000)

    const again = await importJson(nodes.map((node) => ({ ...node, sshPort: 2222 })))
    expect(again.json()).toEqual({ created: 0, updated: 1_000, errors: [] })
    expect(
      await t.db.node.count({
        where: {
          hostname: { startsWith: 'fleet-' },
          transport: 'ssh',
          sshPort: 2222,
          sshHostKeySha256: HOST_KEY,
          version: 2,
        },
      }),
    ).toBe(1_000)
    const page = await t.app.inject({ method: 'GET', url: '/api/v1/nodes?q=fleet-0999', headers: admin.headers })
    expect(page.json().items).toMatchObject([
      { hostname: 'fleet-0999', sshPort: 2222, sshKeyRef: 'file:/etc/cabinet/probe_ed25519', address: '10.9.3.249' },
    ])
  })
})
