// Freezes and maintenance windows: create, edit (with the version last read), delete, list. Each
// write validates the recurrence and the scope, rewrites the rule's occurrences over the horizon,
// records its audit event in the same transaction, then asks the worker to re-evaluate the changes
// the rule covers (or covered).
import type {
  ConfigItemRef,
  ScheduleRuleBody,
  ScheduleRuleKind,
  ScheduleRulePatch,
  ScheduleRuleView,
} from '@cabinet/contracts'
import { ScheduleRuleBody as RuleBodySchema } from '@cabinet/contracts'
import type { Db, DbOrTx } from '@cabinet/db'
import { expandRecurrence, recurrenceIssues } from '@cabinet/domain'
import type { JobProducer } from '@cabinet/queue'
import { jobId } from '@cabinet/queue'
import { recordAudit } from '../../http/audit'
import { AppError, notFound, staleVersion } from '../../http/errors'
import type { RequestContext } from '../../http/request-context'
import type { ConfigItemService } from '../catalog/config-items.service'
import { changesTouchedByRule } from './conflict-store'
import { writeOccurrences } from './occurrences'

type RuleInput = ReturnType<typeof RuleBodySchema.parse>
const ruleInclude = { items: { select: { kind: true, itemId: true } } } as const
type RuleRow = NonNullable<Awaited<ReturnType<typeof findRule>>>

function findRule(db: DbOrTx, id: string, kind: ScheduleRuleKind) {
  return db.scheduleRule.findFirst({ where: { id, kind }, include: ruleInclude })
}

const SCOPE_KIND = { services: 'service', clusters: 'cluster', nodes: 'node' } as const

function invalid(issues: { path: string; message: string }[]): AppError {
  return new AppError('VALIDATION_FAILED', issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '), {
    details: { issues },
  })
}

export function createRulesService(deps: { db: Db; configItems: ConfigItemService; jobs: JobProducer }) {
  const { db, configItems, jobs } = deps

  async function validate(input: RuleInput): Promise<void> {
    const issues: { path: string; message: string }[] = recurrenceIssues(input).map((issue) => ({ ...issue }))
    if (input.scope === 'categories' && input.categories.length === 0) {
      issues.push({ path: 'categories', message: 'a categories scope names at least one category' })
    }
    if (input.scope in SCOPE_KIND) {
      const kind = SCOPE_KIND[input.scope as keyof typeof SCOPE_KIND]
      if (input.items.length === 0)
        issues.push({ path: 'items', message: `a ${input.scope} scope names at least one ${kind}` })
      input.items.forEach((item, index) => {
        if (item.kind !== kind)
          issues.push({ path: `items.${index}.kind`, message: `must be ${kind} in a ${input.scope} scope` })
      })
    } else if (input.items.length > 0) {
      issues.push({ path: 'items', message: `a ${input.scope} scope takes no items` })
    }
    if (issues.length > 0) throw invalid(issues)
    await configItems.resolve(input.items, 'items')
  }

  async function view(rule: RuleRow, now: Date): Promise<ScheduleRuleView> {
    const items = await configItems.describe(rule.items.map((item) => ({ kind: item.kind, id: item.itemId })))
    const upcoming = expandRecurrence(rule, now, new Date(now.getTime() + 400 * 86_400_000)).slice(0, 5)
    return {
      id: rule.id,
      kind: rule.kind,
      name: rule.name,
      reason: rule.reason,
      start: rule.start,
      timeZone: rule.timeZone,
      durationMinutes: rule.durationMinutes,
      rrule: rule.rrule,
      exceptions: rule.exceptions,
      scope: rule.scope,
      items: items.map((item) => ({ kind: item.kind, id: item.id, name: item.name })),
      categories: rule.categories,
      overrideRoles: rule.overrideRoles,
      active: rule.active,
      upcoming: upcoming.map((interval) => ({ start: interval.start.toISOString(), end: interval.end.toISOString() })),
      version: rule.version,
      createdAt: rule.createdAt.toISOString(),
      updatedAt: rule.updatedAt.toISOString(),
    }
  }

  async function fanOut(ruleId: string, at: Date) {
    await jobs.enqueue('schedule.rule-changed', { ruleId }, { jobId: jobId('schedule-rule', ruleId, at.getTime()) })
  }

  const fields = (input: RuleInput, kind: ScheduleRuleKind) => ({
    name: input.name,
    reason: input.reason,
    start: input.start,
    timeZone: input.timeZone,
    durationMinutes: input.durationMinutes,
    rrule: input.rrule,
    exceptions: input.exceptions,
    scope: input.scope,
    categories: input.scope === 'categories' ? input.categories : [],
    overrideRoles: kind === 'freeze' ? input.overrideRoles : [],
    active: input.active,
  })
  const itemRows = (ruleId: string, items: ConfigItemRef[]) =>
    [...new Map(items.map((item) => [`${item.kind}:${item.id}`, item])).values()].map((item) => ({
      ruleId,
      kind: item.kind,
      itemId: item.id,
    }))

  async function create(
    ctx: RequestContext,
    kind: ScheduleRuleKind,
    body: ScheduleRuleBody,
  ): Promise<ScheduleRuleView> {
    const input = RuleBodySchema.parse(body)
    await validate(input)
    const rule = await db.$transaction(async (tx) => {
      const created = await tx.scheduleRule.create({
        data: { kind, ...fields(input, kind), createdById: ctx.actor.id },
      })
      if (input.items.length > 0) await tx.scheduleRuleItem.createMany({ data: itemRows(created.id, input.items) })
      const occurrences = await writeOccurrences(tx, created, ctx.now)
      const row = (await findRule(tx, created.id, kind)) as RuleRow
      await recordAudit(tx, ctx, {
        action: `${kind}.created`,
        entityType: kind,
        entityId: created.id,
        after: { ...auditSnapshot(row), occurrences },
      })
      return row
    })
    await fanOut(rule.id, ctx.now)
    return view(rule, ctx.now)
  }

  async function update(ctx: RequestContext, kind: ScheduleRuleKind, id: string, patch: ScheduleRulePatch) {
    const before = await findRule(db, id, kind)
    if (!before) throw notFound(kind, id)
    const { version, ...changes } = patch
    const merged = RuleBodySchema.parse({
      ...auditSnapshot(before),
      items: before.items.map((item) => ({ kind: item.kind, id: item.itemId })),
      ...Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)),
    })
    await validate(merged)
    const rule = await db.$transaction(async (tx) => {
      const written = await tx.scheduleRule.updateMany({
        where: { id, kind, version },
        data: { ...fields(merged, kind), version: { increment: 1 } },
      })
      if (written.count !== 1) throw staleVersion(`${kind} ${before.name}`)
      await tx.scheduleRuleItem.deleteMany({ where: { ruleId: id } })
      if (merged.items.length > 0) await tx.scheduleRuleItem.createMany({ data: itemRows(id, merged.items) })
      const row = (await findRule(tx, id, kind)) as RuleRow
      const occurrences = await writeOccurrences(tx, row, ctx.now)
      await recordAudit(tx, ctx, {
        action: `${kind}.updated`,
        entityType: kind,
        entityId: id,
        before: auditSnapshot(before),
        after: { ...auditSnapshot(row), occurrences },
      })
      return row
    })
    await fanOut(id, ctx.now)
    return view(rule, ctx.now)
  }

  async function remove(ctx: RequestContext, kind: ScheduleRuleKind, id: string, version: number): Promise<void> {
    const touched = await db.$transaction(async (tx) => {
      const before = await findRule(tx, id, kind)
      if (!before) throw notFound(kind, id)
      if (before.version !== version) throw staleVersion(`${kind} ${before.name}`)
      // Read before the delete: the rule's stored conflicts go with it.
      const changeIds = await changesTouchedByRule(tx, id)
      await tx.scheduleRule.delete({ where: { id } })
      await recordAudit(tx, ctx, {
        action: `${kind}.deleted`,
        entityType: kind,
        entityId: id,
        before: auditSnapshot(before),
      })
      return changeIds
    })
    if (touched.length > 0) {
      await jobs.enqueueBulk(
        'schedule.evaluate-change',
        touched.map((changeId) => ({
          payload: { changeId },
          options: { jobId: jobId('schedule-eval', changeId, 'rule', id, ctx.now.getTime()) },
        })),
      )
    }
  }

  async function list(ctx: RequestContext, kind: ScheduleRuleKind): Promise<ScheduleRuleView[]> {
    const rows = await db.scheduleRule.findMany({
      where: { kind },
      include: ruleInclude,
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
    })
    return Promise.all(rows.map((row) => view(row, ctx.now)))
  }

  async function get(ctx: RequestContext, kind: ScheduleRuleKind, id: string): Promise<ScheduleRuleView> {
    const rule = await findRule(db, id, kind)
    if (!rule) throw notFound(kind, id)
    return view(rule, ctx.now)
  }

  return { create, update, remove, list, get }
}

function auditSnapshot(rule: RuleRow) {
  return {
    name: rule.name,
    reason: rule.reason,
    start: rule.start,
    timeZone: rule.timeZone,
    durationMinutes: rule.durationMinutes,
    rrule: rule.rrule,
    exceptions: rule.exceptions,
    scope: rule.scope,
    items: rule.items.map((item) => ({ kind: item.kind, id: item.itemId })),
    categories: rule.categories,
    overrideRoles: rule.overrideRoles,
    active: rule.active,
    version: rule.version,
  }
}

export type RulesService = ReturnType<typeof createRulesService>
