// Seeds the demo organisation once: people, CAB groups, services, clusters, 48 simulated GPU nodes,
// and example changes in every state. A second run finds the organisation and changes nothing.
import { randomUUID } from 'node:crypto'
import pino from 'pino'
import { createJobProducer } from '@cabinet/queue'
import { buildApp, createRedis, readConfig, systemClock } from '@cabinet/api'
import type { ChangeDetail, SessionView } from '@cabinet/contracts'
import { appendAuditEvent, createDb } from '@cabinet/db'
import { hashPassword } from '../apps/api/src/modules/auth/passwords'
import { approveAllStages, DEMO_APPROVERS, seedApprovals } from './seed/approvals'
import { DEMO_CHANGES, type DemoIds } from './seed/changes'
import { DEMO_CLUSTERS, DEMO_GROUPS, DEMO_SERVICES, DEMO_USERS, seedFleetProbes } from './seed/fleet'
import { reviewBeforeClose, seedHistory } from './seed/history'
import { seedMeetings } from './seed/meetings'
import { seedSchedule } from './seed/schedule'
import { seedTemplates } from './seed/templates'

const progress = (step: number, total: number, what: string) => console.log(`[seed ${step}/${total}] ${what}`)

const config = readConfig({ ...process.env, LOG_LEVEL: 'warn', LOGIN_RATE_LIMIT_PER_MINUTE: '1000' })
const password = process.env.CABINET_DEMO_PASSWORD || 'cabinet-demo'
const db = createDb({ connectionString: config.DATABASE_URL, maxConnections: 4 })

async function seedCatalog() {
  const passwordHash = await hashPassword(password)
  const now = new Date()
  await db.$transaction(async (tx) => {
    for (const user of DEMO_USERS) await tx.user.create({ data: { ...user, passwordHash } })
    const users = new Map((await tx.user.findMany()).map((u) => [u.email, u.id]))
    for (const group of DEMO_GROUPS) {
      await tx.group.create({
        data: {
          name: group.name,
          kind: group.kind,
          description: group.description,
          members: { create: group.members.map((email) => ({ userId: users.get(email) as string })) },
        },
      })
    }
    const groups = new Map((await tx.group.findMany()).map((g) => [g.name, g.id]))
    for (const cluster of DEMO_CLUSTERS) {
      const created = await tx.cluster.create({
        data: {
          name: cluster.name,
          region: cluster.region,
          description: cluster.description,
          cudaVersions: cluster.cudaVersions,
        },
      })
      await tx.node.createMany({
        data: cluster.nodes.flatMap((pool) =>
          Array.from({ length: pool.count }, (_, index) => ({
            hostname: `${pool.prefix}-${String(index + 1).padStart(2, '0')}`,
            clusterId: created.id,
            gpuModel: pool.gpuModel,
            gpuCount: pool.gpuCount,
            driverVersion: pool.driver,
            cudaVersion: pool.cuda,
            transport: 'simulated' as const,
            scheduler: pool.scheduler,
          })),
        ),
      })
    }
    const clusters = new Map((await tx.cluster.findMany()).map((c) => [c.name, c.id]))
    for (const service of DEMO_SERVICES) {
      await tx.service.create({
        data: {
          name: service.name,
          description: service.description,
          criticality: service.criticality,
          userCount: service.userCount,
          ownerGroupId: groups.get(service.owner) ?? null,
          clusters: { create: service.clusters.map((name) => ({ clusterId: clusters.get(name) as string })) },
        },
      })
    }
    await seedApprovals(tx, passwordHash)
    await seedTemplates(tx, now)
    await appendAuditEvent(tx, {
      actor: { id: null, name: 'seed' },
      action: 'demo.seeded',
      entityType: 'organisation',
      entityId: 'demo',
      after: {
        users: DEMO_USERS.length,
        groups: DEMO_GROUPS.length,
        clusters: DEMO_CLUSTERS.length,
        nodes: DEMO_CLUSTERS.flatMap((c) => c.nodes).reduce((sum, pool) => sum + pool.count, 0),
        services: DEMO_SERVICES.length,
      },
      at: now,
    })
  })
}

async function seedChanges() {
  const redis = createRedis(config.REDIS_URL, 'cabinet-seed')
  const jobs = createJobProducer({ connection: redis, prefix: config.REDIS_PREFIX })
  const app = await buildApp({ config, db, redis, clock: systemClock, logger: pino({ level: 'warn' }), jobs })
  try {
    const sessions = new Map<string, { cookie: string; 'x-csrf-token': string }>()
    for (const user of [...DEMO_USERS, ...DEMO_APPROVERS]) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: user.email, password },
      })
      if (response.statusCode !== 200) throw new Error(`demo sign-in failed for ${user.email}: ${response.body}`)
      const cookie = response.cookies.find((c) => c.name === 'cabinet_session')?.value
      sessions.set(user.email, {
        cookie: `cabinet_session=${cookie}`,
        'x-csrf-token': (response.json() as SessionView).csrfToken,
      })
    }
    const [users, services, clusters, nodes] = await Promise.all([
      db.user.findMany(),
      db.service.findMany(),
      db.cluster.findMany(),
      db.node.findMany({ orderBy: { hostname: 'asc' } }),
    ])
    const must = (value: string | undefined, what: string) => {
      if (!value) throw new Error(`seed data has no ${what}`)
      return value
    }
    const ids: DemoIds = {
      user: (email) => must(users.find((u) => u.email === email)?.id, email),
      service: (name) => must(services.find((s) => s.name === name)?.id, name),
      cluster: (name) => must(clusters.find((c) => c.name === name)?.id, name),
      nodes: (prefix, count = 1) =>
        nodes
          .filter((n) => n.hostname.startsWith(prefix))
          .slice(0, count)
          .map((n) => ({ kind: 'node' as const, id: n.id })),
    }
    const today = new Date()
    const at = (days: number, hour = 9) =>
      new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + days, hour)).toISOString()

    for (const [index, demo] of DEMO_CHANGES.entries()) {
      const headers = { ...sessions.get(demo.as), 'x-request-id': `seed-${randomUUID()}` }
      const created = await app.inject({ method: 'POST', url: '/api/v1/changes', headers, payload: demo.body(ids, at) })
      if (created.statusCode !== 201) throw new Error(`seeding a change failed: ${created.body}`)
      let change = created.json() as ChangeDetail
      for (const next of demo.steps) {
        if ('approveAllStages' in next) {
          const reader = sessions.get('manager@example.com')
          if (!reader) throw new Error('seed has no change manager session')
          const sessionOf = (userId: string) => sessions.get(users.find((u) => u.id === userId)?.email ?? '')
          change = await approveAllStages(app, change.id, reader, sessionOf)
          continue
        }
        const { as, ...step } = next
        if (step.event === 'close' && step.closeCode) {
          change = await reviewBeforeClose(app, sessions.get('manager@example.com'), change, step.closeCode)
        }
        const moved = await app.inject({
          method: 'POST',
          url: `/api/v1/changes/${change.id}/transitions`,
          headers: { ...sessions.get(as) },
          payload: { ...step, version: change.version },
        })
        if (moved.statusCode !== 200) throw new Error(`seeding ${change.number} ${step.event} failed: ${moved.body}`)
        change = moved.json() as ChangeDetail
      }
      progress(3, 3, `change ${index + 1}/${DEMO_CHANGES.length}: ${change.number} ${change.state} · ${change.title}`)
    }
  } finally {
    await app.close()
    await jobs.close()
    await redis.quit()
  }
}

try {
  if (await db.user.findUnique({ where: { email: 'admin@example.com' } })) {
    console.log('[seed] the demo organisation is already there: nothing to do')
    // A demo seeded before the fleet existed: give its simulated nodes their simulator and a first probe.
    await seedFleetProbes(db, (line) => console.log(`[seed] ${line}`))
  } else {
    progress(1, 3, 'people, CAB groups, services, 3 clusters, 48 GPU nodes')
    await seedCatalog()
    progress(2, 3, 'example changes in every state')
    await seedChanges()
    const schedule = await seedSchedule(db)
    console.log(
      `[seed] ${schedule.rules} freezes and windows; conflicts of ${schedule.evaluated} open changes evaluated`,
    )
    const meeting = await seedMeetings(db)
    console.log(
      `[seed] a CAB meeting tomorrow: ${meeting.attendees} attendees, ${meeting.agenda} changes on its agenda`,
    )
    // Every node a simulated GPU host, probed once so the fleet page shows real results at once.
    await seedFleetProbes(db, (line) => console.log(`[seed] ${line}`))
    console.log(`[seed] ${await seedHistory(db)} changes of synthetic history over 26 weeks, for the KPI dashboard`)
    console.log('[seed] done')
  }
} finally {
  await db.$disconnect()
}
