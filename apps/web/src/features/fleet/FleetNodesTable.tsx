// The node table: only the rows in view are in the DOM (react-virtual), and the next cursor page is
// fetched as the last loaded row scrolls into view, so 10,000 nodes cost what a screenful costs.
import type { FleetNodeRow } from '@cabinet/contracts'
import { Anchor, Badge, Checkbox, Group, Loader, Paper, Table, Text, Tooltip } from '@mantine/core'
import { useVirtualizer } from '@tanstack/react-virtual'
import { type ReactNode, useEffect, useRef } from 'react'
import { Link } from 'react-router'
import { SkeletonRows } from '../../components/StatusViews'
import { formatDateTime, formatRelative } from '../../lib/datetime'
import { HealthBadge } from './HealthBadge'

/** Every row is one line high (long words truncate), so the virtualiser can place rows without measuring. */
const ROW_HEIGHT = 44
const OVERSCAN = 12
const VIEWPORT_HEIGHT = 'max(420px, calc(100dvh - 200px))'
const TABLE_MIN_WIDTH = 1120

const COLUMNS: { key: string; label: string; width?: number }[] = [
  { key: 'select', label: '', width: 44 },
  { key: 'hostname', label: 'Hostname' },
  { key: 'cluster', label: 'Cluster', width: 140 },
  { key: 'health', label: 'Health', width: 300 },
  { key: 'gpus', label: 'GPUs', width: 110 },
  { key: 'driver', label: 'Driver', width: 110 },
  { key: 'cuda', label: 'CUDA', width: 80 },
  { key: 'probed', label: 'Last probed', width: 150 },
  { key: 'drift', label: 'Drift', width: 80 },
]

export interface FleetNodesTableProps {
  rows: FleetNodeRow[]
  /** True while the first page loads (placeholder rows), not while later pages do. */
  loading: boolean
  hasNextPage: boolean
  fetchingNextPage: boolean
  fetchNextPage: () => void
  /** Row selection for "Probe now"; absent for people who may not probe. */
  selection?: { selected: ReadonlySet<string>; toggle: (ids: string[], on: boolean) => void }
  empty: ReactNode
  /** Changes whenever the filters do: a new result set starts at its top, not where the last one was scrolled to. */
  resetKey: string
}

export function FleetNodesTable({
  rows,
  loading,
  hasNextPage,
  fetchingNextPage,
  fetchNextPage,
  selection,
  empty,
  resetKey,
}: FleetNodesTableProps) {
  const viewport = useRef<HTMLDivElement>(null)
  // One extra row at the end stands for the page not loaded yet.
  const count = rows.length + (hasNextPage ? 1 : 0)
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => viewport.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
  })
  // biome-ignore lint/correctness/useExhaustiveDependencies: resetKey is the trigger, not a value read here
  useEffect(() => {
    virtualizer.scrollToOffset(0)
  }, [resetKey, virtualizer])

  const items = virtualizer.getVirtualItems()
  const lastIndex = items.at(-1)?.index ?? -1

  useEffect(() => {
    if (lastIndex >= rows.length - 1 && hasNextPage && !fetchingNextPage) fetchNextPage()
  }, [lastIndex, rows.length, hasNextPage, fetchingNextPage, fetchNextPage])

  const viewportHeight = loading ? 11 * ROW_HEIGHT : rows.length === 0 ? undefined : (count + 1) * ROW_HEIGHT + 2
  const columns = selection ? COLUMNS : COLUMNS.filter((column) => column.key !== 'select')
  const padTop = items[0]?.start ?? 0
  const padBottom = items.length > 0 ? virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0) : 0
  const allLoadedSelected =
    selection !== undefined && rows.length > 0 && rows.every((row) => selection.selected.has(row.id))
  const someSelected = selection !== undefined && rows.some((row) => selection.selected.has(row.id))

  return (
    <Paper withBorder radius="md">
      <div
        ref={viewport}
        // As tall as its rows (plus the header), up to most of the window; then it scrolls.
        style={{ height: viewportHeight, maxHeight: VIEWPORT_HEIGHT, overflow: 'auto', overscrollBehavior: 'contain' }}
        data-testid="fleet-nodes-viewport"
      >
        <Table
          stickyHeader
          highlightOnHover
          verticalSpacing={0}
          aria-label="Nodes"
          aria-rowcount={rows.length + 1}
          style={{ tableLayout: 'fixed', minWidth: TABLE_MIN_WIDTH }}
        >
          <Table.Thead>
            <Table.Tr>
              {columns.map((column) => (
                <Table.Th key={column.key} style={{ width: column.width, height: ROW_HEIGHT }}>
                  {column.key === 'select' && selection ? (
                    <Checkbox
                      aria-label="Select every loaded node"
                      checked={allLoadedSelected}
                      indeterminate={someSelected && !allLoadedSelected}
                      disabled={rows.length === 0}
                      onChange={(event) =>
                        selection.toggle(
                          rows.map((row) => row.id),
                          event.currentTarget.checked,
                        )
                      }
                    />
                  ) : (
                    column.label
                  )}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {loading && <SkeletonRows columns={columns.length} rows={10} rowHeight={ROW_HEIGHT} barHeight={14} />}
            {padTop > 0 && (
              <tr aria-hidden style={{ height: padTop }}>
                <td colSpan={columns.length} />
              </tr>
            )}
            {items.map((item) => {
              const row = rows[item.index]
              if (!row) {
                return (
                  <Table.Tr key="loading-more" style={{ height: ROW_HEIGHT }}>
                    <Table.Td colSpan={columns.length}>
                      <Group gap="xs" justify="center">
                        <Loader size="xs" />
                        <Text size="sm" c="dimmed">
                          Loading more nodes
                        </Text>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                )
              }
              return (
                <NodeRow
                  key={row.id}
                  row={row}
                  rowIndex={item.index + 2}
                  selected={selection?.selected.has(row.id)}
                  onSelect={selection ? (on) => selection.toggle([row.id], on) : undefined}
                />
              )
            })}
            {padBottom > 0 && (
              <tr aria-hidden style={{ height: padBottom }}>
                <td colSpan={columns.length} />
              </tr>
            )}
          </Table.Tbody>
        </Table>
        {!loading && rows.length === 0 && empty}
      </div>
    </Paper>
  )
}

const oneLine = { whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' } as const

function NodeRow({
  row,
  rowIndex,
  selected,
  onSelect,
}: {
  row: FleetNodeRow
  rowIndex: number
  selected: boolean | undefined
  onSelect: ((on: boolean) => void) | undefined
}) {
  const missingGpus = row.gpusSeen !== null && row.gpusSeen !== row.gpuCount
  return (
    <Table.Tr
      style={{ height: ROW_HEIGHT }}
      aria-rowindex={rowIndex}
      data-testid="fleet-node-row"
      data-health={row.health}
      bg={selected ? 'var(--mantine-primary-color-light)' : undefined}
    >
      {onSelect && (
        <Table.Td>
          <Checkbox
            aria-label={`Select ${row.hostname}`}
            checked={selected ?? false}
            onChange={(event) => onSelect(event.currentTarget.checked)}
          />
        </Table.Td>
      )}
      <Table.Td style={oneLine}>
        <Anchor component={Link} to={`/fleet/nodes/${row.id}`} ff="monospace" size="sm" title={row.hostname}>
          {row.hostname}
        </Anchor>
      </Table.Td>
      <Table.Td style={oneLine} title={row.clusterName}>
        {row.clusterName}
      </Table.Td>
      <Table.Td style={oneLine}>
        <Group gap={6} wrap="nowrap">
          <HealthBadge health={row.health} size="sm" />
          {row.healthReasons.length > 0 && (
            <Tooltip label={row.healthReasons.join('\n')} multiline maw={420} style={{ whiteSpace: 'pre-line' }}>
              <Text size="xs" c="dimmed" truncate data-testid="fleet-node-reason">
                {row.healthReasons[0]}
              </Text>
            </Tooltip>
          )}
        </Group>
      </Table.Td>
      <Table.Td style={oneLine}>
        <Text
          size="sm"
          span
          c={missingGpus ? 'red' : undefined}
          title={missingGpus ? `${row.gpusSeen} of ${row.gpuCount} GPUs seen` : undefined}
        >
          {row.gpuModel} × {missingGpus ? `${row.gpusSeen}/${row.gpuCount}` : row.gpuCount}
        </Text>
      </Table.Td>
      <Table.Td style={oneLine}>
        <Text size="sm" ff="monospace" span>
          {row.driverVersion ?? '—'}
        </Text>
      </Table.Td>
      <Table.Td style={oneLine}>
        <Text size="sm" ff="monospace" span>
          {row.cudaVersion ?? '—'}
        </Text>
      </Table.Td>
      <Table.Td style={oneLine}>
        {row.lastProbedAt ? (
          <Text size="sm" span title={formatDateTime(row.lastProbedAt)}>
            {formatRelative(row.lastProbedAt)}
          </Text>
        ) : (
          <Text size="sm" c="dimmed" span>
            never
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        {row.openDrift && (
          <Badge color="orange" variant="light" size="sm" data-testid="fleet-node-drift">
            Drift
          </Badge>
        )}
      </Table.Td>
    </Table.Tr>
  )
}
