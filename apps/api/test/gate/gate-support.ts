// The gate tests' world: a listening API with a movable clock, a CAB policy of one technical stage,
// and a requester's API token, as a pipeline would hold it.
import type { AddressInfo } from 'node:net'
import { expect } from 'vitest'
import { cabMembers, createGroup, scenario, stage } from '../approvals/approvals-fixtures'
import { type SignedIn, startTestApp, type TestApp } from '../support/app'
import type { Catalog } from '../support/fixtures'

export interface GateWorld {
  t: TestApp
  url: string
  /** Moves the API's clock: ms added to the real time. */
  shift(ms: number): void
  admin: SignedIn
  requester: SignedIn
  manager: SignedIn
  approver: SignedIn
  catalog: Catalog
  hostnames: string[]
  token: string
}

export async function gateWorld(env: Record<string, string> = {}): Promise<GateWorld> {
  let offset = 0
  const t = await startTestApp({ clock: { now: () => new Date(Date.now() + offset) }, env })
  const admin = await t.userWith(['admin'], 'Admin')
  const requester = await t.userWith(['requester'], 'Pipeline owner')
  const manager = await t.userWith(['change_manager'], 'Manager')
  const [approver] = await cabMembers(t, 1)
  if (!approver) throw new Error('no approver')
  await createGroup(t, 'technical', [approver])
  const { catalog } = await scenario(t, admin, [stage('technical')])
  const nodes = await t.db.node.findMany({ where: { id: { in: catalog.nodeIds } }, orderBy: { hostname: 'asc' } })
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/tokens',
    headers: requester.headers,
    payload: { name: 'ci', scopes: ['changes:read', 'changes:write', 'catalog:read'] },
  })
  expect(created.statusCode, created.body).toBe(201)
  await t.app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = t.app.server.address() as AddressInfo
  return {
    t,
    url: `http://127.0.0.1:${port}`,
    shift: (ms) => {
      offset = ms
    },
    admin,
    requester,
    manager,
    approver,
    catalog,
    hostnames: nodes.map((node) => node.hostname),
    token: (created.json() as { token: string }).token,
  }
}
