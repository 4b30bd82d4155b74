// Approval policies as data: admins list, create, edit (with the version they read) and delete them.
// Each write records its audit event in the same transaction; stages are replaced as a whole.
import type { z } from 'zod'
import type { ApprovalPolicyBody, ApprovalPolicyPatch, ApprovalPolicyView } from '@cabinet/contracts'
import type { Db, Prisma, Tx } from '@cabinet/db'
import { recordAudit } from '../../http/audit'
import { notFound } from '../../http/errors'
import type { RequestContext } from '../../http/request-context'
import { missingOrStale, taken, uniquely } from '../catalog/catalog.checks'
import { findPolicy, listPolicies, type PolicyRow } from './approvals.repository'
import { toPolicyView } from './approvals.views'

type PolicyInput = z.infer<typeof ApprovalPolicyBody>
type PolicyChanges = z.infer<typeof ApprovalPolicyPatch>

function stageRows(stages: PolicyInput['stages']): Prisma.ApprovalPolicyStageCreateManyPolicyInput[] {
  return stages.map((stage, index) => ({
    position: index + 1,
    name: stage.name,
    groupKinds: [...new Set(stage.groupKinds)],
    quorum: stage.quorum.kind,
    quorumValue: stage.quorum.value,
    dueMinutes: stage.dueMinutes,
    expiryAction: stage.expiryAction,
  }))
}

export function createPoliciesService({ db }: { db: Db }) {
  async function load(tx: Tx | Db, id: string): Promise<PolicyRow> {
    const policy = await findPolicy(tx, id)
    if (!policy) throw notFound('approval policy', id)
    return policy
  }

  async function list(): Promise<ApprovalPolicyView[]> {
    return (await listPolicies(db)).map(toPolicyView)
  }

  async function get(id: string): Promise<ApprovalPolicyView> {
    return toPolicyView(await load(db, id))
  }

  async function create(ctx: RequestContext, input: PolicyInput): Promise<ApprovalPolicyView> {
    return uniquely('name', taken(input.name), () =>
      db.$transaction(async (tx) => {
        const row = await tx.approvalPolicy.create({
          data: {
            name: input.name,
            description: input.description,
            priority: input.priority,
            enabled: input.enabled,
            breakFixAllowed: input.breakFixAllowed,
            retroactiveWithinMinutes: input.retroactiveWithinMinutes,
            conditions: input.conditions,
            stages: { createMany: { data: stageRows(input.stages) } },
          },
        })
        const after = toPolicyView(await load(tx, row.id))
        await recordAudit(tx, ctx, {
          action: 'approval_policy.created',
          entityType: 'approval_policy',
          entityId: row.id,
          after,
        })
        return after
      }),
    )
  }

  async function update(ctx: RequestContext, id: string, patch: PolicyChanges): Promise<ApprovalPolicyView> {
    const { version, stages, ...fields } = patch
    return uniquely('name', taken(fields.name), () =>
      db.$transaction(async (tx) => {
        const before = await findPolicy(tx, id)
        if (!before) throw notFound('approval policy', id)
        const updated = await tx.approvalPolicy.updateMany({
          where: { id, version },
          data: { ...fields, version: { increment: 1 } },
        })
        if (updated.count !== 1)
          throw await missingOrStale(() => tx.approvalPolicy.count({ where: { id } }), 'approval policy', id)
        // Changes already under way copied their stages when they opened, so replacing these is safe.
        if (stages) {
          await tx.approvalPolicyStage.deleteMany({ where: { policyId: id } })
          await tx.approvalPolicyStage.createMany({ data: stageRows(stages).map((row) => ({ ...row, policyId: id })) })
        }
        const after = toPolicyView(await load(tx, id))
        await recordAudit(tx, ctx, {
          action: 'approval_policy.updated',
          entityType: 'approval_policy',
          entityId: id,
          before: toPolicyView(before),
          after,
        })
        return after
      }),
    )
  }

  async function remove(ctx: RequestContext, id: string): Promise<void> {
    await db.$transaction(async (tx) => {
      const before = await load(tx, id)
      await tx.approvalPolicy.delete({ where: { id } })
      await recordAudit(tx, ctx, {
        action: 'approval_policy.deleted',
        entityType: 'approval_policy',
        entityId: id,
        before: toPolicyView(before),
      })
    })
  }

  return { list, get, create, update, remove }
}

export type PoliciesService = ReturnType<typeof createPoliciesService>
