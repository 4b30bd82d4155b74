// /cab/policies: the approval policies in the order they are tried, each with its conditions and
// stages; admins edit a policy's priority, whether it is on, and its stages (with the version read).
import {
  ApprovalGroupKind,
  type ApprovalPolicyView,
  ExpiryAction,
  type PolicyStageView,
  QuorumKind,
} from '@cabinet/contracts'
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Modal,
  MultiSelect,
  NativeSelect,
  NumberInput,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import { IconPlus, IconTrash } from '@tabler/icons-react'
import { useState } from 'react'
import { ErrorState, errorMessage, LoadingBlock } from '../../components/StatusViews'
import { isApiError } from '../../lib/api-client'
import { changeTypeLabels, riskLevelLabels, subcategoryLabels } from '../../lib/labels'
import { useSession } from '../auth/api'
import { usePolicies, useUpdatePolicy } from './api'
import { expiryLabels, formatMinutes, groupKindLabels } from './labels'

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
  const [editing, setEditing] = useState<ApprovalPolicyView | null>(null)

  if (policies.isPending) return <LoadingBlock rows={8} label="Loading approval policies" />
  if (policies.isError)
    return (
      <ErrorState error={policies.error} title="Could not load the policies" onRetry={() => void policies.refetch()} />
    )
  return (
    <Stack gap="md">
      <Title order={2}>Approval policies</Title>
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
                {policy.breakFixAllowed && <Badge color="orange">break-fix allowed</Badge>}
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
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={`Edit ${editing?.name ?? ''}`} size="xl">
        {editing && <PolicyForm key={editing.id} policy={editing} onDone={() => setEditing(null)} />}
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

/** A stage being edited; `draftId` keeps React's identity for it while stages are added and removed. */
type DraftStage = Omit<PolicyStageView, 'position'> & { draftId: number }
let nextDraftId = 0

function PolicyForm({ policy, onDone }: { policy: ApprovalPolicyView; onDone: () => void }) {
  const update = useUpdatePolicy()
  const [priority, setPriority] = useState<number>(policy.priority)
  const [enabled, setEnabled] = useState(policy.enabled)
  const [stages, setStages] = useState<DraftStage[]>(() =>
    policy.stages.map(({ position: _position, ...stage }) => ({ ...stage, draftId: nextDraftId++ })),
  )
  const setStage = (index: number, patch: Partial<DraftStage>) =>
    setStages(stages.map((stage, at) => (at === index ? { ...stage, ...patch } : stage)))
  const issueAt = (path: string) =>
    isApiError(update.error) ? update.error.fieldIssues.find((issue) => issue.path === path)?.message : undefined

  const save = () =>
    update.mutate(
      {
        id: policy.id,
        patch: {
          version: policy.version,
          priority,
          enabled,
          stages: stages.map(({ draftId: _draftId, ...stage }) => stage),
        },
      },
      { onSuccess: onDone },
    )

  return (
    <Stack>
      {update.error && !isApiError(update.error, 'VALIDATION_FAILED') && (
        <Alert color="red" variant="light" role="alert">
          {errorMessage(update.error)}
        </Alert>
      )}
      <Group>
        <NumberInput
          label="Priority"
          value={priority}
          onChange={(value) => setPriority(Number(value))}
          min={0}
          w={140}
        />
        <Switch
          label="Enabled"
          checked={enabled}
          onChange={(event) => setEnabled(event.currentTarget.checked)}
          mt="lg"
        />
      </Group>
      {stages.map((stage, index) => (
        <Card key={stage.draftId} withBorder padding="sm" aria-label={`Stage ${index + 1}`}>
          <Group align="flex-end" gap="xs" wrap="wrap">
            <TextInput
              label="Stage name"
              value={stage.name}
              onChange={(event) => setStage(index, { name: event.currentTarget.value })}
              error={issueAt(`stages.${index}.name`)}
              w={180}
            />
            <MultiSelect
              label="Groups"
              data={ApprovalGroupKind.options.map((kind) => ({ value: kind, label: groupKindLabels[kind] }))}
              value={[...stage.groupKinds]}
              onChange={(kinds) => setStage(index, { groupKinds: kinds as DraftStage['groupKinds'] })}
              error={issueAt(`stages.${index}.groupKinds`)}
              w={220}
            />
            <NativeSelect
              label="Quorum"
              data={QuorumKind.options}
              value={stage.quorum.kind}
              onChange={(event) => {
                const kind = event.currentTarget.value as DraftStage['quorum']['kind']
                setStage(index, {
                  quorum: { kind, value: kind === 'count' ? 2 : kind === 'percent' ? 50 : null },
                })
              }}
            />
            {stage.quorum.value !== null && (
              <NumberInput
                label={stage.quorum.kind === 'percent' ? 'Percent' : 'N'}
                value={stage.quorum.value}
                onChange={(value) => setStage(index, { quorum: { ...stage.quorum, value: Number(value) } })}
                error={issueAt(`stages.${index}.quorum.value`)}
                w={90}
              />
            )}
            <NumberInput
              label="Due (minutes)"
              value={stage.dueMinutes}
              onChange={(value) => setStage(index, { dueMinutes: Number(value) })}
              error={issueAt(`stages.${index}.dueMinutes`)}
              w={130}
            />
            <NativeSelect
              label="When overdue"
              data={ExpiryAction.options.map((action) => ({ value: action, label: action }))}
              value={stage.expiryAction}
              onChange={(event) =>
                setStage(index, { expiryAction: event.currentTarget.value as DraftStage['expiryAction'] })
              }
            />
            <ActionIcon
              variant="subtle"
              color="red"
              aria-label={`Remove stage ${index + 1}`}
              disabled={stages.length === 1}
              onClick={() => setStages(stages.filter((_, at) => at !== index))}
            >
              <IconTrash size={16} />
            </ActionIcon>
          </Group>
        </Card>
      ))}
      <Group justify="space-between">
        <Button
          variant="subtle"
          leftSection={<IconPlus size={16} />}
          onClick={() =>
            setStages([
              ...stages,
              {
                name: 'New stage',
                groupKinds: ['technical'],
                quorum: { kind: 'any', value: null },
                dueMinutes: 2880,
                expiryAction: 'escalate',
                draftId: nextDraftId++,
              },
            ])
          }
        >
          Add stage
        </Button>
        <Group>
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button onClick={save} loading={update.isPending}>
            Save policy
          </Button>
        </Group>
      </Group>
    </Stack>
  )
}
