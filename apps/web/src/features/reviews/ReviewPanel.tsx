// The post-implementation review of a change, on its detail page: start one where none exists yet,
// fill it in, complete it (which lets the change close), and track its action items.
import type { ChangeDetail } from '@cabinet/contracts'
import { Alert, Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { ErrorState, LoadingBlock, errorMessage } from '../../components/StatusViews'
import { isApiError } from '../../lib/api-client'
import { formatDateTime } from '../../lib/datetime'
import { useSession } from '../auth/api'
import { ActionItems } from './ActionItems'
import { useCompleteReview, useReview, useStartReview } from './api'
import { ReviewForm } from './ReviewForm'

const REVIEWABLE_STATES = new Set(['implement', 'review'])
const reasonLabels: Record<string, string> = {
  emergency: 'emergency change',
  break_fix: 'break-fix',
  failed: 'failed',
  rolled_back: 'rolled back',
  sampled: 'sampled for review',
  requested: 'started by hand',
}

export function ReviewPanel({ change }: { change: ChangeDetail }) {
  const review = useReview(change.id)
  const start = useStartReview(change.id)
  const complete = useCompleteReview(change.id)
  const user = useSession().data?.user
  const canWrite = Boolean(user?.roles.some((role) => role !== 'auditor'))

  if (!REVIEWABLE_STATES.has(change.state) && review.data === null) return null
  if (review.isPending) return <LoadingBlock rows={3} label="Loading the review" />
  if (review.isError)
    return <ErrorState error={review.error} title="Could not load the review" onRetry={() => void review.refetch()} />

  const data = review.data
  if (!data) {
    return (
      <Paper withBorder radius="md" p="md" aria-label="Post-implementation review" component="section">
        <Group justify="space-between">
          <Stack gap={2}>
            <Title order={4}>Post-implementation review</Title>
            <Text size="sm" c="dimmed">
              No review yet. A change closed as failed or rolled back needs one.
            </Text>
          </Stack>
          {canWrite && (
            <Button
              variant="light"
              loading={start.isPending}
              onClick={() =>
                start.mutate(
                  {},
                  {
                    onError: (error) =>
                      notifications.show({
                        color: 'red',
                        title: 'Could not start the review',
                        message: errorMessage(error),
                      }),
                  },
                )
              }
            >
              Start review
            </Button>
          )}
        </Group>
      </Paper>
    )
  }

  const mayComplete =
    data.status === 'open' &&
    Boolean(user) &&
    (data.reviewer?.id === user?.id || user?.roles.some((r) => r === 'change_manager' || r === 'admin'))
  const completeIssues = isApiError(complete.error) ? complete.error.fieldIssues : []

  return (
    <Paper withBorder radius="md" p="md" aria-label="Post-implementation review" component="section">
      <Stack gap="sm">
        <Group justify="space-between">
          <Group gap="xs">
            <Title order={4}>Post-implementation review</Title>
            <Badge
              color={data.status === 'completed' ? 'green' : data.overdue ? 'red' : 'yellow'}
              data-testid="review-status"
            >
              {data.status === 'completed' ? 'completed' : data.overdue ? 'overdue' : 'open'}
            </Badge>
            <Text size="xs" c="dimmed">
              {reasonLabels[data.reason] ?? data.reason} · due {formatDateTime(data.dueAt)}
            </Text>
          </Group>
          {mayComplete && (
            <Button
              color="green"
              loading={complete.isPending}
              onClick={() =>
                complete.mutate(
                  { version: data.version },
                  {
                    onSuccess: () =>
                      notifications.show({ color: 'green', message: `The review of ${change.number} is completed` }),
                  },
                )
              }
            >
              Complete review
            </Button>
          )}
        </Group>
        {complete.isError && (
          <Alert color="red" title="The review cannot be completed yet">
            {completeIssues.length > 0
              ? completeIssues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')
              : errorMessage(complete.error)}
          </Alert>
        )}
        {data.status === 'completed' && (
          <Text size="sm" c="dimmed">
            Completed by {data.completedBy?.name ?? 'someone'}{' '}
            {data.completedAt ? formatDateTime(data.completedAt) : ''}
          </Text>
        )}
        <ReviewForm
          key={data.version}
          review={data}
          changeId={change.id}
          readOnly={!canWrite || data.status !== 'open'}
        />
        <ActionItems changeId={change.id} items={data.actionItems} canEdit={canWrite} />
      </Stack>
    </Paper>
  )
}
