// /fleet/drift: unauthorized changes, a node whose driver, firmware, CUDA or GPU count differs from
// what the last completed change set. Open ones can be accepted or resolved with a note.
import { DriftStatus } from '@cabinet/contracts'
import { Anchor, Badge, Button, Group, Paper, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core'
import { useMemo, useState } from 'react'
import { Link, useSearchParams } from 'react-router'
import { EmptyResult, ErrorState, SkeletonRows } from '../../components/StatusViews'
import { formatDateTime, formatRelative } from '../../lib/datetime'
import { optionsOf } from '../../lib/labels'
import { useSession } from '../auth/api'
import { useDriftList } from './api'
import { type DriftDecision, DriftReviewModal } from './DriftReviewModal'
import { driftFieldLabels, driftStatusLabels } from './fleet-labels'
import { canReviewDrift } from './permissions'

const STATUS_OPTIONS = optionsOf(driftStatusLabels)
const COLUMNS = ['Node', 'Cluster', 'Field', 'Expected', 'Observed', 'Detected', 'Last seen', ''] as const

export function DriftListPage() {
  const [searchParams, setSearchParams] = useSearchParams()
  const parsedStatus = DriftStatus.safeParse(searchParams.get('status'))
  const status = parsedStatus.success ? parsedStatus.data : 'open'
  const list = useDriftList(status)
  const records = useMemo(() => list.data?.pages.flatMap((page) => page.items) ?? [], [list.data])
  const mayReview = canReviewDrift(useSession().data?.user) && status === 'open'
  const [reviewing, setReviewing] = useState<{ id: string; decision: DriftDecision } | null>(null)

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <Stack gap={2}>
          <Anchor component={Link} to="/fleet" size="sm">
            Fleet
          </Anchor>
          <Title order={2}>Drift</Title>
        </Stack>
        <SegmentedControl
          aria-label="Status"
          data={STATUS_OPTIONS}
          value={status}
          onChange={(value) => setSearchParams(value === 'open' ? {} : { status: value })}
        />
      </Group>
      <Text size="sm" c="dimmed">
        A node whose driver, firmware, CUDA or GPU count differs from what the last completed change set to it.
      </Text>

      {list.isError && !list.data ? (
        <ErrorState error={list.error} title="Could not load drift" onRetry={() => void list.refetch()} />
      ) : (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={1000}>
            <Table highlightOnHover verticalSpacing="xs" aria-label="Drift records" aria-busy={list.isFetching}>
              <Table.Thead>
                <Table.Tr>
                  {COLUMNS.map((column) => (
                    <Table.Th key={column}>{column === '' && status !== 'open' ? 'Reviewed' : column}</Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.isPending && <SkeletonRows columns={COLUMNS.length} rows={6} />}
                {records.map((drift) => (
                  <Table.Tr key={drift.id} data-testid="drift-row" data-field={drift.field}>
                    <Table.Td>
                      <Anchor component={Link} to={`/fleet/nodes/${drift.nodeId}`} ff="monospace" size="sm">
                        {drift.hostname}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{drift.clusterName}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color="orange" size="sm">
                        {driftFieldLabels[drift.field]}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" ff="monospace" span>
                        {drift.expected ?? '—'}
                      </Text>
                      {drift.expectedChange && (
                        <Text size="xs" span c="dimmed">
                          {' '}
                          (
                          <Anchor component={Link} to={`/changes/${drift.expectedChange.number}`} size="xs">
                            {drift.expectedChange.number}
                          </Anchor>
                          )
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" ff="monospace" span c="orange.8" fw={600}>
                        {drift.observed ?? 'none'}
                      </Text>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }} title={formatDateTime(drift.detectedAt)}>
                      {formatRelative(drift.detectedAt)}
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }} title={formatDateTime(drift.lastSeenAt)}>
                      {formatRelative(drift.lastSeenAt)}
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      {mayReview ? (
                        <Group gap={6} wrap="nowrap">
                          <Button
                            size="compact-xs"
                            variant="light"
                            onClick={() => setReviewing({ id: drift.id, decision: 'accepted' })}
                          >
                            Accept
                          </Button>
                          <Button
                            size="compact-xs"
                            variant="light"
                            color="green"
                            onClick={() => setReviewing({ id: drift.id, decision: 'resolved' })}
                          >
                            Resolve
                          </Button>
                        </Group>
                      ) : drift.reviewedBy ? (
                        <Text size="xs" c="dimmed" title={drift.note}>
                          {drift.reviewedBy.name}
                          {drift.reviewedAt ? `, ${formatRelative(drift.reviewedAt)}` : ''}
                          {drift.note ? `: ${drift.note}` : ''}
                        </Text>
                      ) : null}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {list.isSuccess && records.length === 0 && (
            <EmptyResult
              title={status === 'open' ? 'No open drift' : `Nothing ${driftStatusLabels[status].toLowerCase()}`}
              description={
                status === 'open'
                  ? 'Every node matches what its last completed change set.'
                  : 'No record has this status yet.'
              }
            />
          )}
        </Paper>
      )}
      {list.isError && list.data && (
        <ErrorState error={list.error} title="Could not refresh" onRetry={() => void list.refetch()} />
      )}
      {list.hasNextPage && (
        <Group justify="center">
          <Button
            variant="default"
            size="xs"
            loading={list.isFetchingNextPage}
            onClick={() => void list.fetchNextPage()}
          >
            Load more
          </Button>
        </Group>
      )}

      <DriftReviewModal
        drift={reviewing ? (records.find((drift) => drift.id === reviewing.id) ?? null) : null}
        decision={reviewing?.decision ?? null}
        onClose={() => setReviewing(null)}
      />
    </Stack>
  )
}
