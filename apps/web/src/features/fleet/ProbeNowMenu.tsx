// "Probe now" for the selected nodes, the chosen cluster, or (fleet owners only) every node, and the
// progress of the last request while its probes report back.
import type { ProbeNowBody } from '@cabinet/contracts'
import { Alert, Button, Group, Menu, Progress, Stack, Text } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconActivityHeartbeat, IconChevronDown } from '@tabler/icons-react'
import { errorMessage } from '../../components/StatusViews'
import { useProbeNow } from './api'
import type { ProbeRun } from './probe-run'

export interface ProbeTarget {
  label: string
  body: ProbeNowBody
}

export interface ProbeNowMenuProps {
  selectedCount: number
  targets: { selection: ProbeTarget | null; cluster: ProbeTarget | null; all: ProbeTarget | null }
  /** Called with what the API accepted; the page starts watching the rows from there. */
  onStarted: (target: ProbeTarget, requested: number) => void
  running: boolean
}

export function ProbeNowMenu({ selectedCount, targets, onStarted, running }: ProbeNowMenuProps) {
  const probe = useProbeNow()

  const send = async (target: ProbeTarget) => {
    try {
      const result = await probe.mutateAsync(target.body)
      notifications.show({
        color: 'blue',
        title: 'Probes queued',
        message: `${result.queued} of ${result.requested} nodes queued (${target.label}).`,
      })
      onStarted(target, result.requested)
    } catch (error) {
      notifications.show({ color: 'red', title: 'Could not start probes', message: errorMessage(error) })
    }
  }

  const options = [targets.selection, targets.cluster, targets.all].filter((target) => target !== null)
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button
          leftSection={<IconActivityHeartbeat size={16} />}
          rightSection={<IconChevronDown size={14} />}
          loading={probe.isPending}
          disabled={options.length === 0}
          variant={running ? 'light' : 'filled'}
        >
          Probe now
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item
          disabled={targets.selection === null}
          onClick={() => targets.selection && void send(targets.selection)}
        >
          {selectedCount > 0 ? `Selected nodes (${selectedCount})` : 'Selected nodes (select rows first)'}
        </Menu.Item>
        {targets.cluster && (
          <Menu.Item onClick={() => targets.cluster && void send(targets.cluster)}>{targets.cluster.label}</Menu.Item>
        )}
        {targets.all && (
          <Menu.Item onClick={() => targets.all && void send(targets.all)}>{targets.all.label}</Menu.Item>
        )}
      </Menu.Dropdown>
    </Menu>
  )
}

export function ProbeProgress({ run, done, onDismiss }: { run: ProbeRun; done: number; onDismiss: () => void }) {
  const watched = run.baseline.size
  const percent = watched === 0 ? 0 : Math.round((done / watched) * 100)
  return (
    <Alert color="blue" variant="light" role="status" aria-live="polite" data-testid="probe-progress">
      <Stack gap={6}>
        <Group justify="space-between">
          <Text size="sm" fw={500}>
            Probing {run.scope}: {run.requested} node{run.requested === 1 ? '' : 's'} requested
          </Text>
          <Button size="compact-xs" variant="subtle" onClick={onDismiss}>
            Stop watching
          </Button>
        </Group>
        <Progress value={percent} animated striped aria-label="Probe progress" />
        <Text size="xs" c="dimmed">
          {watched === 0
            ? 'Results appear in the summary as they land.'
            : `${done} of the ${watched} nodes loaded here have reported a new probe.`}
        </Text>
      </Stack>
    </Alert>
  )
}
