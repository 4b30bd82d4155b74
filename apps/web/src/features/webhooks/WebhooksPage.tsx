// /webhooks (admins): subscriptions (create shows the secret once; enable, disable, delete), recent
// deliveries with their attempts, and the dead-letter list with Replay.
import type { WebhookDeliveryStatus, WebhookDeliveryView, WebhookView } from '@cabinet/contracts'
import { Badge, Button, Group, Modal, Stack, Switch, Table, Tabs, Text, Title } from '@mantine/core'
import { IconPlus } from '@tabler/icons-react'
import { useState } from 'react'
import { ErrorState, LoadingBlock } from '../../components/StatusViews'
import { useDeleteWebhook, useDeliveries, useReplayDelivery, useUpdateWebhook, useWebhooks } from './api'
import { eventLabels, WebhookForm } from './WebhookForm'

const statusColors: Record<WebhookDeliveryStatus, string> = { pending: 'blue', delivered: 'green', dead: 'red' }

export function WebhooksPage() {
  const [creating, setCreating] = useState(false)
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>Webhooks</Title>
        <Button size="xs" leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
          New webhook
        </Button>
      </Group>
      <Subscriptions />
      <Tabs defaultValue="dead" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="dead">Dead letters</Tabs.Tab>
          <Tabs.Tab value="all">All deliveries</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="dead" pt="sm">
          <Deliveries status="dead" />
        </Tabs.Panel>
        <Tabs.Panel value="all" pt="sm">
          <Deliveries status="all" />
        </Tabs.Panel>
      </Tabs>
      <Modal opened={creating} onClose={() => setCreating(false)} title="New webhook" size="lg">
        {creating && <WebhookForm onDone={() => setCreating(false)} />}
      </Modal>
    </Stack>
  )
}

function Subscriptions() {
  const webhooks = useWebhooks()
  if (webhooks.isPending) return <LoadingBlock rows={3} label="Loading webhooks" />
  if (webhooks.isError)
    return (
      <ErrorState error={webhooks.error} title="Could not load the webhooks" onRetry={() => void webhooks.refetch()} />
    )
  if (webhooks.data.items.length === 0)
    return <Text c="dimmed">No webhooks yet: create one to send change events to a URL or a Slack channel.</Text>
  return (
    <Table withTableBorder fz="sm" data-testid="webhooks-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Name</Table.Th>
          <Table.Th>URL</Table.Th>
          <Table.Th>Format</Table.Th>
          <Table.Th>Events</Table.Th>
          <Table.Th>Enabled</Table.Th>
          <Table.Th />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {webhooks.data.items.map((hook) => (
          <SubscriptionRow key={hook.id} hook={hook} />
        ))}
      </Table.Tbody>
    </Table>
  )
}

function SubscriptionRow({ hook }: { hook: WebhookView }) {
  const update = useUpdateWebhook()
  const remove = useDeleteWebhook()
  return (
    <Table.Tr aria-label={hook.name}>
      <Table.Td>{hook.name}</Table.Td>
      <Table.Td style={{ wordBreak: 'break-all' }}>{hook.url}</Table.Td>
      <Table.Td>{hook.format}</Table.Td>
      <Table.Td>
        {hook.events.map((event) => eventLabels[event as keyof typeof eventLabels] ?? event).join(', ')}
      </Table.Td>
      <Table.Td>
        <Switch
          aria-label={`${hook.name} enabled`}
          checked={hook.enabled}
          disabled={update.isPending}
          onChange={(e) =>
            update.mutate({ id: hook.id, body: { version: hook.version, enabled: e.currentTarget.checked } })
          }
        />
      </Table.Td>
      <Table.Td>
        <Button
          size="xs"
          color="red"
          variant="subtle"
          loading={remove.isPending}
          onClick={() => {
            if (window.confirm(`Delete the webhook ${hook.name} and its deliveries?`)) remove.mutate(hook.id)
          }}
        >
          Delete
        </Button>
      </Table.Td>
    </Table.Tr>
  )
}

function Deliveries({ status }: { status: WebhookDeliveryStatus | 'all' }) {
  const deliveries = useDeliveries(status)
  const replay = useReplayDelivery()
  if (deliveries.isPending) return <LoadingBlock rows={4} label="Loading deliveries" />
  if (deliveries.isError)
    return (
      <ErrorState
        error={deliveries.error}
        title="Could not load the deliveries"
        onRetry={() => void deliveries.refetch()}
      />
    )
  if (deliveries.data.items.length === 0)
    return (
      <Text c="dimmed">
        {status === 'dead' ? 'No dead letters: every delivery got through.' : 'No deliveries yet.'}
      </Text>
    )
  return (
    <Table withTableBorder fz="sm" data-testid={`deliveries-${status}`}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>When</Table.Th>
          <Table.Th>Webhook</Table.Th>
          <Table.Th>Event</Table.Th>
          <Table.Th>Status</Table.Th>
          <Table.Th>Attempts</Table.Th>
          <Table.Th>Last error</Table.Th>
          <Table.Th />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {deliveries.data.items.map((delivery: WebhookDeliveryView) => (
          <Table.Tr key={delivery.id}>
            <Table.Td>{new Date(delivery.createdAt).toLocaleString()}</Table.Td>
            <Table.Td>{delivery.subscriptionName}</Table.Td>
            <Table.Td>{delivery.event}</Table.Td>
            <Table.Td>
              <Badge color={statusColors[delivery.status]} variant="light">
                {delivery.status}
              </Badge>
            </Table.Td>
            <Table.Td
              title={delivery.attempts
                .map((a) => `#${a.attempt}: ${a.statusCode ?? a.error} in ${a.durationMs} ms`)
                .join('\n')}
            >
              {delivery.attemptCount} / {delivery.attemptLimit}
            </Table.Td>
            <Table.Td>{delivery.lastError ?? ''}</Table.Td>
            <Table.Td>
              {delivery.status === 'dead' && (
                <Button
                  size="xs"
                  variant="light"
                  loading={replay.isPending && replay.variables === delivery.id}
                  onClick={() => replay.mutate(delivery.id)}
                >
                  Replay
                </Button>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}
