// The audit trail of one change, oldest first: who did what, when, and what it changed.
import { Code, Group, Paper, Stack, Text, Timeline, Title, Tooltip } from '@mantine/core'
import { ErrorState, EmptyResult, LoadingBlock } from '../../components/StatusViews'
import { formatDateTime, formatRelative } from '../../lib/datetime'
import { useChangeTimeline } from './api'
import { describeAction, diffSnapshots } from './timeline-diff'

const MAX_FIELDS_SHOWN = 8

export function ChangeTimeline({ changeId }: { changeId: string }) {
  const timeline = useChangeTimeline(changeId)
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-label="Timeline">
      <Stack gap="sm">
        <Title order={4}>Timeline</Title>
        {timeline.isPending && <LoadingBlock rows={3} label="Loading the timeline" />}
        {timeline.isError && (
          <ErrorState
            error={timeline.error}
            title="Could not load the timeline"
            onRetry={() => void timeline.refetch()}
          />
        )}
        {timeline.isSuccess && timeline.data.items.length === 0 && <EmptyResult title="No events recorded yet" />}
        {timeline.isSuccess && timeline.data.items.length > 0 && (
          <Timeline active={timeline.data.items.length - 1} bulletSize={14} lineWidth={2}>
            {timeline.data.items.map((event) => {
              const changes = diffSnapshots(event.before, event.after)
              return (
                <Timeline.Item
                  key={event.id}
                  data-testid="timeline-item"
                  data-action={event.action}
                  title={
                    <Group gap="xs">
                      <Text fw={600} size="sm">
                        {describeAction(event.action)}
                      </Text>
                      <Code>{event.action}</Code>
                    </Group>
                  }
                >
                  <Text size="xs" c="dimmed">
                    {event.actor.name} ·{' '}
                    <Tooltip label={formatDateTime(event.at)}>
                      <time dateTime={event.at}>{formatRelative(event.at)}</time>
                    </Tooltip>
                  </Text>
                  {changes.length > 0 && (
                    <Stack gap={0} mt={4}>
                      {changes.slice(0, MAX_FIELDS_SHOWN).map((change) => (
                        <Text size="xs" key={change.field} ff="monospace">
                          {change.field}: {change.before === null ? '' : `${change.before} → `}
                          {change.after ?? '(removed)'}
                        </Text>
                      ))}
                      {changes.length > MAX_FIELDS_SHOWN && (
                        <Text size="xs" c="dimmed">
                          and {changes.length - MAX_FIELDS_SHOWN} more fields
                        </Text>
                      )}
                    </Stack>
                  )}
                </Timeline.Item>
              )
            })}
          </Timeline>
        )}
      </Stack>
    </Paper>
  )
}
