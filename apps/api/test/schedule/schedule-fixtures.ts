// Helpers for the schedule tests: freezes and windows over HTTP, changes walked to a state, and
// the worker's schedule handlers run in-process with a producer that records what they enqueue.
import pino from 'pino'
import { expect } from 'vitest'
import { ChangeDetail, type JobName, type JobPayload, ScheduleRuleView } from '@cabinet/contracts'
import type { JobProducer } from '@cabinet/queue'
import { scheduleHandlers } from '../../../worker/src/jobs/schedule.jobs'
import type { SignedIn, TestApp } from '../support/app'
import { type Catalog, validChangeBody } from '../support/fixtures'

export const HOUR_MS = 3_600_000
export const DAY_MS = 86_400_000

/** `2026-12-04T02:00` for an instant, read in UTC: rules in these tests use the UTC zone. */
export const utcLocal = (date: Date) => date.toISOString().slice(0, 16)

export async function createRule(
  t: TestApp,
  user: SignedIn,
  kind: 'freezes' | 'windows',
  body: Record<string, unknown>,
): Promise<ScheduleRuleView> {
  const response = await t.app.inject({
    method: 'POST',
    url: `/api/v1/schedule/${kind}`,
    headers: user.headers,
    payload: body,
  })
  expect(response.statusCode, response.body).toBe(201)
  return ScheduleRuleView.parse(response.json())
}

export async function createChange(
  t: TestApp,
  user: SignedIn,
  catalog: Catalog,
  overrides: Parameters<typeof validChangeBody>[1] = {},
): Promise<ChangeDetail> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/changes',
    headers: user.headers,
    payload: validChangeBody(catalog, overrides),
  })
  expect(response.statusCode, response.body).toBe(201)
  return ChangeDetail.parse(response.json())
}

export function transition(t: TestApp, user: SignedIn, change: ChangeDetail, body: Record<string, unknown>) {
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/changes/${change.id}/transitions`,
    headers: user.headers,
    payload: { ...body, version: change.version },
  })
}

export async function step(t: TestApp, user: SignedIn, change: ChangeDetail, body: Record<string, unknown>) {
  const response = await transition(t, user, change, body)
  expect(response.statusCode, response.body).toBe(200)
  return ChangeDetail.parse(response.json())
}

/** What the worker's handlers enqueued while a test drove them. */
export function recordingJobs() {
  const enqueued: { name: JobName; payload: unknown }[] = []
  const jobs: JobProducer = {
    async enqueue(name, payload) {
      enqueued.push({ name, payload })
    },
    async enqueueBulk(name, list) {
      for (const job of list) enqueued.push({ name, payload: job.payload })
    },
    async counts() {
      return {}
    },
    async close() {},
  }
  return { jobs, enqueued }
}

/** Runs one schedule job as the worker would, then every evaluate-change it fans out to. */
export async function runScheduleJob<N extends keyof typeof scheduleHandlers>(
  t: TestApp,
  name: N,
  payload: JobPayload<N>,
  now = new Date(),
) {
  const { jobs, enqueued } = recordingJobs()
  const deps = { db: t.db, now: () => now, jobs, logger: pino({ level: 'silent' }) }
  const handler = scheduleHandlers[name] as (payload: JobPayload<N>, d: typeof deps) => Promise<unknown>
  const result = await handler(payload, deps)
  for (const job of enqueued.filter((job) => job.name === 'schedule.evaluate-change')) {
    await scheduleHandlers['schedule.evaluate-change'](job.payload as { changeId: string }, deps)
  }
  return { result, enqueued }
}
