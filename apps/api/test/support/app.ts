// A real API over a private database and a Redis key prefix, plus helpers to make users and sign in.
import { randomBytes } from 'node:crypto'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import pino from 'pino'
import { createJobProducer, type JobProducer } from '@cabinet/queue'
import type { Role } from '@cabinet/contracts'
import { buildApp } from '../../src/app'
import { readConfig } from '../../src/config/env'
import type { Clock } from '../../src/infra/clock'
import { createRedis } from '../../src/infra/redis'
import { hashPassword } from '../../src/modules/auth/passwords'
import { createTestDatabase, type TestDatabase } from './database'
import { testRedisUrl } from './test-env'

export const TEST_PASSWORD = 'correct horse battery staple'
let passwordHash: Promise<string> | undefined

export interface SignedIn {
  userId: string
  email: string
  /** Headers for app.inject: the session cookie and the CSRF token. */
  headers: { cookie: string; 'x-csrf-token': string }
}

export interface TestApp {
  app: FastifyInstance
  database: TestDatabase
  db: TestDatabase['db']
  /** The producer the app enqueues through, on this test's Redis prefix. */
  jobs: JobProducer
  /** The Redis key prefix this app's queues and keys live under. */
  prefix: string
  createUser(roles: Role[], name?: string): Promise<{ id: string; email: string }>
  signIn(email: string, password?: string): Promise<SignedIn>
  /** Creates a user with these roles and signs them in. */
  userWith(roles: Role[], name?: string): Promise<SignedIn>
  close(): Promise<void>
}

export interface TestAppOptions {
  clock?: Clock
  env?: Record<string, string>
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase()
  const prefix = `test:${randomBytes(4).toString('hex')}`
  const config = readConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    REDIS_URL: testRedisUrl(),
    REDIS_PREFIX: prefix,
    LOG_LEVEL: 'silent',
    LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
    ...options.env,
  })
  const redis = createRedis(config.REDIS_URL, `${prefix}-api`)
  const jobs = createJobProducer({ connection: redis, prefix })
  const app = await buildApp({
    config,
    db: database.db,
    redis,
    clock: options.clock ?? { now: () => new Date() },
    logger: pino({ level: 'silent' }),
    jobs,
  })
  await app.ready()

  let counter = 0
  async function createUser(roles: Role[], name?: string) {
    passwordHash ??= hashPassword(TEST_PASSWORD)
    counter += 1
    const email = `user${counter}-${randomBytes(3).toString('hex')}@test.example`
    const user = await database.db.user.create({
      data: { email, name: name ?? `${roles.join('+')} ${counter}`, passwordHash: await passwordHash, roles },
    })
    return { id: user.id, email }
  }

  async function signIn(email: string, password = TEST_PASSWORD): Promise<SignedIn> {
    const response = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } })
    if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.statusCode} ${response.body}`)
    const cookie = sessionCookie(response)
    const body = response.json() as { user: { id: string }; csrfToken: string }
    return { userId: body.user.id, email, headers: { cookie, 'x-csrf-token': body.csrfToken } }
  }

  return {
    app,
    database,
    db: database.db,
    jobs,
    prefix,
    createUser,
    signIn,
    async userWith(roles, name) {
      const user = await createUser(roles, name)
      return signIn(user.email)
    },
    async close() {
      await app.close()
      await jobs.close()
      await redis.quit()
      await database.drop()
    },
  }
}

export function sessionCookie(response: LightMyRequestResponse): string {
  const cookie = response.cookies.find((c) => c.name === 'cabinet_session')
  if (!cookie) throw new Error('no session cookie in the response')
  return `cabinet_session=${cookie.value}`
}
