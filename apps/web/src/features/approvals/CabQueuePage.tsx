// /cab: the CAB review queue. Changes awaiting authorization whose open stage the viewer may decide
// (or every open stage), riskiest and soonest first, with the risk matrix and the decision buttons.
import type { ChangeType, RiskLevel } from '@cabinet/contracts'
import {
  Anchor,
  Button,
  Card,
  Group,
  MultiSelect,
  NativeSelect,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core'
import { useState } from 'react'
import { Link } from 'react-router'
import { RiskBadge } from '../../components/Badges'
import { RiskMatrix } from '../../components/RiskMatrix'
import { EmptyResult, ErrorState, LoadingBlock } from '../../components/StatusViews'
import { formatDateTime, formatRelative } from '../../lib/datetime'
import { changeTypeLabels, optionsOf, riskLevelLabels } from '../../lib/labels'
import { type QueueFilters, useCabQueue } from './api'
import { DecisionModal, type DecisionTarget } from './DecisionModal'

const SENSITIVE: readonly RiskLevel[] = ['high', 'critical']

export function CabQueuePage() {
  const [filters, setFilters] = useState<QueueFilters>({ risk: [], type: '', scope: 'mine' })
  const queue = useCabQueue(filters)
  const [target, setTarget] = useState<DecisionTarget | null>(null)

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>CAB review queue</Title>
        <Group gap="xs">
          <Button component={Link} to="/cab/meetings" variant="subtle" size="xs">
            Meetings
          </Button>
          <Button component={Link} to="/cab/policies" variant="subtle" size="xs">
            Approval policies
          </Button>
        </Group>
      </Group>
      <Paper withBorder p="sm" radius="md" component="section" aria-label="Filters">
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
          <SegmentedControl
            aria-label="Show"
            value={filters.scope}
            onChange={(scope) => setFilters({ ...filters, scope: scope as QueueFilters['scope'] })}
            data={[
              { value: 'mine', label: 'Awaiting my decision' },
              { value: 'all', label: 'All open stages' },
            ]}
          />
          <MultiSelect<RiskLevel>
            label="Risk"
            placeholder="Any risk"
            data={optionsOf(riskLevelLabels)}
            value={filters.risk}
            onChange={(risk) => setFilters({ ...filters, risk })}
            clearable
          />
          <NativeSelect
            label="Type"
            data={[{ value: '', label: 'Any type' }, ...optionsOf(changeTypeLabels)]}
            value={filters.type}
            onChange={(event) => setFilters({ ...filters, type: event.currentTarget.value as ChangeType | '' })}
          />
        </SimpleGrid>
      </Paper>
      {queue.isPending && <LoadingBlock rows={6} label="Loading the queue" />}
      {queue.isError && (
        <ErrorState error={queue.error} title="Could not load the queue" onRetry={() => void queue.refetch()} />
      )}
      {queue.data?.items.length === 0 && (
        <EmptyResult
          title="Nothing awaits your decision"
          description="Changes appear here when a stage you may decide opens."
        />
      )}
      {queue.data?.items.map((item) => (
        <Card key={item.stage.id} withBorder padding="md" data-testid="cab-queue-item" aria-label={item.change.number}>
          <Group justify="space-between" align="flex-start" wrap="nowrap">
            <Stack gap={4}>
              <Group gap="sm">
                <Anchor component={Link} to={`/changes/${item.change.number}`} fw={600}>
                  {item.change.number}
                </Anchor>
                <RiskBadge level={item.change.riskLevel} score={item.change.riskScore} />
                <Text size="sm" c="dimmed">
                  {changeTypeLabels[item.change.type]}
                </Text>
              </Group>
              <Text>{item.change.title}</Text>
              <Text size="sm" c="dimmed">
                Stage {item.stage.position} of {item.stage.stageCount}: {item.stage.name} · {item.stage.approvals} of{' '}
                {item.stage.required} approvals · due {formatRelative(item.stage.dueAt)}
                {item.stage.escalatedAt ? ' · escalated' : ''}
                {item.stage.infoRequestedAt ? ' · information requested' : ''}
              </Text>
              <Text size="sm" c="dimmed">
                Requested by {item.change.requester.name} · planned {formatDateTime(item.change.plannedStart)}
              </Text>
              {item.canDecide && (
                <Group gap="xs" mt={4}>
                  {(['approve', 'reject', 'request_info'] as const).map((decision) => (
                    <Button
                      key={decision}
                      size="xs"
                      color={decision === 'approve' ? 'green' : decision === 'reject' ? 'red' : 'yellow'}
                      variant={decision === 'approve' ? 'filled' : 'light'}
                      onClick={() =>
                        setTarget({
                          changeId: item.change.id,
                          changeNumber: item.change.number,
                          title: item.change.title,
                          stageId: item.stage.id,
                          stageName: item.stage.name,
                          version: item.version,
                          decision,
                          reauthenticationRequired: SENSITIVE.includes(item.change.riskLevel),
                        })
                      }
                    >
                      {decision === 'approve' ? 'Approve' : decision === 'reject' ? 'Reject' : 'Request information'}
                    </Button>
                  ))}
                </Group>
              )}
            </Stack>
            <RiskMatrix probability={item.risk.probability} impact={item.risk.impact} size="sm" />
          </Group>
        </Card>
      ))}
      <DecisionModal target={target} onClose={() => setTarget(null)} />
    </Stack>
  )
}
