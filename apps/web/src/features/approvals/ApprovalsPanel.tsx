// The approvals of one change (on its detail page): each stage with its groups, quorum, due time and
// who decided what and when, and the decision buttons for the stage the viewer may decide now.
// Before authorization is requested it previews the stages the change will need.
import type { ApprovalStageView, ChangeDetail } from '@cabinet/contracts'
import { Alert, Badge, Button, Card, Group, List, Paper, Stack, Text, Title } from '@mantine/core'
import { useState } from 'react'
import { ErrorState, LoadingBlock } from '../../components/StatusViews'
import { formatDateTime, formatRelative } from '../../lib/datetime'
import { useApprovalPreview, useChangeApprovals } from './api'
import { DecisionModal, type DecisionTarget } from './DecisionModal'
import { decisionLabels, expiryLabels, formatMinutes, groupKindLabels, stageStatusColors } from './labels'

export function ApprovalsPanel({ change }: { change: ChangeDetail }) {
  const approvals = useChangeApprovals(change.id, change.version)
  const before = change.state === 'new' || change.state === 'assess'
  const [target, setTarget] = useState<DecisionTarget | null>(null)

  if (change.type === 'standard') return null
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-label="Approvals">
      <Stack gap="sm">
        <Title order={4}>Approvals</Title>
        {approvals.isPending && <LoadingBlock rows={3} label="Loading approvals" />}
        {approvals.isError && (
          <ErrorState
            error={approvals.error}
            title="Could not load approvals"
            onRetry={() => void approvals.refetch()}
          />
        )}
        {approvals.data && approvals.data.stages.length === 0 && before && <Preview changeId={change.id} />}
        {approvals.data && approvals.data.stages.length === 0 && !before && (
          <Text size="sm" c="dimmed">
            {approvals.data.round === 0
              ? 'No approvals were requested.'
              : 'No approval policy applies: nothing to approve.'}
          </Text>
        )}
        {approvals.data?.approvalsComplete && approvals.data.state === 'authorize' && (
          <Alert color="yellow" variant="light" data-testid="approvals-held">
            Every approval stage is approved, but the change could not be scheduled yet (see the timeline): the change
            manager schedules it once that is resolved.
          </Alert>
        )}
        {approvals.data?.stages.map((stage) => (
          <StageCard
            key={stage.id}
            stage={stage}
            stageCount={approvals.data.stages.length}
            onDecide={(decision) =>
              setTarget({
                changeId: change.id,
                changeNumber: change.number,
                title: change.title,
                stageId: stage.id,
                stageName: stage.name,
                version: approvals.data.version,
                decision,
                reauthenticationRequired: approvals.data.reauthenticationRequired,
              })
            }
          />
        ))}
      </Stack>
      <DecisionModal target={target} onClose={() => setTarget(null)} />
    </Paper>
  )
}

function StageCard({
  stage,
  stageCount,
  onDecide,
}: {
  stage: ApprovalStageView
  stageCount: number
  onDecide: (decision: DecisionTarget['decision']) => void
}) {
  return (
    <Card withBorder padding="sm" data-testid="approval-stage" data-status={stage.status} aria-label={stage.name}>
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap">
          <Text fw={600} size="sm">
            {stage.position}/{stageCount} · {stage.name}
          </Text>
          <Badge
            color={stageStatusColors[stage.status]}
            variant="light"
            data-testid="approval-stage-status"
            style={{ flexShrink: 0, overflow: 'visible' }}
            styles={{ label: { overflow: 'visible' } }}
          >
            {stage.status}
          </Badge>
        </Group>
        <Text size="xs" c="dimmed">
          {stage.groupKinds.map((kind) => groupKindLabels[kind]).join(', ')} · {stage.quorumText}
          {stage.required !== null ? ` · ${stage.approvals} of ${stage.required} approvals` : ''}
        </Text>
        {stage.dueAt && stage.status === 'open' && (
          <Text size="xs" c={stage.escalatedAt ? 'red' : 'dimmed'}>
            Due {formatRelative(stage.dueAt)} ({formatDateTime(stage.dueAt)}), then {expiryLabels[stage.expiryAction]}
            {stage.escalatedAt ? ' · escalated' : ''}
            {stage.infoRequestedAt ? ' · waiting for information' : ''}
          </Text>
        )}
        {stage.decisions.length > 0 && (
          <List size="xs" spacing={2} data-testid="approval-decisions">
            {stage.decisions.map((decision) => (
              <List.Item key={decision.id}>
                <b>{decision.user.name}</b> · {decisionLabels[decision.decision]} · {formatRelative(decision.at)}
                {decision.comment ? `: ${decision.comment}` : ''}
              </List.Item>
            ))}
          </List>
        )}
        {stage.canDecide && (
          <Group gap="xs">
            <Button size="xs" color="green" onClick={() => onDecide('approve')}>
              Approve
            </Button>
            <Button size="xs" color="red" variant="light" onClick={() => onDecide('reject')}>
              Reject
            </Button>
            <Button size="xs" color="yellow" variant="light" onClick={() => onDecide('request_info')}>
              Request information
            </Button>
          </Group>
        )}
        {stage.status === 'open' && !stage.canDecide && stage.refusal && (
          <Text size="xs" c="dimmed" data-testid="approval-refusal">
            {stage.refusal}
          </Text>
        )}
      </Stack>
    </Card>
  )
}

function Preview({ changeId }: { changeId: string }) {
  const preview = useApprovalPreview(changeId, true)
  if (preview.isPending) return <LoadingBlock rows={2} label="Loading the approvals preview" />
  if (preview.isError) return <ErrorState error={preview.error} title="Could not preview the approvals" />
  if (!preview.data.policy) return <Text size="sm">No approval policy applies: nothing to approve.</Text>
  return (
    <Stack gap={4} data-testid="approval-preview">
      <Text size="sm">
        When authorization is requested, policy <b>{preview.data.policy.name}</b> will ask for:
      </Text>
      <List size="sm" spacing={2}>
        {preview.data.stages.map((stage) => (
          <List.Item key={stage.position}>
            {stage.name}: {stage.quorumText} of {stage.groupKinds.map((kind) => groupKindLabels[kind]).join(', ')}{' '}
            within {formatMinutes(stage.dueMinutes)}
            {stage.reachable ? '' : ` (only ${stage.eligibleCount} eligible: the quorum cannot be met)`}
          </List.Item>
        ))}
      </List>
    </Stack>
  )
}
