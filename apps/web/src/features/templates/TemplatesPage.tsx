// /templates: the standard change catalog. Everyone who raises changes sees the templates and makes a
// pre-approved change from an approved one; proposers propose and edit (each edit is a new version),
// change managers and CAB members approve what someone else proposed, change managers retire.
import type { ChangeTemplateView } from '@cabinet/contracts'
import { Badge, Button, Card, Group, Modal, Stack, Text, Textarea, Title } from '@mantine/core'
import { IconPlus } from '@tabler/icons-react'
import { useState } from 'react'
import { ErrorState, errorMessage, LoadingBlock } from '../../components/StatusViews'
import { formatDateTime } from '../../lib/datetime'
import { categoryLabels, configItemKindLabels, subcategoryLabels } from '../../lib/labels'
import { useSession } from '../auth/api'
import { useApproveTemplate, useRetireTemplate, useTemplates } from './api'
import { StandardChangeModal } from './StandardChangeModal'
import { TemplateForm } from './TemplateForm'

const STATUS_COLORS = { proposed: 'yellow', approved: 'green', retired: 'gray' } as const
const PROPOSERS = ['implementer', 'cab_member', 'change_manager', 'admin']

function TemplateCard({
  template,
  onEdit,
  onUse,
  onRetire,
}: {
  template: ChangeTemplateView
  onEdit: () => void
  onUse: () => void
  onRetire: () => void
}) {
  const approve = useApproveTemplate()
  const { current } = template
  return (
    <Card withBorder padding="md" data-testid="change-template" aria-label={template.name}>
      <Stack gap="xs">
        <Group justify="space-between">
          <Group gap="sm">
            <Text fw={600}>{template.name}</Text>
            <Badge color={STATUS_COLORS[template.status]}>{template.status}</Badge>
            <Badge variant="light">v{template.version}</Badge>
            <Badge variant="outline">{template.uses} change(s)</Badge>
          </Group>
          <Group gap="xs">
            {template.actions.use && (
              <Button size="xs" onClick={onUse}>
                New standard change
              </Button>
            )}
            {template.actions.approve && (
              <Button
                size="xs"
                color="green"
                loading={approve.isPending}
                onClick={() => approve.mutate({ id: template.id, version: template.version })}
              >
                Approve v{template.version}
              </Button>
            )}
            {template.actions.edit && (
              <Button size="xs" variant="default" onClick={onEdit}>
                New version
              </Button>
            )}
            {template.actions.retire && (
              <Button size="xs" variant="subtle" color="red" onClick={onRetire}>
                Retire
              </Button>
            )}
          </Group>
        </Group>
        {approve.error && (
          <Text size="sm" c="red">
            {errorMessage(approve.error)}
          </Text>
        )}
        <Text size="sm">{current.description}</Text>
        <Text size="xs" c="dimmed">
          {categoryLabels[current.category]}
          {current.subcategory ? ` / ${subcategoryLabels[current.subcategory]}` : ''} · risk {current.riskLevel} ·{' '}
          {current.allowedKinds.map((kind) => configItemKindLabels[kind]).join(', ')} · at most {current.maxItems} items
          · {current.durationMinutes} min · proposed by {current.proposedBy.name}
          {current.approvedBy
            ? ` · approved by ${current.approvedBy.name} ${formatDateTime(current.approvedAt as string)}`
            : ' · awaiting approval'}
        </Text>
      </Stack>
    </Card>
  )
}

function RetireModal({ template, onClose }: { template: ChangeTemplateView; onClose: () => void }) {
  const retire = useRetireTemplate()
  const [reason, setReason] = useState('')
  return (
    <Modal opened onClose={onClose} title={`Retire ${template.name}`}>
      <Stack gap="sm">
        <Textarea label="Why" required value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
        {retire.error && (
          <Text size="sm" c="red">
            {errorMessage(retire.error)}
          </Text>
        )}
        <Group justify="flex-end">
          <Button
            color="red"
            loading={retire.isPending}
            disabled={!reason.trim()}
            onClick={() =>
              retire.mutate({ id: template.id, version: template.version, reason }, { onSuccess: onClose })
            }
          >
            Retire
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}

export function TemplatesPage() {
  const templates = useTemplates()
  const session = useSession()
  const canPropose = session.data?.user.roles.some((role) => PROPOSERS.includes(role)) ?? false
  const [editing, setEditing] = useState<ChangeTemplateView | 'new' | null>(null)
  const [using, setUsing] = useState<ChangeTemplateView | null>(null)
  const [retiring, setRetiring] = useState<ChangeTemplateView | null>(null)

  if (templates.isPending) return <LoadingBlock rows={6} label="Loading the templates" />
  if (templates.isError)
    return (
      <ErrorState
        error={templates.error}
        title="Could not load the templates"
        onRetry={() => void templates.refetch()}
      />
    )
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>Standard change templates</Title>
        {canPropose && (
          <Button size="xs" leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
            Propose template
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        A change made from an approved template is pre-approved: it skips the CAB and is scheduled at once. Each edit is
        a new version that must be approved again, by someone other than its proposer.
      </Text>
      {templates.data.items.map((template) => (
        <TemplateCard
          key={template.id}
          template={template}
          onEdit={() => setEditing(template)}
          onUse={() => setUsing(template)}
          onRetire={() => setRetiring(template)}
        />
      ))}
      {editing && (
        <Modal
          opened
          size="lg"
          onClose={() => setEditing(null)}
          title={editing === 'new' ? 'Propose a template' : `New version of ${editing.name}`}
        >
          <TemplateForm template={editing === 'new' ? null : editing} onDone={() => setEditing(null)} />
        </Modal>
      )}
      {using && <StandardChangeModal template={using} onClose={() => setUsing(null)} />}
      {retiring && <RetireModal template={retiring} onClose={() => setRetiring(null)} />}
    </Stack>
  )
}
