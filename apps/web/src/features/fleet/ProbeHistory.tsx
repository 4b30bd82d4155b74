// A node's probes, newest first: the detail's last 20, older ones on request; each row opens to its
// raw output (monospace, fetched only when opened).
import type { ProbeSummaryView } from '@cabinet/contracts'
import { ActionIcon, Badge, Button, Code, Collapse, Group, Paper, Stack, Table, Text, Title } from '@mantine/core'
import { IconChevronDown, IconChevronRight } from '@tabler/icons-react'
import { Fragment, useState } from 'react'
import { ErrorState, LoadingBlock } from '../../components/StatusViews'
import { formatDateTime } from '../../lib/datetime'
import { useProbeHistory, useProbeRaw } from './api'
import { probeStatusLabels } from './fleet-labels'
import { HealthBadge } from './HealthBadge'

/** The detail carries this many recent probes; more may exist only when it is full. */
const RECENT_PROBES = 20
const COLUMNS = ['', 'Started', 'Verdict', 'Run', 'Driver', 'CUDA', 'GPUs', 'Took', 'Reasons'] as const

export function ProbeHistory({ nodeId, recent }: { nodeId: string; recent: ProbeSummaryView[] }) {
  const [showOlder, setShowOlder] = useState(false)
  const history = useProbeHistory(nodeId, showOlder)
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set())
  // The history pages start again from the newest, so they replace the detail's recent list once loaded.
  const probes = showOlder && history.data ? history.data.pages.flatMap((page) => page.items) : recent
  const toggle = (id: string) =>
    setOpen((current) => {
      const next = new Set(current)
      if (next.has(id)) next.delete(id)
      else next.add(id)
      return next
    })

  return (
    <Paper withBorder radius="md" p="sm" component="section" aria-label="Probe history">
      <Title order={4} mb="xs">
        Probe history
      </Title>
      {probes.length === 0 ? (
        <Text size="sm" c="dimmed">
          This node has not been probed yet.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={900}>
          <Table verticalSpacing="xs" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                {COLUMNS.map((column) => (
                  <Table.Th key={column}>{column}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {probes.map((probe) => (
                <Fragment key={probe.id}>
                  <Table.Tr data-testid="probe-row" data-verdict={probe.verdict}>
                    <Table.Td w={40}>
                      <ActionIcon
                        variant="subtle"
                        size="sm"
                        aria-label={`${open.has(probe.id) ? 'Hide' : 'Show'} raw output of the probe at ${formatDateTime(probe.startedAt)}`}
                        aria-expanded={open.has(probe.id)}
                        onClick={() => toggle(probe.id)}
                      >
                        {open.has(probe.id) ? <IconChevronDown size={16} /> : <IconChevronRight size={16} />}
                      </ActionIcon>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }} ff="monospace">
                      {formatDateTime(probe.startedAt)}
                    </Table.Td>
                    <Table.Td>
                      <HealthBadge health={probe.verdict} size="sm" />
                    </Table.Td>
                    <Table.Td>
                      <Badge size="sm" variant="outline" color={probe.status === 'ok' ? 'gray' : 'orange'}>
                        {probeStatusLabels[probe.status]}
                      </Badge>
                    </Table.Td>
                    <Table.Td ff="monospace">{probe.driverVersion ?? '—'}</Table.Td>
                    <Table.Td ff="monospace">{probe.cudaVersion ?? '—'}</Table.Td>
                    <Table.Td>{probe.gpusSeen ?? '—'}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{(probe.durationMs / 1000).toFixed(1)} s</Table.Td>
                    <Table.Td>
                      <Text size="sm" lineClamp={2} title={[probe.error, ...probe.reasons].filter(Boolean).join('\n')}>
                        {probe.error ?? (probe.reasons.join('; ') || '—')}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                  <Table.Tr style={open.has(probe.id) ? undefined : { display: 'none' }}>
                    <Table.Td colSpan={COLUMNS.length} p={0}>
                      <Collapse expanded={open.has(probe.id)}>
                        {open.has(probe.id) && <RawOutput probeId={probe.id} />}
                      </Collapse>
                    </Table.Td>
                  </Table.Tr>
                </Fragment>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Group mt="xs">
        {!showOlder && recent.length >= RECENT_PROBES && (
          <Button variant="subtle" size="xs" onClick={() => setShowOlder(true)}>
            Show older probes
          </Button>
        )}
        {showOlder && history.hasNextPage && (
          <Button
            variant="subtle"
            size="xs"
            loading={history.isFetchingNextPage}
            onClick={() => void history.fetchNextPage()}
          >
            Load more
          </Button>
        )}
        {showOlder && history.isError && (
          <ErrorState
            error={history.error}
            title="Could not load older probes"
            onRetry={() => void history.refetch()}
          />
        )}
      </Group>
    </Paper>
  )
}

function RawOutput({ probeId }: { probeId: string }) {
  const raw = useProbeRaw(probeId, true)
  if (raw.isPending) return <LoadingBlock rows={3} label="Loading raw output" />
  if (raw.isError)
    return <ErrorState error={raw.error} title="Could not load the raw output" onRetry={() => void raw.refetch()} />
  if (!raw.data.available) {
    return (
      <Text size="sm" c="dimmed" p="sm">
        The raw output of this probe has been pruned; its summary is kept.
      </Text>
    )
  }
  if (raw.data.outputs.length === 0) {
    return (
      <Text size="sm" c="dimmed" p="sm" data-testid="probe-raw">
        This probe stored no command output; the row above says why.
      </Text>
    )
  }
  return (
    <Stack gap="sm" p="sm" data-testid="probe-raw">
      {raw.data.outputs.map((output, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: one probe's outputs are a fixed list in run order
        <Stack key={index} gap={4}>
          <Group gap="xs">
            <Badge size="sm" variant="light">
              {output.command}
            </Badge>
            <Text size="xs" ff="monospace" c="dimmed">
              {output.argv.join(' ')} · exit {output.exitCode ?? 'none'} · {output.durationMs} ms
            </Text>
          </Group>
          <Code block style={{ maxHeight: 360, overflow: 'auto', whiteSpace: 'pre' }}>
            {output.stdout || '(no output)'}
          </Code>
          {output.stderr && (
            <Code block color="red.0" style={{ maxHeight: 200, overflow: 'auto', whiteSpace: 'pre' }}>
              {output.stderr}
            </Code>
          )}
        </Stack>
      ))}
    </Stack>
  )
}
