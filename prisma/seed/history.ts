// Six months of synthetic change history for the KPI dashboard: a few hundred closed changes with
// realistic outcomes (riskier changes fail more; the fleet gets better over time), their reviews and
// action items, and the audit events the KPIs read (authorization, implementation, close, rollback).
// Rows are written directly in one transaction (createMany); the audit events go through
// appendAuditEvent, so the chain stays valid. Deterministic: the same seed gives the same history.
import type { ChangeDetail, CloseCode, ReviewView } from '@cabinet/contracts'
import type { AuditEventInput, Db, Prisma } from '@cabinet/db'
import { appendInBulk } from './history-audit'

const DAY = 86_400_000
const HOUR = 3_600_000

/** The slice of a Fastify app the seed talks to (prisma/ does not depend on fastify itself). */
interface Reply {
  statusCode: number
  body: string
  json(): unknown
}
interface Injector {
  inject(options: {
    method: 'GET' | 'POST' | 'PATCH'
    url: string
    headers: Record<string, string>
    payload?: unknown
  }): Promise<Reply>
}
const WEEKS = 26
const PER_WEEK = 14

/** mulberry32: small, fast, and the same sequence for the same seed. */
function random(seed: number) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

const KINDS = [
  { category: 'infrastructure', subcategory: 'gpu-driver', title: 'NVIDIA driver upgrade on' },
  { category: 'infrastructure', subcategory: 'gpu-firmware', title: 'GPU firmware update on' },
  { category: 'infrastructure', subcategory: 'coolant-maintenance', title: 'Coolant loop service for' },
  { category: 'software', subcategory: 'cuda', title: 'CUDA toolkit update on' },
  { category: 'software', subcategory: 'framework', title: 'PyTorch and NCCL upgrade on' },
  { category: 'software', subcategory: 'scheduler', title: 'Slurm configuration change on' },
  { category: 'configuration', subcategory: 'network', title: 'InfiniBand fabric settings on' },
  { category: 'configuration', subcategory: 'os-kernel', title: 'Kernel parameters tuning on' },
  { category: 'model', subcategory: 'model-deployment', title: 'Model rollout to' },
  { category: 'security', subcategory: 'access-control', title: 'Access policy update on' },
] as const

const RISKS: readonly [Risk, ...Risk[]] = [
  { level: 'low', probability: 1, impact: 3, weight: 0.45, failure: 0.04 },
  { level: 'moderate', probability: 2, impact: 4, weight: 0.32, failure: 0.09 },
  { level: 'high', probability: 3, impact: 4, weight: 0.17, failure: 0.16 },
  { level: 'critical', probability: 4, impact: 5, weight: 0.06, failure: 0.25 },
]

const REQUESTERS = [
  'requester@example.com',
  'oncall@example.com',
  'manager@example.com',
  'cab@example.com',
  'admin@example.com',
]
const CAUSES = [
  'The driver package pulled a newer kernel module than the one validated in staging.',
  'Two nodes had a stale firmware image cached on the BMC.',
  'The rollout batch was larger than the maintenance window allowed.',
  'NCCL picked the wrong network interface after the fabric change.',
  'A dependency pinned in the image was not pinned in the job environment.',
]
const LESSONS = [
  'Validate on a canary node of every GPU model before the first batch.',
  'Add the DCGM level 2 diagnostic to the gate for firmware changes.',
  'Keep the previous package in the local mirror until the change closes.',
  'Rehearse the rollback on the real image, not the staging one.',
]
const ACTIONS = [
  'Add a pre-flight check for the kernel module version',
  'Pin the firmware image by checksum in the rollout plan',
  'Document the rollback steps in the runbook',
  'Extend the canary to one node per GPU model',
  'Alert on NCCL interface selection at job start',
]

interface Risk {
  level: 'low' | 'moderate' | 'high' | 'critical'
  probability: number
  impact: number
  weight: number
  /** Chance of failing or rolling back at the start of the history. */
  failure: number
}

/** The entry whose cumulative weight first reaches `draw` (0..1). */
function weighted<T extends { weight: number }>(entries: readonly [T, ...T[]], draw: number): T {
  let cumulative = 0
  for (const entry of entries) {
    cumulative += entry.weight
    if (draw <= cumulative) return entry
  }
  return entries[0]
}

interface Planned {
  id: string
  type: 'standard' | 'normal' | 'emergency'
  submittedAt: Date
  authorizeEnteredAt: Date | null
  authorizedAt: Date | null
  startedAt: Date
  implementedAt: Date
  closedAt: Date | null
  closeCode: CloseCode | null
  requesterId: string
  number: string
}

/** Writes the history; returns how many changes it wrote. Needs the demo users and clusters. */
export async function seedHistory(db: Db, now = new Date()): Promise<number> {
  const next = random(20_261_127)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T
  const users = new Map((await db.user.findMany({ select: { id: true, email: true } })).map((u) => [u.email, u.id]))
  const clusters = await db.cluster.findMany({ select: { id: true, name: true } })
  const implementerId = users.get('oncall@example.com') ?? null
  const managerId = users.get('manager@example.com') ?? null
  const total = WEEKS * PER_WEEK + 4
  const numbers = await db.$queryRaw<{ value: bigint }[]>`
    SELECT nextval('change_number_seq') AS value FROM generate_series(1, ${total}::int)`

  const changes: Prisma.ChangeRequestCreateManyInput[] = []
  const items: Prisma.ChangeItemCreateManyInput[] = []
  const assessments: Prisma.RiskAssessmentCreateManyInput[] = []
  const reviews: Prisma.ChangeReviewCreateManyInput[] = []
  const actionItems: Prisma.ReviewActionItemCreateManyInput[] = []
  const planned: Planned[] = []

  for (let index = 0; index < total; index += 1) {
    const recentOpen = index >= WEEKS * PER_WEEK // the last four: emergency changes still in review
    const age = recentOpen ? 2 + (index % 4) * 2 : (1 - index / (WEEKS * PER_WEEK)) * WEEKS * 7 + 3
    const kind = pick(KINDS)
    const cluster = pick(clusters)
    const risk = weighted(RISKS, next())
    const roll = next()
    const type = recentOpen || roll < 0.08 ? 'emergency' : roll < 0.33 ? 'standard' : 'normal'
    const requesterId = users.get(pick(REQUESTERS)) as string
    const submittedAt = new Date(now.getTime() - age * DAY + Math.floor(next() * 10) * HOUR)
    // Hours waiting for authorization: long-tailed for normal changes, short for the ECAB.
    const approvalHours = type === 'emergency' ? 0.5 + next() * 3 : 2 + next() ** 2 * 90
    const authorizeEnteredAt =
      type === 'standard' ? null : new Date(submittedAt.getTime() + (type === 'normal' ? 2 * HOUR : 0))
    const authorizedAt = authorizeEnteredAt ? new Date(authorizeEnteredAt.getTime() + approvalHours * HOUR) : null
    const waitDays =
      type === 'emergency' ? next() * 0.3 : type === 'standard' ? 0.5 + next() * 4 : 1 + next() ** 1.5 * 14
    const startedAt = new Date((authorizedAt ?? submittedAt).getTime() + waitDays * DAY)
    const implementedAt = new Date(startedAt.getTime() + (1 + next() * 6) * HOUR)
    // Failures get rarer over the six months: the fleet learns.
    const trend = recentOpen ? 1 : 1.6 - 0.8 * (index / (WEEKS * PER_WEEK))
    const outcome = next()
    const failure = risk.failure * trend
    const closeCode: CloseCode | null = recentOpen
      ? null
      : outcome < failure * 0.55
        ? 'failed'
        : outcome < failure
          ? 'rolled_back'
          : outcome < failure + 0.09
            ? 'successful_with_issues'
            : 'successful'
    const troubled = closeCode === 'failed' || closeCode === 'rolled_back'
    const closedAt = closeCode
      ? new Date(implementedAt.getTime() + (troubled ? 3 + next() * 40 : 2 + next() * 30) * HOUR)
      : null
    const id = crypto.randomUUID()
    const number = `CHG${String(numbers[index]?.value ?? 0n).padStart(7, '0')}`
    const needsReview = type === 'emergency' || troubled || next() < 0.1
    changes.push({
      id,
      number,
      type,
      category: kind.category,
      subcategory: kind.subcategory,
      title: `${kind.title} ${cluster.name}`,
      description: `Synthetic history: ${kind.title.toLowerCase()} ${cluster.name}.`,
      justification: 'Keeps the fleet on supported, patched versions.',
      plannedStart: startedAt,
      plannedEnd: new Date(implementedAt.getTime() + HOUR),
      requesterId,
      implementerId,
      implementationPlan: 'Drain, apply, validate with DCGM, resume, batch by batch.',
      testEvidence: 'Staging run passed.',
      rollbackPlan: 'Reinstall the previous version from the local mirror.',
      riskQuestionnaire: {
        experience: pick(['routine', 'done-before', 'first-time'] as const),
        automation: pick(['automated', 'partly-automated', 'manual'] as const),
        testedInStaging: next() < 0.8,
        rollbackTested: next() < 0.7,
        requiresDowntime: next() < 0.3,
        userVisible: next() < 0.2,
      },
      state: closeCode ? 'closed' : 'review',
      riskLevel: risk.level,
      riskScore: risk.probability * risk.impact,
      closeCode,
      reviewRequired: needsReview,
      reviewCompleted: needsReview && !recentOpen,
      version: 7,
      createdAt: submittedAt,
      submittedAt,
      implementedAt,
      closedAt,
    })
    items.push({ changeId: id, kind: 'cluster', itemId: cluster.id })
    assessments.push({
      changeId: id,
      revision: 1,
      probability: risk.probability,
      impact: risk.impact,
      score: risk.probability * risk.impact,
      level: risk.level,
      computedLevel: risk.level,
      reasons: [],
      inputs: { synthetic: true },
      createdAt: submittedAt,
    })
    if (needsReview) {
      const reviewId = crypto.randomUUID()
      const incidents = troubled
        ? Math.floor(next() * 3)
        : closeCode === 'successful_with_issues' && next() < 0.3
          ? 1
          : 0
      reviews.push({
        id: reviewId,
        changeId: id,
        reason: type === 'emergency' ? 'emergency' : troubled ? (closeCode as string) : 'sampled',
        status: recentOpen ? 'open' : 'completed',
        reviewerId: managerId,
        dueAt: new Date(implementedAt.getTime() + 5 * DAY),
        outcome: closeCode,
        successCriteriaMet: closeCode ? !troubled : null,
        rootCause: troubled || closeCode === 'successful_with_issues' ? pick(CAUSES) : '',
        lessonsLearned: recentOpen ? '' : pick(LESSONS),
        incidentsCaused: incidents,
        incidentRefs: Array.from({ length: incidents }, (_, n) => `INC${String(index * 10 + n).padStart(6, '0')}`),
        completedAt: recentOpen ? null : closedAt,
        completedById: recentOpen ? null : managerId,
        createdAt: implementedAt,
        updatedAt: closedAt ?? implementedAt,
      })
      const actionCount = troubled || recentOpen ? 1 + Math.floor(next() * 2) : 0
      for (let n = 0; n < actionCount; n += 1) {
        const dueAt = new Date(implementedAt.getTime() + (7 + next() * 21) * DAY)
        const done = dueAt.getTime() < now.getTime() - 3 * DAY && next() < 0.8
        actionItems.push({
          reviewId,
          title: pick(ACTIONS),
          ownerId: users.get(pick(REQUESTERS)) ?? null,
          dueAt,
          status: done ? 'done' : 'open',
          doneAt: done ? new Date(dueAt.getTime() - next() * 3 * DAY) : null,
          createdAt: implementedAt,
          updatedAt: implementedAt,
        })
      }
    }
    planned.push({
      id,
      type,
      submittedAt,
      authorizeEnteredAt,
      authorizedAt,
      startedAt,
      implementedAt,
      closedAt,
      closeCode,
      requesterId,
      number,
    })
  }

  await db.$transaction(
    async (tx) => {
      await tx.changeRequest.createMany({ data: changes })
      await tx.changeItem.createMany({ data: items })
      await tx.riskAssessment.createMany({ data: assessments })
      await tx.changeReview.createMany({ data: reviews })
      await tx.reviewActionItem.createMany({ data: actionItems })
      // The events the KPIs read, in time order, so the chain reads as the history happened.
      const events = planned.flatMap((change) => historyEvents(change)).sort((a, b) => a.at.getTime() - b.at.getTime())
      await appendInBulk(tx, events)
    },
    { timeout: 120_000 },
  )
  return changes.length
}

function historyEvents(change: Planned): AuditEventInput[] {
  const base = {
    actor: { id: null, name: 'history seed' },
    entityType: 'change',
    entityId: change.id,
    changeId: change.id,
  }
  const event = (action: string, at: Date, state: string, extra: Record<string, unknown> = {}) => ({
    ...base,
    action,
    at,
    after: { number: change.number, state, ...extra, synthetic: true },
  })
  const events: AuditEventInput[] = []
  if (change.type === 'normal') {
    events.push(event('change.submit', change.submittedAt, 'assess'))
    if (change.authorizeEnteredAt)
      events.push(event('change.request_authorization', change.authorizeEnteredAt, 'authorize'))
  } else {
    events.push(event('change.submit', change.submittedAt, change.type === 'emergency' ? 'authorize' : 'scheduled'))
  }
  if (change.authorizedAt) {
    events.push(event('change.authorize', change.authorizedAt, change.type === 'emergency' ? 'implement' : 'scheduled'))
  }
  events.push(event('change.start_implementation', change.startedAt, 'implement'))
  events.push(event('change.complete_implementation', change.implementedAt, 'review'))
  if (change.closeCode === 'rolled_back' && change.closedAt) {
    const rolledBackAt = new Date(
      change.implementedAt.getTime() + (change.closedAt.getTime() - change.implementedAt.getTime()) / 3,
    )
    events.push({
      ...base,
      action: 'rollout.rolled_back',
      at: rolledBackAt,
      after: { number: change.number, synthetic: true },
    })
  }
  if (change.closedAt && change.closeCode) {
    events.push(event('change.close', change.closedAt, 'closed', { closeCode: change.closeCode }))
  }
  return events
}

/**
 * A demo change closed as failed or rolled back needs a completed review first (and so does one whose
 * review is required): the change manager starts it if needed, records it and completes it through the API.
 */
export async function reviewBeforeClose(
  app: Injector,
  managerHeaders: Record<string, string> | undefined,
  change: ChangeDetail,
  closeCode: CloseCode,
): Promise<ChangeDetail> {
  if (!change.reviewRequired && closeCode !== 'failed' && closeCode !== 'rolled_back') return change
  if (!managerHeaders) throw new Error('seed has no change manager session to review with')
  const headers = managerHeaders
  const url = `/api/v1/changes/${change.id}/review`
  const expect = (response: Reply, status: number, what: string) => {
    if (response.statusCode !== status)
      throw new Error(`seeding the review of ${change.number} (${what}) failed: ${response.body}`)
    return response.json()
  }
  const existing = await app.inject({ method: 'GET', url, headers })
  let review = (
    existing.statusCode === 404
      ? expect(await app.inject({ method: 'POST', url, headers, payload: {} }), 201, 'start')
      : expect(existing, 200, 'read')
  ) as ReviewView
  review = expect(
    await app.inject({
      method: 'PATCH',
      url,
      headers,
      payload: {
        version: review.version,
        outcome: closeCode,
        successCriteriaMet: closeCode === 'successful',
        rootCause:
          closeCode === 'successful' ? '' : 'XID 79 after the reboot: the node fell off the bus on the new branch.',
        lessonsLearned: 'Trial new driver branches on one node per GPU model before a pair.',
      },
    }),
    200,
    'record',
  ) as ReviewView
  expect(
    await app.inject({ method: 'POST', url: `${url}/complete`, headers, payload: { version: review.version } }),
    200,
    'complete',
  )
  return expect(
    await app.inject({ method: 'GET', url: `/api/v1/changes/${change.id}`, headers }),
    200,
    'reload',
  ) as ChangeDetail
}
