// In the change form: the conflicts of the time being picked, live, and "Suggest a slot", whose
// choices fill in the planned start and end.
import { Button, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { useMemo } from 'react'
import { errorMessage } from '../../components/StatusViews'
import { formatDateTime, fromLocalInputValue, isValidTimestamp, toLocalInputValue } from '../../lib/datetime'
import type { ChangeDraft } from '../changes/change-draft'
import { type PreviewInput, useConflictPreview, useSuggestSlots } from './api'
import { ConflictList } from './ConflictList'

export interface SchedulePreviewProps {
  draft: Pick<ChangeDraft, 'type' | 'category' | 'plannedStart' | 'plannedEnd' | 'affectedItems' | 'implementerId'>
  /** The change being edited, so it does not conflict with itself. */
  changeId?: string
  /** Fills the form's planned start and end with a suggested slot (`datetime-local` values). */
  onPickSlot: (plannedStart: string, plannedEnd: string) => void
}

export function SchedulePreview({ draft, changeId, onPickSlot }: SchedulePreviewProps) {
  const props = { ...draft, changeId }
  const start = fromLocalInputValue(props.plannedStart)
  const end = fromLocalInputValue(props.plannedEnd)
  const ready =
    props.category !== '' &&
    props.affectedItems.length > 0 &&
    isValidTimestamp(start) &&
    isValidTimestamp(end) &&
    end > start
  const input = useMemo<PreviewInput>(
    () =>
      ready
        ? {
            type: props.type,
            category: props.category as 'software',
            affectedItems: props.affectedItems.map((item) => ({ kind: item.kind, id: item.id })),
            plannedStart: start,
            plannedEnd: end,
            implementerId: props.implementerId,
            ...(props.changeId ? { changeId: props.changeId } : {}),
          }
        : null,
    [ready, props.type, props.category, props.affectedItems, start, end, props.implementerId, props.changeId],
  )
  const [debounced] = useDebouncedValue(input, 400)
  const preview = useConflictPreview(debounced)
  const suggest = useSuggestSlots()
  const durationMinutes = ready ? Math.max(1, Math.round((Date.parse(end) - Date.parse(start)) / 60_000)) : 0

  return (
    <Paper withBorder p="md" mt="md" data-testid="schedule-preview">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={4}>Schedule</Title>
          {preview.isFetching && <Loader size="xs" />}
        </Group>
        {!ready && (
          <Text size="sm" c="dimmed">
            Pick a category, affected items and a time to check it against freezes, windows and other changes.
          </Text>
        )}
        {ready && debounced && preview.data && <ConflictList conflicts={preview.data.conflicts} />}
        {preview.isError && <Text c="red">{errorMessage(preview.error)}</Text>}
        <Button
          variant="light"
          disabled={!ready || durationMinutes > 14 * 24 * 60}
          loading={suggest.isPending}
          onClick={() =>
            suggest.mutate({
              affectedItems: props.affectedItems.map((item) => ({ kind: item.kind, id: item.id })),
              durationMinutes,
              after: start,
              category: props.category as 'software',
              implementerId: props.implementerId,
              ...(props.changeId ? { changeId: props.changeId } : {}),
            })
          }
        >
          Suggest a slot
        </Button>
        {suggest.isError && <Text c="red">{errorMessage(suggest.error)}</Text>}
        {suggest.data && (
          <Stack gap={4} data-testid="suggested-slots">
            {suggest.data.slots.length === 0 && <Text size="sm">No free slot in the next 90 days.</Text>}
            {suggest.data.slots.map((slot) => (
              <Button
                key={slot.start}
                size="xs"
                variant="subtle"
                justify="start"
                onClick={() => onPickSlot(toLocalInputValue(slot.start), toLocalInputValue(slot.end))}
              >
                {formatDateTime(slot.start)} – {formatDateTime(slot.end)}
              </Button>
            ))}
          </Stack>
        )}
      </Stack>
    </Paper>
  )
}
