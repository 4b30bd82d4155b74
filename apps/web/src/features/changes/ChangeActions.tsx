// One button per transition the server says this person may take now (`availableEvents`), plus
// Edit while the change is `new` and this person may edit it (its requester, a change manager or an
// admin). Refusals are shown as the server words them; a stale version reloads the change so the
// next try acts on what is really there.
import type { ChangeDetail, ChangeEventType, TransitionBody } from '@cabinet/contracts'
import { Alert, Button, Group } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconPencil } from '@tabler/icons-react'
import { useState } from 'react'
import { Link } from 'react-router'
import { errorMessage } from '../../components/StatusViews'
import { isApiError } from '../../lib/api-client'
import { changeEventLabel } from '../../lib/labels'
import { useSession } from '../auth/api'
import { canEditChange } from '../auth/permissions'
import { useReloadChange, useTransitionChange } from './api'
import { DIALOG_EVENTS, type DialogEvent, TransitionModal } from './TransitionModal'

const isDialogEvent = (event: ChangeEventType): event is DialogEvent =>
  DIALOG_EVENTS.some((candidate) => candidate === event)

/** Events that take the change backwards or end it look different from the way forward. */
const DESTRUCTIVE: ReadonlySet<ChangeEventType> = new Set(['reject', 'cancel'])

export function ChangeActions({ change }: { change: ChangeDetail }) {
  const transition = useTransitionChange(change.id)
  const reload = useReloadChange()
  const session = useSession()
  const [dialog, setDialog] = useState<DialogEvent | null>(null)
  const [pendingEvent, setPendingEvent] = useState<ChangeEventType | null>(null)
  const [refusal, setRefusal] = useState<unknown>(null)

  /** Sends a transition; rethrows so a dialog can show the problem where it was asked. */
  const send = async (body: TransitionBody) => {
    try {
      const next = await transition.mutateAsync(body)
      notifications.show({ color: 'green', message: `${next.number} is now ${next.state}` })
    } catch (error) {
      if (isApiError(error, 'STALE_VERSION')) {
        notifications.show({
          color: 'orange',
          title: 'This change was updated by someone else',
          message: 'The latest version has been loaded. Check it and try again.',
        })
        await reload(change)
      }
      throw error
    }
  }

  const onClick = async (event: ChangeEventType) => {
    setRefusal(null)
    if (isDialogEvent(event)) {
      setDialog(event)
      return
    }
    setPendingEvent(event)
    try {
      await send({ event, version: change.version })
    } catch (error) {
      // A stale version was already announced and reloaded by `send`; anything else stays on screen.
      if (!isApiError(error, 'STALE_VERSION')) setRefusal(error)
    } finally {
      setPendingEvent(null)
    }
  }

  const canEdit = canEditChange(session.data?.user, change)
  if (!canEdit && change.availableEvents.length === 0) return null

  return (
    <>
      <Group gap="sm" aria-label="Actions" role="group">
        {canEdit && (
          <Button
            component={Link}
            to={`/changes/${change.number}/edit`}
            variant="default"
            leftSection={<IconPencil size={16} />}
          >
            Edit
          </Button>
        )}
        {change.availableEvents.map((event) => (
          <Button
            key={event}
            color={DESTRUCTIVE.has(event) ? 'red' : undefined}
            variant={DESTRUCTIVE.has(event) ? 'light' : 'filled'}
            loading={pendingEvent === event}
            disabled={pendingEvent !== null && pendingEvent !== event}
            onClick={() => void onClick(event)}
          >
            {changeEventLabel(event, change.type)}
          </Button>
        ))}
      </Group>
      {refusal !== null && (
        <Alert
          color="red"
          variant="light"
          role="alert"
          title={isApiError(refusal, 'TRANSITION_REFUSED') ? 'The change cannot move on yet' : 'That did not work'}
          withCloseButton
          onClose={() => setRefusal(null)}
          data-testid="transition-error"
        >
          {errorMessage(refusal)}
        </Alert>
      )}
      <TransitionModal event={dialog} change={change} onClose={() => setDialog(null)} onConfirm={send} />
    </>
  )
}
