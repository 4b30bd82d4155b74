// The conflicts of a change as the worker last evaluated them, on the change's page.
import type { ChangeDetail } from '@cabinet/contracts'
import { Alert, Badge, Group, Paper, Stack, Text, Title } from '@mantine/core'
import { ErrorState, LoadingBlock } from '../../components/StatusViews'
import { formatRelative } from '../../lib/datetime'
import { useChangeConflicts } from './api'
import { ConflictList } from './ConflictList'

export function ConflictPanel({ change }: { change: ChangeDetail }) {
  const conflicts = useChangeConflicts(change.id)
  return (
    <Paper withBorder p="md" data-testid="conflict-panel">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={4}>Schedule conflicts</Title>
          {conflicts.data?.blocking && <Badge color="red">blocking</Badge>}
        </Group>
        {conflicts.isPending && <LoadingBlock />}
        {conflicts.isError && <ErrorState error={conflicts.error} />}
        {conflicts.data && (
          <>
            {conflicts.data.onHold && (
              <Alert color="orange" title="On hold" data-testid="on-hold">
                {conflicts.data.holdReason}
              </Alert>
            )}
            {conflicts.data.freezeOverride && (
              <Alert color="grape" title="Freeze overridden">
                {conflicts.data.freezeOverride}
              </Alert>
            )}
            <ConflictList conflicts={conflicts.data.conflicts} />
            <Text size="xs" c="dimmed">
              {conflicts.data.evaluatedAt ? `Checked ${formatRelative(conflicts.data.evaluatedAt)}` : 'Being checked…'}
            </Text>
          </>
        )}
      </Stack>
    </Paper>
  )
}
