// Accept or resolve an unauthorized change, with a note. The review names the version last read; if
// someone else got there first (409), the reason is shown and the list reloads, so the next try
// acts on what is really there.
import type { DriftView } from '@cabinet/contracts'
import { Alert, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { type FormEvent, useState } from 'react'
import { errorMessage } from '../../components/StatusViews'
import { isApiError } from '../../lib/api-client'
import { useReloadDrift, useReviewDrift } from './api'
import { driftFieldLabels } from './fleet-labels'

export type DriftDecision = 'accepted' | 'resolved'

const COPY: Record<DriftDecision, { title: string; confirm: string; color: string; help: string }> = {
  accepted: {
    title: 'Accept this change',
    confirm: 'Accept',
    color: 'indigo',
    help: 'The observed value becomes what is expected of this node.',
  },
  resolved: {
    title: 'Mark as resolved',
    confirm: 'Resolve',
    color: 'green',
    help: 'The node has been put back to what the last change set.',
  },
}

export interface DriftReviewModalProps {
  /** The record as the list has it now (null once it left the list); re-read after a reload. */
  drift: DriftView | null
  decision: DriftDecision | null
  onClose: () => void
}

export function DriftReviewModal({ drift, decision, onClose }: DriftReviewModalProps) {
  return (
    <Modal opened={decision !== null} onClose={onClose} title={decision ? COPY[decision].title : ''} centered>
      {decision && <DriftReviewForm key={decision} drift={drift} decision={decision} onClose={onClose} />}
    </Modal>
  )
}

function DriftReviewForm({
  drift,
  decision,
  onClose,
}: {
  drift: DriftView | null
  decision: DriftDecision
  onClose: () => void
}) {
  const review = useReviewDrift()
  const reload = useReloadDrift()
  const [note, setNote] = useState('')
  const [failure, setFailure] = useState<unknown>(null)

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    if (!drift) return
    setFailure(null)
    try {
      await review.mutateAsync({ id: drift.id, body: { version: drift.version, status: decision, note } })
      notifications.show({
        color: 'green',
        message: `${drift.hostname}: ${driftFieldLabels[drift.field]} ${decision}.`,
      })
      onClose()
    } catch (error) {
      setFailure(error)
      // Someone else reviewed or changed it: show why, and fetch what is there now.
      if (isApiError(error) && error.status === 409) await reload()
    }
  }

  const noteIssue = isApiError(failure)
    ? failure.fieldIssues.find((issue) => issue.path === 'note')?.message
    : undefined
  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <Stack>
        {drift ? (
          <Text size="sm">
            <Text span ff="monospace">
              {drift.hostname}
            </Text>
            : {driftFieldLabels[drift.field]} expected {drift.expected ?? 'nothing recorded'}, observed{' '}
            {drift.observed ?? 'none'}.
          </Text>
        ) : (
          <Text size="sm">This record is no longer open: someone else has reviewed it.</Text>
        )}
        <Text size="sm" c="dimmed">
          {COPY[decision].help}
        </Text>
        {failure !== null && !noteIssue && (
          <Alert color={isApiError(failure) && failure.status === 409 ? 'orange' : 'red'} variant="light" role="alert">
            <Text size="sm">{errorMessage(failure)}</Text>
            {isApiError(failure) && failure.status === 409 && (
              <Text size="sm" mt={4}>
                The list has been reloaded with what is there now.
              </Text>
            )}
          </Alert>
        )}
        <Textarea
          label="Note"
          description="Why: the people reading the audit trail see this."
          autosize
          minRows={3}
          maxLength={2000}
          value={note}
          onChange={(event) => setNote(event.currentTarget.value)}
          error={noteIssue}
          data-autofocus
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={review.isPending}>
            Back
          </Button>
          <Button type="submit" color={COPY[decision].color} loading={review.isPending} disabled={!drift}>
            {COPY[decision].confirm}
          </Button>
        </Group>
      </Stack>
    </form>
  )
}
