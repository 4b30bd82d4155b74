// /fleet: the fleet's health at a glance, a cluster filter, and every node in one virtualised table
// whose filters live in the address. "Probe now" asks for fresh probes and shows them landing.
import type { FleetHealth, FleetNodeRow } from '@cabinet/contracts'
import { Button, Group, NativeSelect, Skeleton, Stack, Text, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconAlertTriangle } from '@tabler/icons-react'
import { useEffect, useMemo, useState } from 'react'
import { Link, useSearchParams } from 'react-router'
import { EmptyResult, ErrorState } from '../../components/StatusViews'
import { useSession } from '../auth/api'
import { useClusters, useFleetNodes, useFleetSummary } from './api'
import { FleetFilters } from './FleetFilters'
import { type FleetNodeFilters, fleetFiltersFromParams, hasNodeFilters, paramsFromFleetFilters } from './fleet-filters'
import { FleetNodesTable } from './FleetNodesTable'
import { FleetSummaryPanel } from './FleetSummaryPanel'
import { canProbe, canProbeAll } from './permissions'
import { PROBE_POLL_MS, PROBE_RUN_TIMEOUT_MS, type ProbeRun, probedSince, startProbeRun } from './probe-run'
import { ProbeNowMenu, ProbeProgress, type ProbeTarget } from './ProbeNowMenu'

const NO_ROWS: FleetNodeRow[] = []

export function FleetPage() {
  const [searchParams, setSearchParams] = useSearchParams()
  const filters = fleetFiltersFromParams(searchParams)
  const setFilters = (next: FleetNodeFilters) => setSearchParams(paramsFromFleetFilters(next))
  const user = useSession().data?.user
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set())
  const [run, setRun] = useState<ProbeRun | null>(null)
  const pollMs = run ? PROBE_POLL_MS : false

  const clusters = useClusters()
  const summary = useFleetSummary(filters.clusterId, pollMs)
  const nodes = useFleetNodes(filters, pollMs)
  const rows = useMemo(() => nodes.data?.pages.flatMap((page) => page.items) ?? NO_ROWS, [nodes.data])
  const done = run ? probedSince(run, rows) : 0

  // Watching ends when every watched node has reported, or after the timeout (some never may).
  useEffect(() => {
    if (!run) return
    if (run.baseline.size > 0 && done >= run.baseline.size) {
      notifications.show({ color: 'green', message: `Probes finished (${run.scope}).` })
      setRun(null)
      return
    }
    const timer = setTimeout(() => setRun(null), Math.max(0, run.startedAt + PROBE_RUN_TIMEOUT_MS - Date.now()))
    return () => clearTimeout(timer)
  }, [run, done])

  const clusterName = clusters.data?.items.find((cluster) => cluster.id === filters.clusterId)?.name
  const toggle = (ids: string[], on: boolean) =>
    setSelected((current) => {
      const next = new Set(current)
      for (const id of ids) {
        if (on) next.add(id)
        else next.delete(id)
      }
      return next
    })
  const mayProbe = canProbe(user)
  const targets = {
    selection:
      selected.size > 0
        ? { label: `${selected.size} selected node${selected.size === 1 ? '' : 's'}`, body: { nodeIds: [...selected] } }
        : null,
    cluster:
      filters.clusterId && clusterName
        ? { label: `Every node in ${clusterName}`, body: { clusterId: filters.clusterId } }
        : null,
    all: canProbeAll(user) ? { label: 'Every node in the fleet', body: { all: true } } : null,
  }
  const onStarted = (target: ProbeTarget, requested: number) => {
    const watched = target.body.nodeIds ? rows.filter((row) => selected.has(row.id)) : rows
    setRun(startProbeRun(target.label, requested, watched, Date.now()))
  }

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <Group align="flex-end" gap="md">
          <Title order={2}>Fleet</Title>
          <NativeSelect
            label="Cluster"
            aria-label="Cluster"
            w={220}
            disabled={clusters.isPending}
            data={[
              { value: '', label: 'All clusters' },
              ...(clusters.data?.items ?? []).map((cluster) => ({
                value: cluster.id,
                label: `${cluster.name} (${cluster.nodeCount})`,
              })),
            ]}
            value={filters.clusterId ?? ''}
            onChange={(event) => setFilters({ ...filters, clusterId: event.currentTarget.value || null })}
          />
        </Group>
        <Group gap="sm">
          <Button component={Link} to="/fleet/drift" variant="default" leftSection={<IconAlertTriangle size={16} />}>
            Drift
          </Button>
          {mayProbe && (
            <ProbeNowMenu
              selectedCount={selected.size}
              targets={targets}
              onStarted={onStarted}
              running={run !== null}
            />
          )}
        </Group>
      </Group>
      {clusters.isError && (
        <ErrorState
          error={clusters.error}
          title="Could not load the clusters"
          onRetry={() => void clusters.refetch()}
        />
      )}

      {summary.isPending ? (
        <Skeleton height={260} radius="md" aria-label="Loading the fleet summary" />
      ) : summary.isError && !summary.data ? (
        <ErrorState
          error={summary.error}
          title="Could not load the fleet summary"
          onRetry={() => void summary.refetch()}
        />
      ) : (
        <FleetSummaryPanel
          summary={summary.data}
          activeHealth={filters.health}
          onHealth={(health: FleetHealth | null) => setFilters({ ...filters, health })}
        />
      )}

      {run && <ProbeProgress run={run} done={done} onDismiss={() => setRun(null)} />}

      <FleetFilters filters={filters} summary={summary.data} onChange={setFilters} />

      {nodes.isError && !nodes.data ? (
        <ErrorState error={nodes.error} title="Could not load nodes" onRetry={() => void nodes.refetch()} />
      ) : (
        <FleetNodesTable
          rows={rows}
          loading={nodes.isPending}
          hasNextPage={nodes.hasNextPage}
          fetchingNextPage={nodes.isFetchingNextPage}
          fetchNextPage={() => void nodes.fetchNextPage()}
          selection={mayProbe ? { selected, toggle } : undefined}
          resetKey={searchParams.toString()}
          empty={
            <EmptyResult
              title="No nodes found"
              description={
                hasNodeFilters(filters) ? 'Nothing matches these filters.' : 'No nodes are registered here yet.'
              }
              action={
                hasNodeFilters(filters) ? (
                  <Button
                    variant="light"
                    onClick={() =>
                      setFilters({ ...filters, health: null, driver: null, cuda: null, q: '', driftOnly: false })
                    }
                  >
                    Clear filters
                  </Button>
                ) : undefined
              }
            />
          }
        />
      )}
      {nodes.isError && nodes.data && (
        <ErrorState error={nodes.error} title="Could not refresh" onRetry={() => void nodes.refetch()} />
      )}

      <Group justify="space-between">
        <Text size="sm" c="dimmed" data-testid="fleet-loaded-count">
          {nodes.data
            ? `${rows.length.toLocaleString()} nodes loaded${nodes.hasNextPage ? ', more as you scroll' : ''}`
            : ''}
        </Text>
        {mayProbe && selected.size > 0 && (
          <Button variant="subtle" size="xs" onClick={() => setSelected(new Set())}>
            Clear selection ({selected.size})
          </Button>
        )}
      </Group>
    </Stack>
  )
}
