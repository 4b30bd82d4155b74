// A list of grouped conflicts: one line each (a freeze over 800 nodes is one line saying 800), with
// every item it concerns one click away.
import type { ConflictView } from '@cabinet/contracts'
import { Anchor, Badge, Group, List, Spoiler, Stack, Text } from '@mantine/core'
import { Link } from 'react-router'
import { formatDateTime } from '../../lib/datetime'

const KIND_LABELS: Record<ConflictView['kind'], string> = {
  freeze: 'Freeze',
  outside_window: 'Outside window',
  same_item: 'Same item',
  related_item: 'Related item',
  implementer_busy: 'Implementer busy',
}

export function ConflictList({ conflicts }: { conflicts: ConflictView[] }) {
  if (conflicts.length === 0) {
    return (
      <Text size="sm" c="dimmed" data-testid="no-conflicts">
        No conflicts.
      </Text>
    )
  }
  return (
    <Stack gap="sm" data-testid="conflict-list">
      {conflicts.map((conflict) => (
        <Stack
          key={`${conflict.kind}-${conflict.rule?.id ?? conflict.otherChange?.id}`}
          gap={4}
          data-testid="conflict"
          data-kind={conflict.kind}
        >
          <Group gap="xs">
            <Badge color={conflict.blocking ? 'red' : 'yellow'} variant="light">
              {KIND_LABELS[conflict.kind]}
            </Badge>
            {conflict.itemCount > 0 && (
              <Badge variant="outline" data-testid="conflict-count">
                {conflict.itemCount} item{conflict.itemCount === 1 ? '' : 's'}
              </Badge>
            )}
          </Group>
          <Text size="sm">
            {conflict.message}
            {conflict.otherChange && (
              <>
                {' '}
                <Anchor component={Link} to={`/changes/${conflict.otherChange.number}`} size="sm">
                  {conflict.otherChange.number}
                </Anchor>
              </>
            )}
          </Text>
          <Text size="xs" c="dimmed">
            {formatDateTime(conflict.overlap.start)} – {formatDateTime(conflict.overlap.end)}
          </Text>
          {conflict.items.length > 0 && (
            <Spoiler maxHeight={60} showLabel="Show all items" hideLabel="Show fewer">
              <List size="xs" data-testid="conflict-items">
                {conflict.items.map((item) => (
                  <List.Item key={`${item.kind}:${item.id}`}>{item.name}</List.Item>
                ))}
              </List>
            </Spoiler>
          )}
        </Stack>
      ))}
    </Stack>
  )
}
