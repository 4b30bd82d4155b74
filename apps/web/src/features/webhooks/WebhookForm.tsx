// The new-subscription form; on success it shows the signing secret, once, to copy.
import { type CreatedWebhook, WEBHOOK_EVENTS, type WebhookEvent, type WebhookFormat } from '@cabinet/contracts'
import {
  Alert,
  Button,
  Checkbox,
  Code,
  CopyButton,
  Group,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
} from '@mantine/core'
import { useState } from 'react'
import { isApiError } from '../../lib/api-client'
import { useCreateWebhook } from './api'

export const eventLabels: Record<WebhookEvent, string> = {
  submitted: 'Submitted',
  approval_requested: 'Approval requested',
  approved: 'Approved',
  rejected: 'Rejected',
  scheduled: 'Scheduled',
  implementing: 'Implementing',
  completed: 'Completed',
  failed: 'Failed',
  emergency_raised: 'Emergency raised',
}

export function WebhookForm({ onDone }: { onDone: () => void }) {
  const create = useCreateWebhook()
  const [name, setName] = useState('')
  const [url, setUrl] = useState('')
  const [format, setFormat] = useState<WebhookFormat>('generic')
  const [events, setEvents] = useState<WebhookEvent[]>(['approval_requested', 'approved', 'rejected'])
  const [created, setCreated] = useState<CreatedWebhook | null>(null)
  const issue = (field: string) =>
    isApiError(create.error) ? create.error.fieldIssues.find((i) => i.path === field)?.message : undefined

  if (created)
    return (
      <Stack>
        <Alert color="yellow" title="Copy the signing secret now">
          It is shown only this once; receivers verify X-Cabinet-Signature with it.
        </Alert>
        <Group wrap="nowrap">
          <Code data-testid="webhook-secret" style={{ wordBreak: 'break-all' }}>
            {created.secret}
          </Code>
          <CopyButton value={created.secret}>
            {({ copied, copy }) => (
              <Button size="xs" variant="light" onClick={copy}>
                {copied ? 'Copied' : 'Copy'}
              </Button>
            )}
          </CopyButton>
        </Group>
        <Button onClick={onDone}>Done</Button>
      </Stack>
    )

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault()
        create.mutate({ name, url, format, events, enabled: true }, { onSuccess: setCreated })
      }}
    >
      <Stack>
        <TextInput
          label="Name"
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={issue('name')}
        />
        <TextInput
          label="URL"
          required
          placeholder="https://hooks.example.com/cabinet"
          value={url}
          onChange={(e) => setUrl(e.currentTarget.value)}
          error={issue('url')}
        />
        <div>
          <Text size="sm" fw={500} mb={4}>
            Format
          </Text>
          <SegmentedControl
            value={format}
            onChange={(value) => setFormat(value as WebhookFormat)}
            data={[
              { value: 'generic', label: 'Generic JSON (signed)' },
              { value: 'slack', label: 'Slack' },
            ]}
          />
        </div>
        <Checkbox.Group
          label="Events"
          value={events}
          onChange={(value) => setEvents(value as WebhookEvent[])}
          error={issue('events')}
        >
          <Group mt="xs">
            {WEBHOOK_EVENTS.map((event) => (
              <Checkbox key={event} value={event} label={eventLabels[event]} />
            ))}
          </Group>
        </Checkbox.Group>
        {create.isError && !issue('name') && !issue('url') && !issue('events') && (
          <Alert color="red">{create.error.message}</Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending} disabled={events.length === 0}>
            Create webhook
          </Button>
        </Group>
      </Stack>
    </form>
  )
}
