// A GPU driver change is checked against the CUDA releases its clusters declare: an incompatible
// target is refused with NVIDIA's minimum in the message, and nothing is written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChangeDetail } from '@cabinet/contracts'
import { type SignedIn, startTestApp, type TestApp } from '../support/app'
import { type Catalog, createCatalog, expectError, validChangeBody } from '../support/fixtures'

let t: TestApp
let requester: SignedIn
let catalog: Catalog

beforeAll(async () => {
  t = await startTestApp()
  requester = await t.userWith(['requester'])
  catalog = await createCatalog(t.db, 4)
  // The cluster runs CUDA 12.8 workloads: NVIDIA's minimum Linux driver for 12.8 GA is 570.26.
  await t.db.cluster.update({ where: { id: catalog.clusterId }, data: { cudaVersions: ['12.4', '12.8'] } })
})
afterAll(async () => t?.close())

const driverChange = (target: string) =>
  validChangeBody(catalog, {
    category: 'infrastructure',
    subcategory: 'gpu-driver',
    title: `Driver ${target}`,
    targetDriverVersion: target,
  })

describe('the driver target of a gpu-driver change', () => {
  it('is refused at creation when it cannot run a CUDA release its cluster declares, naming the minimum', async () => {
    const before = await t.db.changeRequest.count()
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/changes',
      headers: requester.headers,
      payload: driverChange('550.54.15'),
    })
    const body = expectError(response, 400, 'VALIDATION_FAILED')
    const issue = body.error.details?.issues?.[0]
    expect(issue?.path).toBe('targetDriverVersion')
    expect(issue?.message).toMatch(/550\.54\.15 cannot run CUDA 12\.8 .*needs >= 570\.26/)
    expect(await t.db.changeRequest.count()).toBe(before)
  })

  it('is accepted when it meets every declared release', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/changes',
      headers: requester.headers,
      payload: driverChange('570.133.20'),
    })
    expect(response.statusCode).toBe(201)
    expect((response.json() as ChangeDetail).targetDriverVersion).toBe('570.133.20')
  })

  it('is refused when an edit moves it below a declared release, and the change keeps its target', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/changes',
      headers: requester.headers,
      payload: driverChange('575.57.08'),
    })
    const change = created.json() as ChangeDetail
    const edit = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/changes/${change.id}`,
      headers: requester.headers,
      payload: { version: change.version, targetDriverVersion: '535.104.05' },
    })
    expectError(edit, 400, 'VALIDATION_FAILED')
    const row = await t.db.changeRequest.findUniqueOrThrow({ where: { id: change.id } })
    expect({ target: row.targetDriverVersion, version: row.version }).toEqual({ target: '575.57.08', version: 1 })
  })

  it('is not checked for changes that are not driver changes', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/changes',
      headers: requester.headers,
      payload: validChangeBody(catalog, { subcategory: 'framework', targetDriverVersion: '450.80.02' }),
    })
    expect(response.statusCode).toBe(201)
  })
})
