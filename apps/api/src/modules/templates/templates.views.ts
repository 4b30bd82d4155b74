// Template rows to their views, and what the viewer may do with each (the console's buttons).
import type { ChangeTemplateView, Role } from '@cabinet/contracts'
import type { ChangeTemplate, ChangeTemplateVersion, Prisma } from '@cabinet/db'

export const TEMPLATE_PROPOSERS: readonly Role[] = ['implementer', 'cab_member', 'change_manager', 'admin']
/** Templates are pre-approvals, so the people who approve changes approve them (issue 3 part 4). */
export const TEMPLATE_APPROVERS: readonly Role[] = ['cab_member', 'change_manager', 'admin']
export const TEMPLATE_RETIRERS: readonly Role[] = ['change_manager', 'admin']
export const TEMPLATE_USERS: readonly Role[] = ['requester', 'implementer', 'cab_member', 'change_manager', 'admin']

export const templateInclude = {
  versions: { orderBy: { version: 'desc' }, take: 1 },
  _count: { select: { uses: true } },
} satisfies Prisma.ChangeTemplateInclude

export type TemplateRow = ChangeTemplate & { versions: ChangeTemplateVersion[]; _count: { uses: number } }

export interface Viewer {
  id: string
  roles: readonly Role[]
}

const hasRole = (viewer: Viewer, roles: readonly Role[]) => viewer.roles.some((role) => roles.includes(role))

export function currentVersion(row: TemplateRow): ChangeTemplateVersion {
  const current = row.versions[0]
  if (!current || current.version !== row.version) throw new Error(`template ${row.id} lacks version ${row.version}`)
  return current
}

export function toTemplateView(row: TemplateRow, viewer: Viewer, names: ReadonlyMap<string, string>) {
  const current = currentVersion(row)
  const person = (id: string | null) => (id ? { id, name: names.get(id) ?? '(unknown user)' } : null)
  const live = row.status !== 'retired'
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    version: row.version,
    retiredAt: row.retiredAt?.toISOString() ?? null,
    current: {
      version: current.version,
      description: current.description,
      category: current.category,
      subcategory: current.subcategory as ChangeTemplateView['current']['subcategory'],
      implementationPlan: current.implementationPlan,
      rollbackPlan: current.rollbackPlan,
      riskLevel: current.riskLevel,
      allowedKinds: current.allowedKinds,
      maxItems: current.maxItems,
      durationMinutes: current.durationMinutes,
      proposedBy: person(current.proposedById) as { id: string; name: string },
      proposedAt: current.proposedAt.toISOString(),
      approvedBy: person(current.approvedById),
      approvedAt: current.approvedAt?.toISOString() ?? null,
    },
    uses: row._count.uses,
    actions: {
      // Segregation of duties: whoever proposed this version never approves it.
      approve: row.status === 'proposed' && hasRole(viewer, TEMPLATE_APPROVERS) && viewer.id !== current.proposedById,
      edit: live && hasRole(viewer, TEMPLATE_PROPOSERS),
      retire: live && hasRole(viewer, TEMPLATE_RETIRERS),
      use: row.status === 'approved' && hasRole(viewer, TEMPLATE_USERS),
    },
  } satisfies ChangeTemplateView
}

/** The user ids a list of templates names, for one name lookup. */
export function peopleOf(rows: readonly TemplateRow[]): string[] {
  return [
    ...new Set(
      rows.flatMap((row) => row.versions.flatMap((v) => [v.proposedById, v.approvedById].filter((id) => id !== null))),
    ),
  ] as string[]
}
