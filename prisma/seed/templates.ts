// Standard change templates in the demo (issue 3 part 4): three approved templates, each proposed by
// the on-call implementer and approved by the change manager (never the same person), so a requester
// can raise a pre-approved standard change from the console at once.
import type { ProposeTemplateBody } from '@cabinet/contracts'
import { appendAuditEvent, type Prisma } from '@cabinet/db'

type Template = Required<Omit<ProposeTemplateBody, 'riskLevel'>>

export const DEMO_TEMPLATES: Template[] = [
  {
    name: 'GPU driver patch within a minor version',
    description:
      'Moves nodes to a newer patch release of the NVIDIA driver branch they run (e.g. 550.54.14 to 550.54.15): same CUDA support, no API change.',
    category: 'software',
    subcategory: 'gpu-driver',
    implementationPlan:
      'Per node: drain from the scheduler, install the patch release from the fleet mirror, reboot, run the GPU health probe, undrain.',
    rollbackPlan: 'Reinstall the previous patch release from the mirror cache and reboot; the probe confirms.',
    allowedKinds: ['node'],
    maxItems: 1000,
    durationMinutes: 240,
  },
  {
    name: 'Node reboot',
    description: 'Reboots GPU nodes one at a time after draining them (stuck GPU, kernel update already staged).',
    category: 'infrastructure',
    subcategory: 'os-kernel',
    implementationPlan: 'Drain, reboot, wait for the health probe to pass, undrain; one node at a time.',
    rollbackPlan: 'A node that fails its probe stays drained and gets an incident ticket.',
    allowedKinds: ['node'],
    maxItems: 1000,
    durationMinutes: 120,
  },
  {
    name: 'Coolant loop check',
    description: 'Reads coolant flow and inlet temperatures on liquid-cooled racks; no workload impact.',
    category: 'infrastructure',
    subcategory: null,
    implementationPlan: 'Read the CDU telemetry per rack, compare with the baseline, log the readings.',
    rollbackPlan: 'Nothing to roll back: read-only checks.',
    allowedKinds: ['node', 'cluster'],
    maxItems: 1000,
    durationMinutes: 60,
  },
]

export async function seedTemplates(tx: Prisma.TransactionClient, now: Date): Promise<number> {
  const proposer = await tx.user.findUniqueOrThrow({ where: { email: 'oncall@example.com' } })
  const approver = await tx.user.findUniqueOrThrow({ where: { email: 'manager@example.com' } })
  for (const { name, ...content } of DEMO_TEMPLATES) {
    const template = await tx.changeTemplate.create({ data: { name, status: 'approved', version: 1, createdAt: now } })
    await tx.changeTemplateVersion.create({
      data: {
        templateId: template.id,
        version: 1,
        ...content,
        riskLevel: 'low',
        proposedById: proposer.id,
        proposedAt: now,
        approvedById: approver.id,
        approvedAt: now,
      },
    })
    for (const [action, actor] of [
      ['template.proposed', proposer],
      ['template.approved', approver],
    ] as const) {
      await appendAuditEvent(tx, {
        actor: { id: actor.id, name: actor.name },
        action,
        entityType: 'change_template',
        entityId: template.id,
        after: { name, version: 1 },
        at: now,
      })
    }
  }
  return DEMO_TEMPLATES.length
}
