// /cab/meetings/:id: a CAB meeting. Before it starts, its agenda can be rebuilt; starting it freezes
// the agenda and records who is present; then each agenda item's decision is recorded for the
// attending members who voted, and the meeting is closed. The minutes download as Markdown.
import { Alert, Anchor, Button, Checkbox, Group, Paper, Stack, Text, Title } from '@mantine/core'
import { IconFileText } from '@tabler/icons-react'
import { useEffect, useState } from 'react'
import { Link, useParams } from 'react-router'
import { ErrorState, errorMessage, LoadingBlock } from '../../components/StatusViews'
import { formatDateTime } from '../../lib/datetime'
import { useSession } from '../auth/api'
import { minutesUrl, useCloseMeeting, useMeeting, useRecordAttendance, useRefreshAgenda, useStartMeeting } from './api'
import { AgendaItemCard } from './AgendaItemCard'
import { canRunMeetings } from './labels'
import { MeetingStatusBadge } from './MeetingStatusBadge'

export function MeetingPage() {
  const { id = '' } = useParams()
  const meeting = useMeeting(id)
  const session = useSession()
  const canRun = canRunMeetings(session.data?.user)
  const refresh = useRefreshAgenda(id)
  const start = useStartMeeting(id)
  const attendance = useRecordAttendance(id)
  const close = useCloseMeeting(id)
  const [present, setPresent] = useState<string[]>([])
  const data = meeting.data

  // Attendance checkboxes start from what is recorded (everyone, before the meeting starts).
  useEffect(() => {
    if (!data) return
    setPresent(
      data.status === 'scheduled'
        ? data.attendees.map((attendee) => attendee.id)
        : data.attendees.filter((attendee) => attendee.present).map((attendee) => attendee.id),
    )
  }, [data])

  if (meeting.isPending) return <LoadingBlock rows={8} label="Loading the meeting" />
  if (meeting.isError || !data)
    return (
      <ErrorState error={meeting.error} title="Could not load the meeting" onRetry={() => void meeting.refetch()} />
    )

  const failure = refresh.error ?? start.error ?? attendance.error ?? close.error
  const recorded = data.attendees.filter((attendee) => attendee.present).map((attendee) => attendee.id)
  const attendanceChanged =
    data.status === 'in_progress' && (present.length !== recorded.length || present.some((p) => !recorded.includes(p)))

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Anchor component={Link} to="/cab/meetings" size="sm">
            CAB meetings
          </Anchor>
          <Group gap="sm">
            <Title order={2}>{data.title}</Title>
            <MeetingStatusBadge status={data.status} />
          </Group>
          <Text size="sm" c="dimmed">
            {formatDateTime(data.startsAt)} to {formatDateTime(data.endsAt)} · agenda: changes planned to start before{' '}
            {formatDateTime(data.horizonEnd)} · chair {data.createdBy.name}
          </Text>
        </Stack>
        <Group gap="xs">
          <Button
            component="a"
            href={minutesUrl(data.id)}
            download
            variant="default"
            size="xs"
            leftSection={<IconFileText size={16} />}
          >
            Download minutes (Markdown)
          </Button>
          {canRun && data.status === 'scheduled' && (
            <>
              <Button
                size="xs"
                variant="default"
                loading={refresh.isPending}
                onClick={() => refresh.mutate(data.version)}
              >
                Refresh agenda
              </Button>
              <Button
                size="xs"
                loading={start.isPending}
                onClick={() => start.mutate({ version: data.version, presentUserIds: present })}
              >
                Start meeting
              </Button>
            </>
          )}
          {canRun && data.status === 'in_progress' && (
            <Button size="xs" color="gray" loading={close.isPending} onClick={() => close.mutate(data.version)}>
              Close meeting
            </Button>
          )}
        </Group>
      </Group>

      {failure && (
        <Alert color="red" variant="light" role="alert">
          {errorMessage(failure)}
        </Alert>
      )}

      <Paper withBorder p="md" radius="md" component="section" aria-label="Attendees">
        <Stack gap="xs">
          <Title order={4}>Attendees</Title>
          <Text size="sm" c="dimmed">
            {data.status === 'scheduled'
              ? 'Untick anyone who will not be there before starting the meeting.'
              : 'Only members recorded as present can vote.'}
          </Text>
          <Group gap="lg">
            {data.attendees.map((attendee) => (
              <Checkbox
                key={attendee.id}
                label={attendee.name}
                checked={present.includes(attendee.id)}
                disabled={!canRun || data.status === 'closed'}
                onChange={(event) => {
                  const checked = event.currentTarget.checked
                  setPresent((current) =>
                    checked ? [...current, attendee.id] : current.filter((userId) => userId !== attendee.id),
                  )
                }}
              />
            ))}
          </Group>
          {canRun && attendanceChanged && (
            <Group>
              <Button
                size="xs"
                variant="light"
                loading={attendance.isPending}
                onClick={() => attendance.mutate({ version: data.version, presentUserIds: present })}
              >
                Save attendance
              </Button>
            </Group>
          )}
        </Stack>
      </Paper>

      <Stack gap="sm" component="section" aria-label="Agenda">
        <Title order={4}>Agenda</Title>
        {data.items.length === 0 && (
          <Text c="dimmed">No changes awaiting authorization are planned to start in this meeting's horizon.</Text>
        )}
        {data.items.map((item) => (
          <AgendaItemCard
            key={item.id}
            meetingId={data.id}
            item={item}
            attendees={data.attendees.filter((attendee) => attendee.present)}
            canRecord={canRun && data.status === 'in_progress'}
          />
        ))}
      </Stack>
    </Stack>
  )
}
