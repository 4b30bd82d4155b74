// /reviews: the post-implementation reviews still open (overdue first by due date), the action items
// past their due date, and the reminders the worker recorded for them.
import { Anchor, Badge, Paper, Stack, Table, Text, Title } from '@mantine/core'
import type { ReactNode } from 'react'
import { Link } from 'react-router'
import { ErrorState, LoadingBlock } from '../../components/StatusViews'
import { formatDateTime, formatRelative } from '../../lib/datetime'
import { useOpenReviews, useOverdueActionItems, useReminders } from './api'

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label={title}>
      <Stack gap="xs">
        <Title order={4}>{title}</Title>
        {children}
      </Stack>
    </Paper>
  )
}

const changeLink = (change: { number: string }) => (
  <Anchor component={Link} to={`/changes/${change.number}`}>
    {change.number}
  </Anchor>
)

export function ReviewsPage() {
  const reviews = useOpenReviews()
  const items = useOverdueActionItems()
  const reminders = useReminders()

  return (
    <Stack gap="md">
      <Title order={2}>Reviews</Title>
      <Section title="Open reviews">
        {reviews.isPending ? (
          <LoadingBlock rows={4} />
        ) : reviews.isError ? (
          <ErrorState error={reviews.error} title="Could not load the reviews" onRetry={() => void reviews.refetch()} />
        ) : reviews.data.items.length === 0 ? (
          <Text c="dimmed">No review is open.</Text>
        ) : (
          <Table aria-label="Open reviews">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Change</Table.Th>
                <Table.Th>Title</Table.Th>
                <Table.Th>Why</Table.Th>
                <Table.Th>Reviewer</Table.Th>
                <Table.Th>Due</Table.Th>
                <Table.Th>Open actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {reviews.data.items.map((review) => (
                <Table.Tr key={review.id} data-testid="open-review">
                  <Table.Td>{changeLink(review.change)}</Table.Td>
                  <Table.Td>{review.change.title}</Table.Td>
                  <Table.Td>{review.reason.replace('_', ' ')}</Table.Td>
                  <Table.Td>{review.reviewer?.name ?? 'Unassigned'}</Table.Td>
                  <Table.Td>
                    {formatDateTime(review.dueAt)}{' '}
                    {review.overdue && (
                      <Badge color="red" size="xs">
                        overdue
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>{review.openActionItems}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Section>
      <Section title="Overdue action items">
        {items.isPending ? (
          <LoadingBlock rows={3} />
        ) : items.isError ? (
          <ErrorState
            error={items.error}
            title="Could not load the action items"
            onRetry={() => void items.refetch()}
          />
        ) : items.data.items.length === 0 ? (
          <Text c="dimmed">Nothing is overdue.</Text>
        ) : (
          <Table aria-label="Overdue action items">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Change</Table.Th>
                <Table.Th>Action</Table.Th>
                <Table.Th>Owner</Table.Th>
                <Table.Th>Due</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.data.items.map((item) => (
                <Table.Tr key={item.id}>
                  <Table.Td>{changeLink(item.change)}</Table.Td>
                  <Table.Td>{item.title}</Table.Td>
                  <Table.Td>{item.owner?.name ?? 'Unassigned'}</Table.Td>
                  <Table.Td>{formatRelative(item.dueAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Section>
      <Section title="Reminders sent">
        {reminders.isPending ? (
          <LoadingBlock rows={3} />
        ) : reminders.isError ? (
          <ErrorState
            error={reminders.error}
            title="Could not load the reminders"
            onRetry={() => void reminders.refetch()}
          />
        ) : reminders.data.items.length === 0 ? (
          <Text c="dimmed">No reminder yet: the worker records one a day for each overdue review and action item.</Text>
        ) : (
          <Table aria-label="Reminders">
            <Table.Tbody>
              {reminders.data.items.map((reminder) => (
                <Table.Tr key={reminder.id}>
                  <Table.Td>{reminder.day}</Table.Td>
                  <Table.Td>{reminder.recipient?.name ?? 'nobody assigned'}</Table.Td>
                  <Table.Td>{reminder.message}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Section>
    </Stack>
  )
}
