// Approve, reject or ask for information on one approval stage, with a comment (required unless
// approving). Decisions on high and critical risk may answer 403 REAUTHENTICATION_REQUIRED: the
// dialog then asks for the password, renews it, and sends the same decision again.
import type { ApprovalDecisionKind } from '@cabinet/contracts'
import { Alert, Button, Group, Modal, PasswordInput, Stack, Text, Textarea } from '@mantine/core'
import { type FormEvent, useState } from 'react'
import { requiredInput } from '../../components/required'
import { errorMessage } from '../../components/StatusViews'
import { isApiError } from '../../lib/api-client'
import { useDecide, useReauthenticate } from './api'

export interface DecisionTarget {
  changeId: string
  changeNumber: string
  title: string
  stageId: string
  stageName: string
  version: number
  decision: ApprovalDecisionKind
  /** High or critical risk: a fresh password is needed, so say so up front. */
  reauthenticationRequired: boolean
}

const COPY: Record<ApprovalDecisionKind, { title: string; confirm: string; color: string }> = {
  approve: { title: 'Approve', confirm: 'Confirm approval', color: 'green' },
  reject: { title: 'Reject', confirm: 'Confirm rejection', color: 'red' },
  request_info: { title: 'Request information', confirm: 'Send request', color: 'yellow' },
}

export function DecisionModal({ target, onClose }: { target: DecisionTarget | null; onClose: () => void }) {
  return (
    <Modal
      opened={target !== null}
      onClose={onClose}
      title={target ? `${COPY[target.decision].title}: ${target.stageName}` : ''}
      centered
    >
      {target && <DecisionForm key={`${target.stageId}-${target.decision}`} target={target} onClose={onClose} />}
    </Modal>
  )
}

function DecisionForm({ target, onClose }: { target: DecisionTarget; onClose: () => void }) {
  const decide = useDecide()
  const reauthenticate = useReauthenticate()
  const [comment, setComment] = useState('')
  const [password, setPassword] = useState('')
  const [needsPassword, setNeedsPassword] = useState(false)
  const [failure, setFailure] = useState<unknown>(null)
  const copy = COPY[target.decision]

  const send = async () => {
    await decide.mutateAsync({
      changeId: target.changeId,
      stageId: target.stageId,
      body: { decision: target.decision, comment, version: target.version },
    })
    onClose()
  }

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    setFailure(null)
    try {
      if (needsPassword) {
        await reauthenticate.mutateAsync(password)
        setNeedsPassword(false)
      }
      await send()
    } catch (error) {
      if (isApiError(error, 'REAUTHENTICATION_REQUIRED')) {
        setNeedsPassword(true)
        return
      }
      setFailure(error)
    }
  }

  const commentIssue = isApiError(failure)
    ? failure.fieldIssues.find((issue) => issue.path === 'comment')?.message
    : undefined
  const pending = decide.isPending || reauthenticate.isPending

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <Stack>
        <Text size="sm">
          {target.changeNumber}: {target.title}
        </Text>
        {target.reauthenticationRequired && !needsPassword && (
          <Text size="xs" c="dimmed">
            High-risk decision: if you entered your password more than 5 minutes ago, you will be asked for it.
          </Text>
        )}
        {failure !== null && !commentIssue && (
          <Alert color="red" variant="light" role="alert">
            {errorMessage(failure)}
          </Alert>
        )}
        <Textarea
          label="Comment"
          description={target.decision === 'approve' ? 'Optional' : 'The requester sees this.'}
          {...(target.decision === 'approve' ? {} : requiredInput)}
          autosize
          minRows={3}
          value={comment}
          onChange={(event) => setComment(event.currentTarget.value)}
          error={commentIssue}
          data-autofocus
        />
        {needsPassword && (
          <Stack gap="xs" role="group" aria-label="Re-authentication">
            <Alert color="yellow" variant="light" title="Confirm it is you">
              Decisions on high and critical risk changes need your password within the last 5 minutes.
            </Alert>
            <PasswordInput
              label="Password"
              {...requiredInput}
              value={password}
              onChange={(event) => setPassword(event.currentTarget.value)}
              autoComplete="current-password"
            />
          </Stack>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={pending}>
            Back
          </Button>
          <Button type="submit" color={copy.color} loading={pending}>
            {needsPassword ? 'Confirm password and send' : copy.confirm}
          </Button>
        </Group>
      </Stack>
    </form>
  )
}
