// Standard change templates: propose, approve (never by the proposer of that version), edit (each
// edit is the next version, proposed again), retire, and make a pre-approved standard change from the
// current approved version. Every write re-checks the version it was given and records its audit
// event in the same transaction.
import type { z } from 'zod'
import type {
  ChangeTemplateStatus,
  ChangeTemplateView,
  ConfigItemRef,
  CreateChangeBody,
  CreateFromTemplateBody,
  ProposeTemplateBody,
  RetireTemplateBody,
  TemplateChangeReply,
  TemplateVersionBody,
} from '@cabinet/contracts'
import type { Db, Tx } from '@cabinet/db'
import { recordAudit } from '../../http/audit'
import { AppError, notFound, staleVersion } from '../../http/errors'
import type { RequestContext } from '../../http/request-context'
import { taken, throwIfAny, uniquely, unknownIds, validationFailed } from '../catalog/catalog.checks'
import type { CommittedTransition } from '../changes/change-hooks'
import type { ChangeTransitionService } from '../changes/change-transitions.service'
import type { ChangeService } from '../changes/changes.service'
import { currentVersion, peopleOf, type TemplateRow, templateInclude, toTemplateView } from './templates.views'

type Proposal = z.output<typeof ProposeTemplateBody>
type NextVersion = z.output<typeof TemplateVersionBody>
type Retirement = z.output<typeof RetireTemplateBody>
type FromTemplate = z.output<typeof CreateFromTemplateBody>

export const TEMPLATE_REFUSALS = {
  TEMPLATE_RETIRED: 'This template is retired: no new changes can be made from it.',
  TEMPLATE_NOT_APPROVED:
    'This version of the template is not approved yet: a change manager or CAB member must approve it first.',
  TEMPLATE_VERSION_STALE: 'The template has a newer version than the one you read: reload it and check what changed.',
  TEMPLATE_NOT_PROPOSED: 'Only a proposed version can be approved.',
  SELF_APPROVAL: 'Whoever proposed a template version cannot approve it (segregation of duties).',
} as const
type TemplateRefusal = keyof typeof TEMPLATE_REFUSALS

const refuse = (reason: TemplateRefusal, extra: Record<string, unknown> = {}) =>
  new AppError('TEMPLATE_NOT_USABLE', TEMPLATE_REFUSALS[reason], { details: { reason, ...extra } })

/** The questionnaire of a standard change: routine, automated and rehearsed is what makes it standard. */
const STANDARD_QUESTIONNAIRE = {
  experience: 'routine',
  automation: 'automated',
  testedInStaging: true,
  rollbackTested: true,
  requiresDowntime: false,
  userVisible: false,
} as const

export interface TemplatesServiceDeps {
  db: Db
  changes: Pick<ChangeService, 'create' | 'get'>
  transitions: Pick<ChangeTransitionService, 'applyInTransaction' | 'afterCommit'>
}

export function createTemplatesService({ db, changes, transitions }: TemplatesServiceDeps) {
  async function views(ctx: RequestContext, rows: TemplateRow[]): Promise<ChangeTemplateView[]> {
    const ids = peopleOf(rows)
    const users = await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })
    const names = new Map(users.map((user) => [user.id, user.name]))
    return rows.map((row) => toTemplateView(row, ctx.actor, names))
  }

  async function load(tx: Tx | Db, id: string): Promise<TemplateRow> {
    const row = await tx.changeTemplate.findUnique({ where: { id }, include: templateInclude })
    if (!row) throw notFound('template', id)
    return row
  }

  /** Locks the template row so concurrent edits, approvals and uses of it run one after the other. */
  async function lockRow(tx: Tx, id: string): Promise<TemplateRow> {
    await tx.$queryRaw`SELECT id FROM change_templates WHERE id = ${id}::uuid FOR UPDATE`
    return load(tx, id)
  }

  async function lock(tx: Tx, id: string, version: number): Promise<TemplateRow> {
    const row = await lockRow(tx, id)
    if (row.version !== version) throw staleVersion(`template ${row.name}`)
    return row
  }

  async function list(ctx: RequestContext, status?: ChangeTemplateStatus): Promise<ChangeTemplateView[]> {
    const rows = await db.changeTemplate.findMany({
      where: status ? { status } : {},
      include: templateInclude,
      orderBy: { name: 'asc' },
    })
    return views(ctx, rows)
  }

  async function get(ctx: RequestContext, id: string): Promise<ChangeTemplateView> {
    const [view] = await views(ctx, [await load(db, id)])
    return view as ChangeTemplateView
  }

  function content(input: Proposal | NextVersion, ctx: RequestContext) {
    return {
      description: input.description,
      category: input.category,
      subcategory: input.subcategory,
      implementationPlan: input.implementationPlan,
      rollbackPlan: input.rollbackPlan,
      riskLevel: input.riskLevel,
      allowedKinds: [...new Set(input.allowedKinds)],
      maxItems: input.maxItems,
      durationMinutes: input.durationMinutes,
      proposedById: ctx.actor.id,
      proposedAt: ctx.now,
    }
  }

  async function propose(ctx: RequestContext, input: Proposal): Promise<ChangeTemplateView> {
    const row = await uniquely('name', taken(input.name), () =>
      db.$transaction(async (tx) => {
        const created = await tx.changeTemplate.create({
          data: { name: input.name, status: 'proposed', version: 1, createdAt: ctx.now },
        })
        await tx.changeTemplateVersion.create({ data: { templateId: created.id, version: 1, ...content(input, ctx) } })
        await recordAudit(tx, ctx, {
          action: 'template.proposed',
          entityType: 'change_template',
          entityId: created.id,
          after: { name: input.name, version: 1, ...content(input, ctx) },
        })
        return load(tx, created.id)
      }),
    )
    return (await views(ctx, [row]))[0] as ChangeTemplateView
  }

  async function addVersion(ctx: RequestContext, id: string, input: NextVersion): Promise<ChangeTemplateView> {
    const row = await db.$transaction(async (tx) => {
      const before = await lock(tx, id, input.version)
      if (before.status === 'retired') throw refuse('TEMPLATE_RETIRED')
      const next = before.version + 1
      await tx.changeTemplateVersion.create({ data: { templateId: id, version: next, ...content(input, ctx) } })
      // The new version needs its own approval; until then no change can be made from the template.
      await tx.changeTemplate.update({ where: { id }, data: { version: next, status: 'proposed' } })
      await recordAudit(tx, ctx, {
        action: 'template.version_proposed',
        entityType: 'change_template',
        entityId: id,
        before: { version: before.version, status: before.status },
        after: { version: next, status: 'proposed', ...content(input, ctx) },
      })
      return load(tx, id)
    })
    return (await views(ctx, [row]))[0] as ChangeTemplateView
  }

  async function approve(ctx: RequestContext, id: string, version: number): Promise<ChangeTemplateView> {
    const row = await db.$transaction(async (tx) => {
      const before = await lock(tx, id, version)
      if (before.status === 'retired') throw refuse('TEMPLATE_RETIRED')
      if (before.status !== 'proposed') throw refuse('TEMPLATE_NOT_PROPOSED', { status: before.status })
      const current = currentVersion(before)
      if (current.proposedById === ctx.actor.id)
        throw new AppError('FORBIDDEN', TEMPLATE_REFUSALS.SELF_APPROVAL, { details: { reason: 'SELF_APPROVAL' } })
      await tx.changeTemplateVersion.update({
        where: { id: current.id },
        data: { approvedById: ctx.actor.id, approvedAt: ctx.now },
      })
      await tx.changeTemplate.update({ where: { id }, data: { status: 'approved' } })
      await recordAudit(tx, ctx, {
        action: 'template.approved',
        entityType: 'change_template',
        entityId: id,
        before: { version, status: 'proposed' },
        after: { version, status: 'approved', proposedById: current.proposedById },
      })
      return load(tx, id)
    })
    return (await views(ctx, [row]))[0] as ChangeTemplateView
  }

  async function retire(ctx: RequestContext, id: string, input: Retirement): Promise<ChangeTemplateView> {
    const row = await db.$transaction(async (tx) => {
      const before = await lock(tx, id, input.version)
      if (before.status === 'retired') throw refuse('TEMPLATE_RETIRED')
      await tx.changeTemplate.update({ where: { id }, data: { status: 'retired', retiredAt: ctx.now } })
      await recordAudit(tx, ctx, {
        action: 'template.retired',
        entityType: 'change_template',
        entityId: id,
        before: { version: before.version, status: before.status },
        after: { version: before.version, status: 'retired', reason: input.reason },
      })
      return load(tx, id)
    })
    return (await views(ctx, [row]))[0] as ChangeTemplateView
  }

  /** The items a change from this template names: the listed ones and every node of the listed clusters. */
  async function itemsFor(body: FromTemplate): Promise<ConfigItemRef[]> {
    throwIfAny(await unknownIds(db, 'cluster', 'clusterIds', body.clusterIds))
    const nodes = body.clusterIds.length
      ? await db.node.findMany({
          where: { clusterId: { in: body.clusterIds } },
          select: { id: true },
          orderBy: { hostname: 'asc' },
        })
      : []
    const seen = new Set<string>()
    const items: ConfigItemRef[] = []
    for (const item of [...body.affectedItems, ...nodes.map((node) => ({ kind: 'node' as const, id: node.id }))]) {
      const key = `${item.kind}:${item.id}`
      if (seen.has(key)) continue
      seen.add(key)
      items.push(item)
    }
    return items
  }

  function usable(row: TemplateRow, readVersion: number) {
    if (row.status === 'retired') throw refuse('TEMPLATE_RETIRED')
    if (row.version !== readVersion)
      throw refuse('TEMPLATE_VERSION_STALE', { currentVersion: row.version, readVersion })
    if (row.status !== 'approved') throw refuse('TEMPLATE_NOT_APPROVED', { status: row.status })
    return currentVersion(row)
  }

  /**
   * A pre-approved standard change: created and submitted in one transaction, so it is either in
   * `scheduled` (the domain's submit for a standard change) or not there at all.
   */
  async function createChange(ctx: RequestContext, id: string, body: FromTemplate): Promise<TemplateChangeReply> {
    const template = await load(db, id)
    const current = usable(template, body.templateVersion)
    const items = await itemsFor(body)
    const outside = items.flatMap((item, index) =>
      current.allowedKinds.includes(item.kind)
        ? []
        : [
            {
              path: `affectedItems.${index}.kind`,
              message: `this template covers only ${current.allowedKinds.join(', ')}`,
            },
          ],
    )
    throwIfAny(outside)
    if (items.length > current.maxItems)
      throw validationFailed([
        {
          path: 'affectedItems',
          message: `this template covers at most ${current.maxItems} items, not ${items.length}`,
        },
      ])
    const start = new Date(body.plannedStart)
    let submitted: CommittedTransition | null = null
    const created = await changes.create(
      ctx,
      {
        type: 'standard',
        category: current.category,
        subcategory: current.subcategory as CreateChangeBody['subcategory'],
        title: body.title || template.name,
        description: current.description,
        justification:
          body.justification || `Standard change from the approved template '${template.name}' v${current.version}.`,
        plannedStart: start.toISOString(),
        plannedEnd: new Date(start.getTime() + current.durationMinutes * 60_000).toISOString(),
        implementerId: body.implementerId,
        affectedItems: items,
        implementationPlan: current.implementationPlan,
        testEvidence: '',
        rollbackPlan: current.rollbackPlan,
        riskQuestionnaire: STANDARD_QUESTIONNAIRE,
        targetDriverVersion: body.targetDriverVersion,
      },
      {
        riskOverride: {
          level: current.riskLevel,
          reason: `fixed by the standard change template '${template.name}' v${current.version}`,
        },
        async within(tx, change) {
          // The template may have changed since it was read above: re-check under its row lock.
          const locked = await lockRow(tx, id)
          usable(locked, body.templateVersion)
          await tx.changeTemplateUse.create({
            data: { changeId: change.id, templateId: id, templateVersion: current.version },
          })
          submitted = await transitions.applyInTransaction(tx, ctx, change.id, {
            event: 'submit',
            version: change.version,
          })
        },
      },
    )
    if (submitted) await transitions.afterCommit(submitted)
    return {
      change: await changes.get(ctx, created.id),
      template: { id, name: template.name, version: current.version },
    }
  }

  return { list, get, propose, addVersion, approve, retire, createChange }
}

export type TemplatesService = ReturnType<typeof createTemplatesService>
