// /cab/meetings: CAB meetings, newest first, and the form to schedule one.
import { Anchor, Badge, Button, Group, Stack, Table, Text, Title } from '@mantine/core'
import { IconPlus } from '@tabler/icons-react'
import { useState } from 'react'
import { Link } from 'react-router'
import { EmptyResult, ErrorState, LoadingBlock } from '../../components/StatusViews'
import { formatDateTime } from '../../lib/datetime'
import { useSession } from '../auth/api'
import { useMeetings } from './api'
import { canRunMeetings } from './labels'
import { MeetingStatusBadge } from './MeetingStatusBadge'
import { ScheduleMeetingModal } from './ScheduleMeetingModal'

export function MeetingsPage() {
  const meetings = useMeetings()
  const session = useSession()
  const [scheduling, setScheduling] = useState(false)
  const canRun = canRunMeetings(session.data?.user)

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>CAB meetings</Title>
        <Group gap="xs">
          <Button component={Link} to="/cab" variant="subtle" size="xs">
            Review queue
          </Button>
          {canRun && (
            <Button size="xs" leftSection={<IconPlus size={16} />} onClick={() => setScheduling(true)}>
              Schedule a meeting
            </Button>
          )}
        </Group>
      </Group>
      {meetings.isPending && <LoadingBlock rows={5} label="Loading meetings" />}
      {meetings.isError && (
        <ErrorState
          error={meetings.error}
          title="Could not load the meetings"
          onRetry={() => void meetings.refetch()}
        />
      )}
      {meetings.data?.items.length === 0 && (
        <EmptyResult title="No meetings yet" description="Schedule one to review the changes awaiting authorization." />
      )}
      {meetings.data && meetings.data.items.length > 0 && (
        <Table striped highlightOnHover aria-label="CAB meetings">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Meeting</Table.Th>
              <Table.Th>Starts</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Agenda</Table.Th>
              <Table.Th>Attendees</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {meetings.data.items.map((meeting) => (
              <Table.Tr key={meeting.id} data-testid="meeting-row">
                <Table.Td>
                  <Anchor component={Link} to={`/cab/meetings/${meeting.id}`}>
                    {meeting.title}
                  </Anchor>
                </Table.Td>
                <Table.Td>{formatDateTime(meeting.startsAt)}</Table.Td>
                <Table.Td>
                  <MeetingStatusBadge status={meeting.status} />
                </Table.Td>
                <Table.Td>
                  <Badge variant="light">{meeting.itemCount} changes</Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{meeting.attendeeCount}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <ScheduleMeetingModal opened={scheduling} onClose={() => setScheduling(false)} />
    </Stack>
  )
}
