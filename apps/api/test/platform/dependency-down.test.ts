// The API while Redis is unreachable: readiness says so, and requests that need Redis fail fast
// with 503 instead of hanging until it returns.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import type { Redis } from 'ioredis'
import pino from 'pino'
import { createJobProducer } from '@cabinet/queue'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app'
import { readConfig } from '../../src/config/env'
import { createRedis } from '../../src/infra/redis'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { expectError } from '../support/fixtures'

/** Port 1 on loopback: nothing listens there, so every connection is refused. */
const DEAD_REDIS_URL = 'redis://127.0.0.1:1'

let database: TestDatabase
let redis: Redis
let app: FastifyInstance

beforeAll(async () => {
  database = await createTestDatabase()
  const config = readConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    REDIS_URL: DEAD_REDIS_URL,
    LOG_LEVEL: 'silent',
  })
  redis = createRedis(config.REDIS_URL, 'dependency-down-test')
  // Connection errors are expected here; without a listener ioredis prints each one.
  redis.on('error', () => {})
  app = await buildApp({
    config,
    db: database.db,
    redis,
    clock: { now: () => new Date() },
    logger: pino({ level: 'silent' }),
    jobs: createJobProducer({ connection: redis, prefix: 'dependency-down' }),
  })
  await app.ready()
})

afterAll(async () => {
  await app?.close()
  redis?.disconnect()
  await database?.drop()
})

/** The reply, or 'no answer' when the API is still silent after `ms`. */
async function within(ms: number, request: Promise<LightMyRequestResponse>) {
  let timer: NodeJS.Timeout | undefined
  const silence = new Promise<'no answer'>((resolve) => {
    timer = setTimeout(() => resolve('no answer'), ms)
  })
  try {
    return await Promise.race([request, silence])
  } finally {
    clearTimeout(timer)
  }
}

describe('with Redis unreachable', () => {
  it('answers /readyz with 503, Postgres up and Redis down, within a few seconds', async () => {
    const response = await within(5_000, app.inject({ method: 'GET', url: '/readyz' }))
    expect(response).not.toBe('no answer')
    const reply = response as LightMyRequestResponse
    expect(reply.statusCode).toBe(503)
    expect(reply.json()).toEqual({ status: 'degraded', checks: { postgres: 'up', redis: 'down' } })
  })

  it('answers a sign-in (rate-limited through Redis) with 503 UNAVAILABLE instead of hanging', async () => {
    const response = await within(
      5_000,
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'nobody@test.example', password: 'whatever' },
      }),
    )
    expect(response).not.toBe('no answer')
    expectError(response as LightMyRequestResponse, 503, 'UNAVAILABLE')
  })
})
