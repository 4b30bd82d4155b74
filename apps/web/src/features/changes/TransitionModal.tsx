// The questions some transitions must ask first: a comment to reject, a reason to cancel, a close
// code to close, and an optional risk override (with its reason) when requesting authorization.
import { type ChangeDetail, CloseCode, RiskLevel, type TransitionBody } from '@cabinet/contracts'
import { Alert, Button, Group, Modal, NativeSelect, Stack, Switch, Text, Textarea } from '@mantine/core'
import { type FormEvent, useState } from 'react'
import { requiredInput } from '../../components/required'
import { errorMessage } from '../../components/StatusViews'
import { ApiError, CLIENT_ERROR_CODES, isApiError } from '../../lib/api-client'
import { assertNever, closeCodeLabels, optionsOf, riskLevelLabels } from '../../lib/labels'

/** The events that need more than a click. */
export type DialogEvent = 'reject' | 'cancel' | 'close' | 'request_authorization'

export const DIALOG_EVENTS: readonly DialogEvent[] = ['reject', 'cancel', 'close', 'request_authorization']

const COPY: Record<DialogEvent, { title: string; confirm: string; color: string }> = {
  reject: { title: 'Reject this change', confirm: 'Reject change', color: 'red' },
  cancel: { title: 'Cancel this change', confirm: 'Confirm cancellation', color: 'red' },
  close: { title: 'Close this change', confirm: 'Confirm close', color: 'indigo' },
  request_authorization: { title: 'Request authorization', confirm: 'Send for authorization', color: 'indigo' },
}

const CLOSE_CODE_OPTIONS = [{ value: '', label: 'Choose a close code' }, ...optionsOf(closeCodeLabels)]
const RISK_OPTIONS = optionsOf(riskLevelLabels)

export interface TransitionModalProps {
  event: DialogEvent | null
  change: ChangeDetail
  onClose: () => void
  /** Rejects with an ApiError; field issues are shown at their fields, the rest above them. */
  onConfirm: (body: TransitionBody) => Promise<void>
}

export function TransitionModal({ event, change, onClose, onConfirm }: TransitionModalProps) {
  return (
    <Modal opened={event !== null} onClose={onClose} title={event ? COPY[event].title : ''} centered>
      {/* Keyed by event so every opening starts with empty answers. */}
      {event && <TransitionForm key={event} event={event} change={change} onClose={onClose} onConfirm={onConfirm} />}
    </Modal>
  )
}

function TransitionForm({ event, change, onClose, onConfirm }: TransitionModalProps & { event: DialogEvent }) {
  const [text, setText] = useState('')
  const [closeCode, setCloseCode] = useState<CloseCode | ''>('')
  const [override, setOverride] = useState(false)
  const [overrideLevel, setOverrideLevel] = useState<RiskLevel>(change.risk.level)
  const [pending, setPending] = useState(false)
  const [failure, setFailure] = useState<unknown>(null)

  const issueAt = (path: string) =>
    isApiError(failure) ? failure.fieldIssues.find((issue) => issue.path === path)?.message : undefined

  /** The body to send, or the field problem that stops it (only the close code is not free text). */
  const body = (): TransitionBody | ApiError => {
    const version = change.version
    switch (event) {
      case 'reject':
        return { event, version, comment: text }
      case 'cancel':
        return { event, version, reason: text }
      case 'close':
        if (closeCode === '') {
          return new ApiError({
            status: 400,
            code: CLIENT_ERROR_CODES.validation,
            message: 'Choose a close code',
            details: { issues: [{ path: 'closeCode', message: 'Choose a close code' }] },
          })
        }
        return { event, version, closeCode, notes: text }
      case 'request_authorization':
        return override ? { event, version, riskOverride: { level: overrideLevel, reason: text } } : { event, version }
      default:
        return assertNever(event)
    }
  }

  const submit = async (formEvent: FormEvent<HTMLFormElement>) => {
    formEvent.preventDefault()
    const request = body()
    if (request instanceof ApiError) {
      setFailure(request)
      return
    }
    setPending(true)
    setFailure(null)
    try {
      await onConfirm(request)
      onClose()
    } catch (error) {
      setFailure(error)
    } finally {
      setPending(false)
    }
  }

  const generalFailure = failure !== null && !(isApiError(failure) && failure.fieldIssues.length > 0)

  return (
    <form onSubmit={(formEvent) => void submit(formEvent)} noValidate>
      <Stack>
        <Text size="sm">
          {change.number}: {change.title}
        </Text>
        {generalFailure && (
          <Alert color="red" variant="light" role="alert">
            {errorMessage(failure)}
          </Alert>
        )}
        {event === 'reject' && (
          <Textarea
            label="Comment"
            description="The requester sees this; the change returns to new."
            {...requiredInput}
            autosize
            minRows={3}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            error={issueAt('comment')}
            data-autofocus
          />
        )}
        {event === 'cancel' && (
          <Textarea
            label="Reason"
            {...requiredInput}
            autosize
            minRows={3}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            error={issueAt('reason')}
            data-autofocus
          />
        )}
        {event === 'close' && (
          <>
            <NativeSelect
              label="Close code"
              {...requiredInput}
              data={CLOSE_CODE_OPTIONS}
              value={closeCode}
              onChange={(e) => {
                const parsed = CloseCode.safeParse(e.currentTarget.value)
                setCloseCode(parsed.success ? parsed.data : '')
              }}
              error={issueAt('closeCode')}
              data-autofocus
            />
            <Textarea
              label="Notes"
              autosize
              minRows={2}
              value={text}
              onChange={(e) => setText(e.currentTarget.value)}
              error={issueAt('notes')}
            />
          </>
        )}
        {event === 'request_authorization' && (
          <>
            <Text size="sm">
              Current risk: {riskLevelLabels[change.risk.level]} (score {change.risk.score}
              {change.risk.level !== change.risk.computedLevel &&
                `; the matrix alone says ${riskLevelLabels[change.risk.computedLevel]}`}
              ).
            </Text>
            <Switch
              label="Override the risk level"
              checked={override}
              onChange={(e) => setOverride(e.currentTarget.checked)}
            />
            {override && (
              <>
                <NativeSelect
                  label="Risk level"
                  data={RISK_OPTIONS}
                  value={overrideLevel}
                  onChange={(e) => {
                    const parsed = RiskLevel.safeParse(e.currentTarget.value)
                    if (parsed.success) setOverrideLevel(parsed.data)
                  }}
                  error={issueAt('riskOverride.level')}
                />
                <Textarea
                  label="Override reason"
                  {...requiredInput}
                  autosize
                  minRows={2}
                  value={text}
                  onChange={(e) => setText(e.currentTarget.value)}
                  error={issueAt('riskOverride.reason')}
                />
              </>
            )}
          </>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={pending}>
            Back
          </Button>
          <Button type="submit" color={COPY[event].color} loading={pending}>
            {COPY[event].confirm}
          </Button>
        </Group>
      </Stack>
    </form>
  )
}
