// Use cases on requests for change: create, edit while new, read, list, timeline, risk preview.
// Each write re-checks state and version inside the transaction that writes, with its audit event.
import type { FastifyBaseLogger } from 'fastify'
import {
  type ChangeDetail,
  type ChangeListParams,
  type ChangePage,
  type ChangeSubcategory,
  type ConfigItemRef,
  type CreateChangeBody,
  EMERGENCY_RAISER_ROLES,
  mayRaiseEmergency,
  type RiskAssessmentView,
  type RiskLevel,
  type UpdateChangeBody,
} from '@cabinet/contracts'
import type { Db, DbOrTx, Prisma } from '@cabinet/db'
import { recordAudit } from '../../http/audit'
import { AppError, staleVersion } from '../../http/errors'
import type { RequestContext } from '../../http/request-context'
import type { ConfigItemService } from '../catalog/config-items.service'
import type { ChangeRiskEvaluator, RiskEvaluation, RiskRequest } from './change-risk'
import { toAuditEventView, toChangeDetail, toChangeSummary } from './change-views'
import { driverTargetMustFit } from './driver-target'
import {
  type ChangeRow,
  changeTimeline,
  decodeCursor,
  encodeCursor,
  findChange,
  listChanges,
  nextChangeNumber,
} from './changes.repository'
import { type ChangeHooks, runAfterCommit } from './change-hooks'

export interface ChangeServiceDeps {
  db: Db
  configItems: ConfigItemService
  evaluateRisk: ChangeRiskEvaluator
  hooks: ChangeHooks
  logger: FastifyBaseLogger
}

type CreateInput = Prisma.ChangeRequestUncheckedCreateInput

/** What a standard change from a template adds to creation (templates module). */
export interface CreateOptions {
  /** The risk level the template fixes, recorded as an override of the computed one. */
  riskOverride?: { level: RiskLevel; reason: string }
  /** Runs in the creating transaction after its audit event: e.g. record the template and submit. */
  within?: (tx: Prisma.TransactionClient, created: { id: string; version: number }) => Promise<void>
}

const EDITOR_ROLES = new Set(['change_manager', 'admin'])

/** What an audit event records of a change: the fields a reviewer compares, not the long texts. */
type AuditedChange = Pick<
  ChangeRow,
  | 'number'
  | 'type'
  | 'category'
  | 'subcategory'
  | 'title'
  | 'state'
  | 'plannedStart'
  | 'plannedEnd'
  | 'implementerId'
  | 'riskLevel'
  | 'riskScore'
  | 'targetDriverVersion'
  | 'version'
>

export function changeAuditSnapshot(change: AuditedChange, affectedItems: number) {
  return {
    number: change.number,
    type: change.type,
    category: change.category,
    subcategory: change.subcategory,
    title: change.title,
    state: change.state,
    plannedStart: change.plannedStart,
    plannedEnd: change.plannedEnd,
    implementerId: change.implementerId,
    riskLevel: change.riskLevel,
    riskScore: change.riskScore,
    affectedItems,
    targetDriverVersion: change.targetDriverVersion,
    version: change.version,
  }
}

function riskAssessmentData(evaluation: RiskEvaluation) {
  const { result, inputs } = evaluation
  return {
    probability: result.probability,
    impact: result.impact,
    score: result.score,
    level: result.level,
    computedLevel: result.computedLevel,
    reasons: result.reasons as unknown as Prisma.InputJsonValue,
    inputs: JSON.parse(JSON.stringify(inputs)) as Prisma.InputJsonValue,
  }
}

export function createChangeService({ db, configItems, evaluateRisk, hooks, logger }: ChangeServiceDeps) {
  async function implementerMustExist(tx: DbOrTx, implementerId: string | null | undefined) {
    if (!implementerId) return null
    const user = await tx.user.findUnique({
      where: { id: implementerId },
      select: { id: true, name: true, email: true, disabled: true },
    })
    if (!user || user.disabled) {
      throw new AppError('VALIDATION_FAILED', `implementerId: no active user with id ${implementerId}`, {
        details: { issues: [{ path: 'implementerId', message: `no active user with id ${implementerId}` }] },
      })
    }
    return { id: user.id, name: user.name, email: user.email }
  }

  async function detail(tx: DbOrTx, change: ChangeRow, ctx: RequestContext): Promise<ChangeDetail> {
    const refs = change.items.map((item) => ({ kind: item.kind, id: item.itemId }))
    const overrideById = change.riskAssessments[0]?.overrideById
    const items = await configItems.describe(refs, tx)
    const overrideBy = overrideById
      ? await tx.user.findUnique({ where: { id: overrideById }, select: { name: true } })
      : null
    return toChangeDetail(change, items, ctx.actor, overrideBy?.name ?? null)
  }

  async function loadOrThrow(tx: DbOrTx, idOrNumber: string): Promise<ChangeRow> {
    const change = await findChange(tx, idOrNumber)
    if (!change) throw new AppError('CHANGE_NOT_FOUND', `change ${idOrNumber} was not found`)
    return change
  }

  async function create(
    ctx: RequestContext,
    body: CreateChangeBody,
    options: CreateOptions = {},
  ): Promise<ChangeDetail> {
    // An emergency skips the normal CAB: on-call raises it, not anyone who can file a request.
    if (body.type === 'emergency' && !mayRaiseEmergency(ctx.actor.roles)) {
      throw new AppError(
        'FORBIDDEN',
        `raising an emergency change takes the ${EMERGENCY_RAISER_ROLES.join(', ')} role: raise a normal change, or ask on-call`,
      )
    }
    const riskRequest: RiskRequest = {
      category: body.category,
      subcategory: body.subcategory ?? null,
      plannedStart: new Date(body.plannedStart),
      affectedItems: body.affectedItems,
      rollbackPlan: body.rollbackPlan,
      riskQuestionnaire: body.riskQuestionnaire,
      targetDriverVersion: body.targetDriverVersion ?? null,
    }
    // Independent reads on the pool, side by side; only the writes need the transaction.
    const [items, implementer, evaluation] = await Promise.all([
      configItems.resolve(body.affectedItems),
      implementerMustExist(db, body.implementerId),
      evaluateRisk(db, riskRequest, ctx.now),
    ])
    await driverTargetMustFit(db, riskRequest, evaluation.impact)
    const stored = await db.$transaction(async (tx) => {
      const data: CreateInput = {
        number: await nextChangeNumber(tx),
        type: body.type,
        category: body.category,
        subcategory: body.subcategory ?? null,
        title: body.title,
        description: body.description,
        justification: body.justification,
        plannedStart: riskRequest.plannedStart,
        plannedEnd: new Date(body.plannedEnd),
        // Plain foreign keys, not `connect`: the database checks them without an extra SELECT each.
        requesterId: ctx.actor.id,
        implementerId: body.implementerId ?? null,
        implementationPlan: body.implementationPlan,
        testEvidence: body.testEvidence ?? '',
        rollbackPlan: body.rollbackPlan,
        riskQuestionnaire: body.riskQuestionnaire,
        targetDriverVersion: body.targetDriverVersion ?? null,
        riskLevel: options.riskOverride?.level ?? evaluation.result.level,
        riskScore: evaluation.result.score,
        createdAt: ctx.now,
      }
      const created = await tx.changeRequest.create({ data })
      await tx.changeItem.createMany({
        data: items.map((item) => ({ changeId: created.id, kind: item.kind, itemId: item.id })),
      })
      const assessment = await tx.riskAssessment.create({
        data: {
          ...riskAssessmentData(evaluation),
          ...(options.riskOverride
            ? {
                level: options.riskOverride.level,
                overrideLevel: options.riskOverride.level,
                overrideReason: options.riskOverride.reason,
                overrideById: ctx.actor.id,
              }
            : {}),
          changeId: created.id,
          revision: 1,
          createdAt: ctx.now,
        },
      })
      // Last in the transaction: the audit chain is locked from here until COMMIT.
      await recordAudit(tx, ctx, {
        action: 'change.created',
        entityType: 'change',
        entityId: created.id,
        changeId: created.id,
        after: changeAuditSnapshot(created, items.length),
      })
      // After change.created, so a template's submit follows it in the chain (which stays locked meanwhile).
      await options.within?.(tx, created)
      return { created, assessment }
    })
    const { created } = stored
    await runAfterCommit(hooks, logger, (hook) =>
      hook.afterWrite?.({ changeId: created.id, number: created.number, created: true }),
    )
    // Everything the reply shows is in hand: no need to read the change back.
    const change: ChangeRow = {
      ...stored.created,
      requester: { id: ctx.actor.id, name: ctx.actor.name, email: ctx.actor.email },
      implementer,
      items: items.map((item) => ({ kind: item.kind, itemId: item.id })),
      riskAssessments: [stored.assessment],
      _count: { items: items.length },
    }
    return toChangeDetail(change, items, ctx.actor, null)
  }

  async function update(ctx: RequestContext, idOrNumber: string, body: UpdateChangeBody): Promise<ChangeDetail> {
    const current = await loadOrThrow(db, idOrNumber)
    if (current.requesterId !== ctx.actor.id && !ctx.actor.roles.some((role) => EDITOR_ROLES.has(role))) {
      throw new AppError('FORBIDDEN', 'only the requester or a change manager may edit this change')
    }
    const items = body.affectedItems ? await configItems.resolve(body.affectedItems) : undefined
    await implementerMustExist(db, body.implementerId)
    const refs: ConfigItemRef[] = items ?? current.items.map((item) => ({ kind: item.kind, id: item.itemId }))
    const plannedStart = body.plannedStart ? new Date(body.plannedStart) : current.plannedStart
    const plannedEnd = body.plannedEnd ? new Date(body.plannedEnd) : current.plannedEnd
    if (plannedEnd <= plannedStart) {
      throw new AppError('VALIDATION_FAILED', 'plannedEnd must be after plannedStart', {
        details: { issues: [{ path: 'plannedEnd', message: 'must be after plannedStart' }] },
      })
    }
    const riskRequest: RiskRequest = {
      category: body.category ?? current.category,
      subcategory:
        body.subcategory === undefined ? (current.subcategory as ChangeSubcategory | null) : body.subcategory,
      plannedStart,
      affectedItems: refs,
      rollbackPlan: body.rollbackPlan ?? current.rollbackPlan,
      riskQuestionnaire:
        body.riskQuestionnaire ?? (current.riskQuestionnaire as UpdateChangeBody['riskQuestionnaire'] & object),
      targetDriverVersion:
        body.targetDriverVersion === undefined ? current.targetDriverVersion : body.targetDriverVersion,
    }
    const evaluation = await evaluateRisk(db, riskRequest, ctx.now)
    await driverTargetMustFit(db, riskRequest, evaluation.impact)
    await db.$transaction(async (tx) => {
      const written = await tx.changeRequest.updateMany({
        where: { id: current.id, version: body.version, state: 'new' },
        data: {
          ...(body.category !== undefined ? { category: body.category } : {}),
          ...(body.subcategory !== undefined ? { subcategory: body.subcategory } : {}),
          ...(body.title !== undefined ? { title: body.title } : {}),
          ...(body.description !== undefined ? { description: body.description } : {}),
          ...(body.justification !== undefined ? { justification: body.justification } : {}),
          ...(body.implementationPlan !== undefined ? { implementationPlan: body.implementationPlan } : {}),
          ...(body.testEvidence !== undefined ? { testEvidence: body.testEvidence } : {}),
          ...(body.rollbackPlan !== undefined ? { rollbackPlan: body.rollbackPlan } : {}),
          ...(body.riskQuestionnaire !== undefined ? { riskQuestionnaire: body.riskQuestionnaire } : {}),
          ...(body.targetDriverVersion !== undefined ? { targetDriverVersion: body.targetDriverVersion } : {}),
          ...(body.implementerId !== undefined ? { implementerId: body.implementerId } : {}),
          plannedStart,
          plannedEnd,
          riskLevel: evaluation.result.level,
          riskScore: evaluation.result.score,
          version: { increment: 1 },
        },
      })
      if (written.count !== 1) {
        const now = await findChange(tx, current.id)
        if (!now) throw new AppError('CHANGE_NOT_FOUND', `change ${idOrNumber} was not found`)
        if (now.state !== 'new') {
          throw new AppError(
            'CHANGE_NOT_EDITABLE',
            `change ${now.number} is ${now.state}: only new changes can be edited`,
          )
        }
        throw staleVersion(`change ${now.number}`)
      }
      if (items) {
        await tx.changeItem.deleteMany({ where: { changeId: current.id } })
        await tx.changeItem.createMany({
          data: items.map((item) => ({ changeId: current.id, kind: item.kind, itemId: item.id })),
        })
      }
      await tx.riskAssessment.create({
        data: {
          ...riskAssessmentData(evaluation),
          changeId: current.id,
          revision: (current.riskAssessments[0]?.revision ?? 0) + 1,
          createdAt: ctx.now,
        },
      })
      const updated = await loadOrThrow(tx, current.id)
      await recordAudit(tx, ctx, {
        action: 'change.updated',
        entityType: 'change',
        entityId: current.id,
        changeId: current.id,
        before: changeAuditSnapshot(current, current.items.length),
        after: changeAuditSnapshot(updated, updated.items.length),
      })
    })
    await runAfterCommit(hooks, logger, (hook) =>
      hook.afterWrite?.({ changeId: current.id, number: current.number, created: false }),
    )
    return detail(db, await loadOrThrow(db, current.id), ctx)
  }

  async function get(ctx: RequestContext, idOrNumber: string): Promise<ChangeDetail> {
    return detail(db, await loadOrThrow(db, idOrNumber), ctx)
  }

  async function list(ctx: RequestContext, query: ChangeListParams): Promise<ChangePage> {
    const cursor = query.cursor ? decodeCursor(query.cursor) : null
    if (query.cursor && !cursor) {
      throw new AppError('VALIDATION_FAILED', 'cursor is not one this API returned', {
        details: { issues: [{ path: 'cursor', message: 'is not one this API returned' }] },
      })
    }
    const { rows, next } = await listChanges(
      db,
      {
        states: query.state,
        types: query.type,
        categories: query.category,
        risks: query.risk,
        requesterId: query.mine === 'true' ? ctx.actor.id : undefined,
        text: query.q || undefined,
      },
      cursor,
      query.limit,
    )
    return { items: rows.map(toChangeSummary), nextCursor: next ? encodeCursor(next) : null }
  }

  async function timeline(idOrNumber: string) {
    const change = await loadOrThrow(db, idOrNumber)
    const events = await changeTimeline(db, change.id)
    return { items: events.map(toAuditEventView) }
  }

  async function previewRisk(ctx: RequestContext, request: RiskRequest): Promise<RiskAssessmentView> {
    const items = await configItems.resolve(request.affectedItems)
    const { result } = await evaluateRisk(db, { ...request, affectedItems: items }, ctx.now)
    return {
      probability: result.probability,
      impact: result.impact,
      score: result.score,
      level: result.level,
      computedLevel: result.computedLevel,
      reasons: result.reasons,
      override: null,
    }
  }

  return { create, update, get, list, timeline, previewRisk, loadOrThrow, detail }
}

export type ChangeService = ReturnType<typeof createChangeService>
