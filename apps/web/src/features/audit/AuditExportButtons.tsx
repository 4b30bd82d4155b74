// Export buttons: the export streams in, the bar counts rows against the total the API announced,
// then the file and its signed manifest are saved side by side.
import type { AuditExportFormat } from '@cabinet/contracts'
import { Alert, Button, Group, Progress, Stack, Text } from '@mantine/core'
import { IconDownload } from '@tabler/icons-react'
import { useState } from 'react'
import { errorMessage } from '../../components/StatusViews'
import { type AuditFilters, type ExportProgress, downloadExport } from './api'

type ExportState =
  | { status: 'idle' }
  | { status: 'running'; format: AuditExportFormat; progress: ExportProgress }
  | { status: 'done'; format: AuditExportFormat; rows: number; sha256: string }
  | { status: 'failed'; error: unknown }

export function AuditExportButtons({ filters }: { filters: AuditFilters }) {
  const [state, setState] = useState<ExportState>({ status: 'idle' })
  const running = state.status === 'running'

  async function run(format: AuditExportFormat) {
    setState({ status: 'running', format, progress: { rows: 0, total: 0 } })
    try {
      const result = await downloadExport(filters, format, (progress) =>
        setState({ status: 'running', format, progress }),
      )
      setState({ status: 'done', format, rows: result.rows, sha256: result.manifest.sha256 })
    } catch (error) {
      setState({ status: 'failed', error })
    }
  }

  const percent =
    state.status === 'running' && state.progress.total > 0 ? (state.progress.rows / state.progress.total) * 100 : 0

  return (
    <Stack gap="xs">
      <Group gap="xs">
        {(['csv', 'ndjson'] as const).map((format) => (
          <Button
            key={format}
            variant="light"
            size="xs"
            leftSection={<IconDownload size={16} />}
            disabled={running}
            loading={state.status === 'running' && state.format === format}
            onClick={() => void run(format)}
          >
            Export {format.toUpperCase()}
          </Button>
        ))}
      </Group>
      {state.status === 'running' && (
        <Stack gap={2} data-testid="export-progress">
          <Progress value={percent} animated aria-label="Export progress" />
          <Text size="xs" c="dimmed">
            {state.progress.rows.toLocaleString()} of {state.progress.total.toLocaleString()} events
          </Text>
        </Stack>
      )}
      {state.status === 'done' && (
        <Text size="xs" c="dimmed" data-testid="export-done">
          Exported {state.rows.toLocaleString()} {state.rows === 1 ? 'event' : 'events'} as {state.format.toUpperCase()}{' '}
          with a signed manifest (SHA-256 {state.sha256.slice(0, 16)}…).
        </Text>
      )}
      {state.status === 'failed' && (
        <Alert color="red" title="Export failed">
          {errorMessage(state.error)}
        </Alert>
      )}
    </Stack>
  )
}
