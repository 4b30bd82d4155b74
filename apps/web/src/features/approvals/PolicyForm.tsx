// Creating or editing one approval policy (admins): name, priority, conditions and ordered stages.
// An edit names the version it read; the server's field issues show at their fields.
import {
  ApprovalGroupKind,
  type ApprovalPolicyBody,
  type ApprovalPolicyView,
  ChangeCategory,
  ChangeSubcategory,
  ChangeType,
  ExpiryAction,
  type PolicyStageView,
  QuorumKind,
  RiskLevel,
} from '@cabinet/contracts'
import {
  ActionIcon,
  Alert,
  Button,
  Card,
  Group,
  MultiSelect,
  NativeSelect,
  NumberInput,
  SimpleGrid,
  Stack,
  Switch,
  TextInput,
} from '@mantine/core'
import { IconPlus, IconTrash } from '@tabler/icons-react'
import { useState } from 'react'
import { errorMessage } from '../../components/StatusViews'
import { isApiError } from '../../lib/api-client'
import { categoryLabels, changeTypeLabels, riskLevelLabels, subcategoryLabels } from '../../lib/labels'
import { useCreatePolicy, useDeletePolicy, useUpdatePolicy } from './api'
import { groupKindLabels } from './labels'

/** A stage being edited; `draftId` keeps React's identity for it while stages are added and removed. */
type DraftStage = Omit<PolicyStageView, 'position'> & { draftId: number }
let nextDraftId = 0

const NEW_STAGE: Omit<DraftStage, 'draftId'> = {
  name: 'Technical review',
  groupKinds: ['technical'],
  quorum: { kind: 'any', value: null },
  dueMinutes: 2880,
  expiryAction: 'escalate',
}

const options = <V extends string>(values: readonly V[], labels: Record<V, string>) =>
  values.map((value) => ({ value, label: labels[value] }))

export function PolicyForm({ policy, onDone }: { policy: ApprovalPolicyView | null; onDone: () => void }) {
  const create = useCreatePolicy()
  const update = useUpdatePolicy()
  const remove = useDeletePolicy()
  const [name, setName] = useState(policy?.name ?? '')
  const [description, setDescription] = useState(policy?.description ?? '')
  const [priority, setPriority] = useState<number>(policy?.priority ?? 500)
  const [enabled, setEnabled] = useState(policy?.enabled ?? true)
  const [conditions, setConditions] = useState(
    policy?.conditions ?? {
      types: [],
      categories: [],
      subcategories: [],
      riskLevels: [],
      serviceIds: [],
      minServiceCriticality: null,
    },
  )
  const [stages, setStages] = useState<DraftStage[]>(() =>
    (policy?.stages ?? [{ ...NEW_STAGE, position: 1 }]).map(({ position: _position, ...stage }) => ({
      ...stage,
      draftId: nextDraftId++,
    })),
  )
  const failure = create.error ?? update.error ?? remove.error
  const pending = create.isPending || update.isPending || remove.isPending
  const setStage = (index: number, patch: Partial<DraftStage>) =>
    setStages(stages.map((stage, at) => (at === index ? { ...stage, ...patch } : stage)))
  const issueAt = (path: string) =>
    isApiError(failure) ? failure.fieldIssues.find((issue) => issue.path === path)?.message : undefined

  const save = () => {
    const body: ApprovalPolicyBody = {
      name,
      description,
      priority,
      enabled,
      conditions,
      stages: stages.map(({ draftId: _draftId, ...stage }) => stage),
    }
    if (policy) update.mutate({ id: policy.id, patch: { ...body, version: policy.version } }, { onSuccess: onDone })
    else create.mutate(body, { onSuccess: onDone })
  }

  return (
    <Stack>
      {failure && !isApiError(failure, 'VALIDATION_FAILED') && (
        <Alert color="red" variant="light" role="alert">
          {errorMessage(failure)}
        </Alert>
      )}
      <Group align="flex-end">
        <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={issueAt('name')} />
        <NumberInput label="Priority" value={priority} onChange={(v) => setPriority(Number(v))} min={0} w={120} />
        <Switch label="Enabled" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} mb={8} />
      </Group>
      <TextInput label="Description" value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
        <MultiSelect
          label="Change types"
          placeholder="Any type"
          data={options(ChangeType.options, changeTypeLabels)}
          value={[...conditions.types]}
          onChange={(types) => setConditions({ ...conditions, types: types as typeof conditions.types })}
        />
        <MultiSelect
          label="Risk levels"
          placeholder="Any risk"
          data={options(RiskLevel.options, riskLevelLabels)}
          value={[...conditions.riskLevels]}
          onChange={(riskLevels) =>
            setConditions({ ...conditions, riskLevels: riskLevels as typeof conditions.riskLevels })
          }
        />
        <MultiSelect
          label="Categories"
          placeholder="Any category"
          data={options(ChangeCategory.options, categoryLabels)}
          value={[...conditions.categories]}
          onChange={(categories) =>
            setConditions({ ...conditions, categories: categories as typeof conditions.categories })
          }
        />
        <MultiSelect
          label="Subcategories"
          placeholder="Any subcategory"
          data={options(ChangeSubcategory.options, subcategoryLabels)}
          value={[...conditions.subcategories]}
          onChange={(subcategories) =>
            setConditions({ ...conditions, subcategories: subcategories as typeof conditions.subcategories })
          }
        />
      </SimpleGrid>
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
              data={options(ApprovalGroupKind.options, groupKindLabels)}
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
                setStage(index, { quorum: { kind, value: kind === 'count' ? 2 : kind === 'percent' ? 50 : null } })
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
              data={ExpiryAction.options}
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
        <Group gap="xs">
          <Button
            variant="subtle"
            leftSection={<IconPlus size={16} />}
            onClick={() => setStages([...stages, { ...NEW_STAGE, draftId: nextDraftId++ }])}
          >
            Add stage
          </Button>
          {policy && (
            <Button
              variant="subtle"
              color="red"
              onClick={() => remove.mutate(policy.id, { onSuccess: onDone })}
              loading={remove.isPending}
            >
              Delete policy
            </Button>
          )}
        </Group>
        <Group>
          <Button variant="default" onClick={onDone} disabled={pending}>
            Cancel
          </Button>
          <Button onClick={save} loading={create.isPending || update.isPending}>
            {policy ? 'Save policy' : 'Create policy'}
          </Button>
        </Group>
      </Group>
    </Stack>
  )
}
