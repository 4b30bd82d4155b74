// On a change's page: its audit history as a Markdown file, for attaching to an audit.
import { Button, Group } from '@mantine/core'
import { IconFileText } from '@tabler/icons-react'

export function ChangeHistoryButton({ changeRef }: { changeRef: string }) {
  // In a Group, so the page's column does not stretch it across the width.
  return (
    <Group>
      <Button
        component="a"
        href={`/api/v1/changes/${encodeURIComponent(changeRef)}/history.md`}
        download
        variant="default"
        size="xs"
        leftSection={<IconFileText size={16} />}
      >
        Download history (Markdown)
      </Button>
    </Group>
  )
}
