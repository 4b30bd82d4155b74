// GET /metrics on the API: latency histograms by route pattern after real requests, queue depths
// read at scrape time, and who may scrape (loopback without a token, the bearer token with one).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedIn, type TestApp, startTestApp } from './support/app'
import { expectError } from './support/fixtures'

const TOKEN = 'metrics-token-for-the-test-0123456789'

describe('/metrics without a token', () => {
  let t: TestApp
  let user: SignedIn
  beforeAll(async () => {
    t = await startTestApp()
    user = await t.userWith(['requester'])
  })
  afterAll(async () => {
    await t?.close()
  })

  it('exposes request latency by route pattern, method and status, and the queue depths', async () => {
    await t.app.inject({ method: 'GET', url: '/api/v1/changes/CHG0999999', headers: user.headers })
    await t.app.inject({ method: 'GET', url: '/api/v1/changes/CHG0999998', headers: user.headers })
    await t.app.inject({ method: 'GET', url: '/api/v1/changes', headers: user.headers })
    await t.app.inject({ method: 'GET', url: '/no/such/path' })

    const response = await t.app.inject({ method: 'GET', url: '/metrics' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toContain('text/plain')
    const text = response.body
    // Two requests to two changes: one series under the pattern, never the raw URLs.
    expect(text).toContain(
      'cabinet_http_request_duration_seconds_count{method="GET",route="/api/v1/changes/:id",status_code="404"} 2',
    )
    expect(text).toContain(
      'cabinet_http_request_duration_seconds_count{method="GET",route="/api/v1/changes",status_code="200"} 1',
    )
    expect(text).toMatch(
      /cabinet_http_request_duration_seconds_bucket\{le="0.05",method="GET",route="\/api\/v1\/changes",status_code="200"\} \d/,
    )
    expect(text).toContain('route="unmatched",status_code="404"} 1')
    expect(text).not.toContain('CHG0999999')
    expect(text).not.toContain('/no/such/path')
    // Queue depths for every queue, read at scrape time.
    expect(text).toMatch(/cabinet_queue_jobs\{queue="maintenance",state="waiting"\} 0/)
    expect(text).toMatch(/cabinet_queue_jobs\{queue="reviews",state="delayed"\} 0/)
    await t.jobs.enqueue('reviews.remind-overdue', {})
    const later = await t.app.inject({ method: 'GET', url: '/metrics' })
    expect(later.body).toContain('cabinet_queue_jobs{queue="reviews",state="waiting"} 1')
    expect(later.body).toContain('cabinet_api_process_resident_memory_bytes')
  })

  it('answers loopback callers only', async () => {
    expectError(await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.1.2.3' }), 403, 'FORBIDDEN')
  })
})

describe('/metrics with METRICS_TOKEN', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await startTestApp({ env: { METRICS_TOKEN: TOKEN } })
  })
  afterAll(async () => {
    await t?.close()
  })

  it('needs the bearer token from any address, loopback included', async () => {
    expectError(await t.app.inject({ method: 'GET', url: '/metrics' }), 401, 'UNAUTHENTICATED')
    expectError(
      await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer wrong' } }),
      401,
      'UNAUTHENTICATED',
    )
    const remote = await t.app.inject({
      method: 'GET',
      url: '/metrics',
      remoteAddress: '10.1.2.3',
      headers: { authorization: `Bearer ${TOKEN}` },
    })
    expect(remote.statusCode).toBe(200)
    expect(remote.body).toContain('# TYPE cabinet_http_request_duration_seconds histogram')
  })
})
