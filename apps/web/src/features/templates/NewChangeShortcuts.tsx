// Beside "New change": the two other ways to raise one, a pre-approved standard change from a
// template, or an emergency change (the form opens with the type set and the ECAB notice shown),
// offered only to those who may raise one.
import { Button, Group } from '@mantine/core'
import { IconAlertTriangle, IconTemplate } from '@tabler/icons-react'
import { Link } from 'react-router'

export function NewChangeShortcuts({ emergency }: { emergency: boolean }) {
  return (
    <Group gap="xs">
      <Button component={Link} to="/templates" size="xs" variant="default" leftSection={<IconTemplate size={16} />}>
        New standard change
      </Button>
      {emergency && (
        <Button
          component={Link}
          to="/changes/new?type=emergency"
          size="xs"
          color="red"
          variant="light"
          leftSection={<IconAlertTriangle size={16} />}
        >
          Raise emergency change
        </Button>
      )}
    </Group>
  )
}
