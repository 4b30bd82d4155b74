// The person's iCalendar feed: make or rotate the secret URL (shown once), or revoke it.
import { CalendarFeedCreated, CalendarFeedStatus } from '@cabinet/contracts'
import { Button, Code, Group, Paper, Stack, Text, Title } from '@mantine/core'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { apiRequest, NoContent } from '../../lib/api-client'

const FEED_KEY = ['schedule', 'feed'] as const

export function CalendarFeedCard() {
  const client = useQueryClient()
  const status = useQuery({
    queryKey: FEED_KEY,
    queryFn: ({ signal }) => apiRequest('GET', '/calendar/feed', CalendarFeedStatus, { signal }),
  })
  const issue = useMutation({
    mutationFn: () => apiRequest('POST', '/calendar/feed', CalendarFeedCreated),
    onSuccess: () => client.invalidateQueries({ queryKey: FEED_KEY }),
  })
  const revoke = useMutation({
    mutationFn: () => apiRequest('DELETE', '/calendar/feed', NoContent),
    onSuccess: () => {
      issue.reset()
      return client.invalidateQueries({ queryKey: FEED_KEY })
    },
  })
  return (
    <Paper withBorder p="md">
      <Stack gap="xs">
        <Title order={4}>Subscribe in your calendar</Title>
        <Text size="sm" c="dimmed">
          A private iCalendar URL for Google, Outlook or Apple Calendar. Anyone with it can read the schedule: rotate or
          revoke it if it leaks.
        </Text>
        {issue.data && (
          <Code block data-testid="feed-url">
            {issue.data.url}
          </Code>
        )}
        <Group>
          <Button size="xs" onClick={() => issue.mutate()} loading={issue.isPending}>
            {status.data?.active ? 'Rotate URL' : 'Create URL'}
          </Button>
          {status.data?.active && (
            <Button size="xs" color="red" variant="light" onClick={() => revoke.mutate()} loading={revoke.isPending}>
              Revoke
            </Button>
          )}
        </Group>
      </Stack>
    </Paper>
  )
}
