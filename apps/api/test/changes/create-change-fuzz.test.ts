// Bad input never gets past POST /changes and never causes a 500: hundreds of payloads derived from
// a valid body (every field removed, mistyped, out of range, plus random combinations from a seeded
// generator, so a failure reproduces), and raw bodies that are not JSON objects at all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedIn, type TestApp, startTestApp } from '../support/app'
import { type Catalog, createCatalog, type ErrorReply, issuePaths, validChangeBody } from '../support/fixtures'

let t: TestApp
let catalog: Catalog
let requester: SignedIn

beforeAll(async () => {
  t = await startTestApp()
  catalog = await createCatalog(t.db, 3)
  requester = await t.userWith(['requester'])
})
afterAll(async () => {
  await t?.close()
})

interface BadCase {
  name: string
  status: number
  code: string
  /** The field path `details.issues` must name (VALIDATION_FAILED only). */
  path?: string
  body?: unknown
  raw?: { payload: string | Buffer; contentType: string }
}

/** mulberry32: a tiny seeded PRNG, so the random cases are the same on every run. */
function prng(seed: number) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let x = state
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296
  }
}

type Body = Record<string, unknown>
interface Mutation {
  name: string
  /** The top-level field it touches: random combinations touch distinct fields. */
  field: string
  path: string
  apply(body: Body): void
}

function setPath(body: Body, path: (string | number)[], value: unknown) {
  let target = body as Record<string | number, unknown>
  for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>
  const last = path.at(-1) as string | number
  if (value === REMOVE) delete target[last]
  else target[last] = value
}
const REMOVE = Symbol('remove')
const mutation = (path: (string | number)[], value: unknown, name: string): Mutation => ({
  name: `${path.join('.')} ${name}`,
  field: String(path[0]),
  path: path.join('.'),
  apply: (body) => setPath(body, path, value),
})

const REQUIRED = [
  'type',
  'category',
  'title',
  'description',
  'justification',
  'plannedStart',
  'plannedEnd',
  'affectedItems',
  'implementationPlan',
  'rollbackPlan',
  'riskQuestionnaire',
]
const TEXT_FIELDS = ['title', 'description', 'justification', 'implementationPlan', 'testEvidence', 'rollbackPlan']
const REQUIRED_TEXT = TEXT_FIELDS.filter((field) => field !== 'testEvidence')
const STRING_FIELDS = [
  ...TEXT_FIELDS,
  'type',
  'category',
  'subcategory',
  'plannedStart',
  'plannedEnd',
  'implementerId',
  'targetDriverVersion',
]
const NULLABLE = new Set(['subcategory', 'implementerId', 'targetDriverVersion'])
const MAX_LENGTH: Record<string, number> = {
  title: 200,
  description: 20_000,
  justification: 20_000,
  implementationPlan: 50_000,
  testEvidence: 50_000,
  rollbackPlan: 50_000,
}
const QUESTIONS = ['experience', 'automation', 'testedInStaging', 'rollbackTested', 'requiresDowntime', 'userVisible']
const BAD_DATETIMES = [
  'not a date',
  '2026-01-01',
  '2026-01-01T25:00:00Z',
  '2026-13-01T00:00:00Z',
  '2026-02-30T00:00:00Z',
  '2026-01-01T10:00:00',
  '2026-01-01 10:00:00Z',
  '1767261600000',
  '',
  // Valid ISO strings outside what the database stores: year 0, and years 0 and 10000 once the offset applies.
  '0000-06-01T00:00:00Z',
  '0001-01-01T00:00:00+14:00',
  '9999-12-31T23:00:00-05:00',
]

/** Schema-level mutations: each alone makes the body fail validation at `path`. */
function schemaMutations(): Mutation[] {
  const list: Mutation[] = []
  for (const field of REQUIRED) list.push(mutation([field], REMOVE, 'removed'))
  for (const field of STRING_FIELDS) {
    list.push(mutation([field], 42, 'as a number'), mutation([field], true, 'as a boolean'))
    list.push(mutation([field], ['x'], 'as an array'), mutation([field], { value: 'x' }, 'as an object'))
    if (!NULLABLE.has(field)) list.push(mutation([field], null, 'as null'))
  }
  for (const value of [42, 'node', { kind: 'node' }, null, true]) {
    list.push(mutation(['affectedItems'], value, `as ${JSON.stringify(value)}`))
  }
  for (const value of [42, 'routine', [], null, true]) {
    list.push(mutation(['riskQuestionnaire'], value, `as ${JSON.stringify(value)}`))
  }
  for (const question of QUESTIONS) {
    list.push(mutation(['riskQuestionnaire', question], REMOVE, 'removed'))
    for (const value of [null, 'true', 1, { yes: true }]) {
      list.push(mutation(['riskQuestionnaire', question], value, `as ${JSON.stringify(value)}`))
    }
  }
  list.push(mutation(['riskQuestionnaire', 'experience'], 'never', 'unknown'))
  list.push(mutation(['riskQuestionnaire', 'automation'], 'robotic', 'unknown'))
  for (const [key, value] of [
    ['kind', REMOVE],
    ['id', REMOVE],
    ['kind', 'rack'],
    ['kind', 'NODE'],
    ['kind', 3],
    ['id', 'not-a-uuid'],
    ['id', 12345],
    ['id', null],
    ['id', '00000000-0000-0000-0000-00000000000g'],
  ] as const) {
    list.push(mutation(['affectedItems', 0, key], value, `as ${String(value)}`))
  }
  for (const value of ['a node', null, 7]) list.push(mutation(['affectedItems', 0], value, `item as ${value}`))
  for (const [field, value] of [
    ['type', 'urgent'],
    ['type', 'Normal'],
    ['category', 'hardware'],
    ['subcategory', 'gpu-bios'],
    ['subcategory', ''],
    ['targetDriverVersion', 'latest'],
    ['targetDriverVersion', '1.2.3.4.5'],
    ['targetDriverVersion', '5'.repeat(33)],
    ['implementerId', 'bob'],
  ] as const) {
    list.push(mutation([field], value, `unknown value ${JSON.stringify(value).slice(0, 20)}`))
  }
  for (const field of TEXT_FIELDS) {
    list.push(mutation([field], 'x'.repeat((MAX_LENGTH[field] ?? 0) + 1), `over ${MAX_LENGTH[field]} characters`))
  }
  for (const field of REQUIRED_TEXT) {
    for (const blank of ['', '   ', '\n\t ']) list.push(mutation([field], blank, `blank ${JSON.stringify(blank)}`))
  }
  for (const field of ['title', 'description', 'rollbackPlan']) {
    list.push(mutation([field], 'before\u0000after', 'with a NUL character'))
    list.push(mutation([field], 'half a pair \ud800 here', 'with an unpaired surrogate'))
  }
  for (const field of ['plannedStart', 'plannedEnd']) {
    for (const value of BAD_DATETIMES) list.push(mutation([field], value, `datetime ${JSON.stringify(value)}`))
  }
  return list
}

function buildCases(): BadCase[] {
  const base = validChangeBody(catalog) as Body
  const from = (...mutations: Mutation[]) => {
    const body = structuredClone(base)
    for (const m of mutations) m.apply(body)
    return body
  }
  const invalid = (name: string, path: string, body: Body): BadCase => ({
    name,
    status: 400,
    code: 'VALIDATION_FAILED',
    path,
    body,
  })
  const singles = schemaMutations()
  const cases = singles.map((m) => invalid(m.name, m.path, from(m)))

  // Seeded random pairs and triples over distinct fields: every failing field is still named.
  const random = prng(0xcab1e7)
  for (let index = 0; index < 60; index += 1) {
    const picked: Mutation[] = []
    const size = 2 + Math.floor(random() * 2)
    while (picked.length < size) {
      const candidate = singles[Math.floor(random() * singles.length)] as Mutation
      if (!picked.some((m) => m.field === candidate.field)) picked.push(candidate)
    }
    for (const [position, m] of picked.entries()) {
      cases.push(
        invalid(`random ${index}.${position}: ${picked.map((p) => p.name).join(' + ')}`, m.path, from(...picked)),
      )
    }
  }

  // Rules that look beyond one field, or at the database.
  const start = base.plannedStart as string
  const unknownId = '00000000-0000-4000-8000-00000000beef'
  const items = (refs: unknown[]) => ({ ...structuredClone(base), affectedItems: refs })
  cases.push(
    invalid('plannedEnd before plannedStart', 'plannedEnd', {
      ...base,
      plannedEnd: new Date(Date.parse(start) - 60_000).toISOString(),
    }),
    invalid('plannedEnd equal to plannedStart', 'plannedEnd', { ...base, plannedEnd: start }),
    invalid('affectedItems empty', 'affectedItems', items([])),
    invalid(
      'affectedItems with 5001 items',
      'affectedItems',
      items(Array.from({ length: 5001 }, () => ({ kind: 'node', id: catalog.nodeIds[0] }))),
    ),
    invalid('affectedItems unknown uuid', 'affectedItems.0.id', items([{ kind: 'node', id: unknownId }])),
    invalid(
      'affectedItems unknown uuid after known ones',
      'affectedItems.2.id',
      items([
        { kind: 'node', id: catalog.nodeIds[0] },
        { kind: 'cluster', id: catalog.clusterId },
        { kind: 'service', id: unknownId },
      ]),
    ),
    invalid('affectedItems id of another kind', 'affectedItems.0.id', items([{ kind: 'node', id: catalog.serviceId }])),
    invalid('implementerId unknown', 'implementerId', { ...base, implementerId: unknownId }),
  )

  const json = 'application/json'
  const raw = (
    name: string,
    status: number,
    code: string,
    payload: string | Buffer,
    contentType = json,
    path?: string,
  ) => ({ name, status, code, raw: { payload, contentType }, ...(path ? { path } : {}) }) satisfies BadCase
  const huge = JSON.stringify({ ...base, description: 'x'.repeat(2 * 1024 * 1024) })
  cases.push(
    raw('malformed JSON', 400, 'MALFORMED_REQUEST', '{"type": "normal", '),
    raw('trailing garbage after JSON', 400, 'MALFORMED_REQUEST', `${JSON.stringify(base)} trailing`),
    raw('single-quoted JSON', 400, 'MALFORMED_REQUEST', "{'type': 'normal'}"),
    raw('empty JSON body', 400, 'MALFORMED_REQUEST', ''),
    raw('a JSON array', 400, 'VALIDATION_FAILED', '[]', json, 'body'),
    raw('JSON null', 400, 'VALIDATION_FAILED', 'null', json, 'body'),
    raw('a JSON string', 400, 'VALIDATION_FAILED', '"create a change"', json, 'body'),
    raw('a JSON number', 400, 'VALIDATION_FAILED', '42', json, 'body'),
    raw('an empty object', 400, 'VALIDATION_FAILED', '{}', json, 'type'),
    raw('__proto__ pollution', 400, 'MALFORMED_REQUEST', `{"__proto__": {"admin": true}, "type": "normal"}`),
    raw('deeply nested arrays', 400, 'VALIDATION_FAILED', `${'['.repeat(5000)}${']'.repeat(5000)}`, json, 'body'),
    raw('a 2 MB body', 413, 'PAYLOAD_TOO_LARGE', huge),
    raw('text/plain', 415, 'UNSUPPORTED_MEDIA_TYPE', JSON.stringify(base), 'text/plain'),
    raw('form-encoded', 415, 'UNSUPPORTED_MEDIA_TYPE', 'type=normal&title=x', 'application/x-www-form-urlencoded'),
    raw('multipart', 415, 'UNSUPPORTED_MEDIA_TYPE', '--b\r\n\r\nx\r\n--b--', 'multipart/form-data; boundary=b'),
    raw('XML', 415, 'UNSUPPORTED_MEDIA_TYPE', '<change/>', 'application/xml'),
  )
  return cases
}

async function send(item: BadCase) {
  if (item.raw) {
    return t.app.inject({
      method: 'POST',
      url: '/api/v1/changes',
      headers: { ...requester.headers, 'content-type': item.raw.contentType },
      payload: item.raw.payload,
    })
  }
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/changes',
    headers: requester.headers,
    payload: item.body as Body,
  })
}

describe('POST /changes with bad input', () => {
  it('answers every bad payload with the expected 4xx, the one error shape and the failing field named', async () => {
    const cases = buildCases()
    expect(cases.length).toBeGreaterThanOrEqual(200)
    const failures: string[] = []
    for (const item of cases) {
      const response = await send(item)
      let body: ErrorReply | undefined
      try {
        body = response.json() as ErrorReply
      } catch {
        body = undefined
      }
      const problems: string[] = []
      if (response.statusCode >= 500) problems.push('a 5xx')
      if (response.statusCode !== item.status) problems.push(`status ${response.statusCode}, expected ${item.status}`)
      const error = body?.error
      if (!error || typeof error.message !== 'string' || !error.message || typeof error.requestId !== 'string') {
        problems.push(`not the error shape: ${response.body.slice(0, 200)}`)
      } else {
        if (error.code !== item.code) problems.push(`code ${error.code}, expected ${item.code}`)
        if (error.requestId !== response.headers['x-request-id']) problems.push('requestId differs from x-request-id')
        if (item.path && !issuePaths(body as ErrorReply).includes(item.path)) {
          problems.push(`issues name ${JSON.stringify(issuePaths(body as ErrorReply))}, not ${item.path}`)
        }
      }
      if (problems.length > 0) failures.push(`${item.name}: ${problems.join('; ')}`)
    }
    expect(failures).toEqual([])
  })

  it('has written no change, no item, no assessment and no change audit event', async () => {
    const [changes, items, assessments, events] = await Promise.all([
      t.db.changeRequest.count(),
      t.db.changeItem.count(),
      t.db.riskAssessment.count(),
      t.db.auditEvent.count({ where: { action: { startsWith: 'change.' } } }),
    ])
    expect({ changes, items, assessments, events }).toEqual({ changes: 0, items: 0, assessments: 0, events: 0 })
  })

  it('still accepts the valid body it derives every case from', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/changes',
      headers: requester.headers,
      payload: validChangeBody(catalog),
    })
    expect(response.statusCode).toBe(201)
    expect(await t.db.changeRequest.count()).toBe(1)
  })
})
