// The three states every page has besides "here is your data": loading, nothing there, and failed.
import { Alert, Button, EmptyState, Group, Skeleton, Stack, Table, Text } from '@mantine/core'
import { IconAlertTriangle, IconInbox } from '@tabler/icons-react'
import type { ReactNode } from 'react'
import { isApiError } from '../lib/api-client'

export function LoadingBlock({ rows = 6, label = 'Loading' }: { rows?: number; label?: string }) {
  return (
    <Stack gap="sm" aria-busy="true" aria-label={label}>
      <Skeleton height={28} width="40%" />
      {Array.from({ length: rows }, (_, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholder rows have no identity and never reorder
        <Skeleton key={index} height={20} />
      ))}
    </Stack>
  )
}

/** Placeholder rows while a table's first page loads: a skeleton in every cell. */
export function SkeletonRows({
  columns,
  rows = 8,
  rowHeight,
  barHeight = 16,
}: {
  columns: number
  rows?: number
  rowHeight?: number
  barHeight?: number
}) {
  return (
    <>
      {Array.from({ length: rows }, (_, row) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholder rows have no identity and never reorder
        <Table.Tr key={row} style={rowHeight ? { height: rowHeight } : undefined}>
          {Array.from({ length: columns }, (_, cell) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: placeholder cells likewise
            <Table.Td key={cell}>
              <Skeleton height={barHeight} />
            </Table.Td>
          ))}
        </Table.Tr>
      ))}
    </>
  )
}

export function errorMessage(error: unknown): string {
  if (isApiError(error)) return error.message
  if (error instanceof Error) return error.message
  return 'Something went wrong'
}

export function ErrorState({
  error,
  onRetry,
  title = 'Could not load this',
}: {
  error: unknown
  onRetry?: () => void
  title?: string
}) {
  const requestId = isApiError(error) ? error.requestId : null
  return (
    <Alert color="red" variant="light" title={title} icon={<IconAlertTriangle size={18} />} role="alert">
      <Stack gap="xs">
        <Text size="sm">{errorMessage(error)}</Text>
        {requestId && (
          <Text size="xs" c="dimmed">
            Request id: {requestId}
          </Text>
        )}
        {onRetry && (
          <Group>
            <Button size="xs" variant="light" color="red" onClick={onRetry}>
              Retry
            </Button>
          </Group>
        )}
      </Stack>
    </Alert>
  )
}

export function EmptyResult({
  title,
  description,
  action,
}: {
  title: string
  description?: ReactNode
  action?: ReactNode
}) {
  return (
    <EmptyState py="xl" icon={<IconInbox size={32} />} withIndicatorBackground title={title} description={description}>
      {action && <EmptyState.Actions>{action}</EmptyState.Actions>}
    </EmptyState>
  )
}
