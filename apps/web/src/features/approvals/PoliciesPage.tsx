// /cab/policies: the approval policies in the order they are tried, each with its conditions and
// stages; admins create, edit (with the version read) and delete them.
import type { ApprovalPolicyView, PolicyStageView } from '@cabinet/contracts'
import { Badge, Button, Card, Group, Modal, Stack, Table, Text, Title } from '@mantine/core'
import { IconPlus } from '@tabler/icons-react'
import { useState } from 'react'
import { ErrorState, LoadingBlock } from '../../components/StatusViews'
import { changeTypeLabels, riskLevelLabels, subcategoryLabels } from '../../lib/labels'
import { useSession } from '../auth/api'
import { usePolicies } from './api'
import { expiryLabels, formatMinutes, groupKindLabels } from './labels'
import { PolicyForm } from './PolicyForm'

function conditionsText(policy: ApprovalPolicyView): string {
  const { conditions } = policy
  const parts = [
    conditions.types.length ? `type ${conditions.types.map((t) => changeTypeLabels[t]).join(' or ')}` : '',
    conditions.categories.length ? `category ${conditions.categories.join(' or ')}` : '',
    conditions.subcategories.length
      ? `subcategory ${conditions.subcategories.map((s) => subcategoryLabels[s]).join(' or ')}`
      : '',
    conditions.riskLevels.length ? `risk ${conditions.riskLevels.map((r) => riskLevelLabels[r]).join(' or ')}` : '',
    conditions.serviceIds.length ? `${conditions.serviceIds.length} named service(s)` : '',
    conditions.minServiceCriticality ? `a service of criticality ≥ ${conditions.minServiceCriticality}` : '',
  ].filter(Boolean)
  return parts.length ? `When ${parts.join(', ')}` : 'Any change'
}

export function PoliciesPage() {
  const policies = usePolicies()
  const session = useSession()
  const isAdmin = session.data?.user.roles.includes('admin') ?? false
  /** The policy in the dialog: one to edit, 'new' to create one, null when closed. */
  const [editing, setEditing] = useState<ApprovalPolicyView | 'new' | null>(null)

  if (policies.isPending) return <LoadingBlock rows={8} label="Loading approval policies" />
  if (policies.isError)
    return (
      <ErrorState error={policies.error} title="Could not load the policies" onRetry={() => void policies.refetch()} />
    )
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>Approval policies</Title>
        {isAdmin && (
          <Button size="xs" leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
            New policy
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        Tried in this order; the first enabled policy whose conditions a change meets decides its approval stages.
      </Text>
      {policies.data.items.map((policy) => (
        <Card key={policy.id} withBorder padding="md" data-testid="approval-policy" aria-label={policy.name}>
          <Stack gap="xs">
            <Group justify="space-between">
              <Group gap="sm">
                <Text fw={600}>{policy.name}</Text>
                <Badge variant="light">priority {policy.priority}</Badge>
                {!policy.enabled && <Badge color="gray">disabled</Badge>}
                {policy.breakFixAllowed && (
                  <Badge color="orange">
                    break-fix allowed, approved within {Math.round(policy.retroactiveWithinMinutes / 60)} h
                  </Badge>
                )}
              </Group>
              {isAdmin && (
                <Button size="xs" variant="light" onClick={() => setEditing(policy)}>
                  Edit
                </Button>
              )}
            </Group>
            <Text size="sm" c="dimmed">
              {conditionsText(policy)}
              {policy.description ? ` · ${policy.description}` : ''}
            </Text>
            <StagesTable stages={policy.stages} />
          </Stack>
        </Card>
      ))}
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === 'new' ? 'New approval policy' : `Edit ${editing?.name ?? ''}`}
        size="xl"
      >
        {editing && (
          <PolicyForm
            key={editing === 'new' ? 'new' : editing.id}
            policy={editing === 'new' ? null : editing}
            onDone={() => setEditing(null)}
          />
        )}
      </Modal>
    </Stack>
  )
}

function StagesTable({ stages }: { stages: readonly PolicyStageView[] }) {
  return (
    <Table withTableBorder fz="sm">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>#</Table.Th>
          <Table.Th>Stage</Table.Th>
          <Table.Th>Groups</Table.Th>
          <Table.Th>Quorum</Table.Th>
          <Table.Th>Due</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {stages.map((stage) => (
          <Table.Tr key={stage.position}>
            <Table.Td>{stage.position}</Table.Td>
            <Table.Td>{stage.name}</Table.Td>
            <Table.Td>{stage.groupKinds.map((kind) => groupKindLabels[kind]).join(', ')}</Table.Td>
            <Table.Td>
              {stage.quorum.kind}
              {stage.quorum.value !== null ? ` ${stage.quorum.value}${stage.quorum.kind === 'percent' ? '%' : ''}` : ''}
            </Table.Td>
            <Table.Td>
              {formatMinutes(stage.dueMinutes)}, then {expiryLabels[stage.expiryAction]}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}
