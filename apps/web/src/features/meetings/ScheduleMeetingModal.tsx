// Scheduling a CAB meeting: title, when, the agenda horizon, and attendees picked from the members
// of the CAB groups (the API refuses anyone else). Opens the new meeting's page when it is created.
import { Alert, Button, Group, Modal, MultiSelect, SimpleGrid, Stack, Text, TextInput } from '@mantine/core'
import dayjs from 'dayjs'
import { useState } from 'react'
import { useNavigate } from 'react-router'
import { requiredInput } from '../../components/required'
import { errorMessage } from '../../components/StatusViews'
import { isApiError } from '../../lib/api-client'
import { fromLocalInputValue, toLocalInputValue } from '../../lib/datetime'
import { useMeetingCandidates, useScheduleMeeting } from './api'

interface Draft {
  title: string
  startsAt: string
  endsAt: string
  horizonEnd: string
  attendeeIds: string[]
}

function initialDraft(): Draft {
  const start = dayjs().add(1, 'day').hour(10).minute(0).second(0).millisecond(0)
  return {
    title: `CAB ${start.format('YYYY-MM-DD')}`,
    startsAt: toLocalInputValue(start.toISOString()),
    endsAt: toLocalInputValue(start.add(1, 'hour').toISOString()),
    horizonEnd: toLocalInputValue(start.add(14, 'day').toISOString()),
    attendeeIds: [],
  }
}

/** The server's (or the client-side contract check's) issues by field. */
function issuesOf(error: unknown): Record<string, string> {
  if (!isApiError(error)) return {}
  const issues = (error.details as { issues?: { path: string; message: string }[] } | undefined)?.issues ?? []
  return Object.fromEntries(issues.map((issue) => [issue.path.split('.')[0] ?? issue.path, issue.message]))
}

export function ScheduleMeetingModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const [draft, setDraft] = useState<Draft>(initialDraft)
  const candidates = useMeetingCandidates(opened)
  const schedule = useScheduleMeeting()
  const navigate = useNavigate()
  const issues = issuesOf(schedule.error)
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((current) => ({ ...current, [key]: value }))

  const submit = () =>
    schedule.mutate(
      {
        title: draft.title,
        startsAt: fromLocalInputValue(draft.startsAt),
        endsAt: fromLocalInputValue(draft.endsAt),
        horizonEnd: fromLocalInputValue(draft.horizonEnd),
        attendeeIds: draft.attendeeIds,
      },
      {
        onSuccess: (meeting) => {
          onClose()
          setDraft(initialDraft())
          void navigate(`/cab/meetings/${meeting.id}`)
        },
      },
    )

  return (
    <Modal opened={opened} onClose={onClose} title="Schedule a CAB meeting" size="lg">
      <Stack gap="sm">
        <TextInput
          label="Title"
          {...requiredInput}
          value={draft.title}
          error={issues.title}
          onChange={(event) => set('title', event.currentTarget.value)}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            type="datetime-local"
            label="Starts"
            {...requiredInput}
            value={draft.startsAt}
            error={issues.startsAt}
            onChange={(event) => set('startsAt', event.currentTarget.value)}
          />
          <TextInput
            type="datetime-local"
            label="Ends"
            {...requiredInput}
            value={draft.endsAt}
            error={issues.endsAt}
            onChange={(event) => set('endsAt', event.currentTarget.value)}
          />
        </SimpleGrid>
        <TextInput
          type="datetime-local"
          label="Agenda horizon"
          description="The agenda lists the changes awaiting authorization planned to start before this"
          {...requiredInput}
          value={draft.horizonEnd}
          error={issues.horizonEnd}
          onChange={(event) => set('horizonEnd', event.currentTarget.value)}
        />
        <MultiSelect
          label="Attendees"
          description="Members of the CAB groups"
          placeholder={candidates.isPending ? 'Loading members' : 'Pick attendees'}
          searchable
          {...requiredInput}
          data={(candidates.data?.items ?? []).map((candidate) => ({
            value: candidate.id,
            label: `${candidate.name} (${candidate.groupKinds.join(', ')})`,
          }))}
          value={draft.attendeeIds}
          error={issues.attendeeIds}
          onChange={(attendeeIds) => set('attendeeIds', attendeeIds)}
        />
        {candidates.isError && <Text c="red">Could not load the CAB members: {errorMessage(candidates.error)}</Text>}
        {schedule.isError && (
          <Alert color="red" variant="light" role="alert">
            {errorMessage(schedule.error)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={submit} loading={schedule.isPending}>
            Schedule
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}
