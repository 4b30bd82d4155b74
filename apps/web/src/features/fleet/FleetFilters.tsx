// Filter controls of the node table. Driver and CUDA offer the versions the summary has seen, so a
// filter is picked, not typed; `none` picks the nodes that report no version.
import type { FleetSummary } from '@cabinet/contracts'
import { FleetHealth } from '@cabinet/contracts'
import { Button, Group, NativeSelect, Paper, SimpleGrid, Switch, TextInput } from '@mantine/core'
import { useDebouncedCallback } from '@mantine/hooks'
import { IconSearch } from '@tabler/icons-react'
import { useEffect, useState } from 'react'
import { optionsOf } from '../../lib/labels'
import { type FleetNodeFilters, hasNodeFilters, versionFilterValue } from './fleet-filters'
import { fleetHealthLabels } from './fleet-labels'

const SEARCH_DEBOUNCE_MS = 300
const HEALTH_OPTIONS = [{ value: '', label: 'Any health' }, ...optionsOf(fleetHealthLabels)]

function versionOptions(distribution: FleetSummary['drivers'] | undefined, current: string | null, anyLabel: string) {
  const seen = (distribution ?? []).map((entry) => ({
    value: versionFilterValue(entry.value),
    label: `${entry.value ?? 'none reported'} (${entry.count})`,
  }))
  // A version from the address that this cluster's summary does not list still shows as chosen.
  if (current && !seen.some((option) => option.value === current)) seen.push({ value: current, label: current })
  return [{ value: '', label: anyLabel }, ...seen]
}

export interface FleetFiltersProps {
  filters: FleetNodeFilters
  summary: FleetSummary | undefined
  onChange: (next: FleetNodeFilters) => void
}

export function FleetFilters({ filters, summary, onChange }: FleetFiltersProps) {
  const update = (patch: Partial<FleetNodeFilters>) => onChange({ ...filters, ...patch })
  // The search box types locally and reaches the address (and the API) once typing pauses.
  const [search, setSearch] = useState(filters.q)
  useEffect(() => setSearch(filters.q), [filters.q])
  const commitSearch = useDebouncedCallback((q: string) => update({ q }), SEARCH_DEBOUNCE_MS)

  return (
    <Paper withBorder p="sm" radius="md" component="section" aria-label="Node filters">
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="sm">
        <TextInput
          label="Search"
          placeholder="Hostname"
          leftSection={<IconSearch size={16} />}
          value={search}
          onChange={(event) => {
            setSearch(event.currentTarget.value)
            commitSearch(event.currentTarget.value)
          }}
        />
        <NativeSelect
          label="Health"
          data={HEALTH_OPTIONS}
          value={filters.health ?? ''}
          onChange={(event) => {
            const parsed = FleetHealth.safeParse(event.currentTarget.value)
            update({ health: parsed.success ? parsed.data : null })
          }}
        />
        <NativeSelect
          label="Driver"
          data={versionOptions(summary?.drivers, filters.driver, 'Any driver')}
          value={filters.driver ?? ''}
          onChange={(event) => update({ driver: event.currentTarget.value || null })}
        />
        <NativeSelect
          label="CUDA"
          data={versionOptions(summary?.cuda, filters.cuda, 'Any CUDA')}
          value={filters.cuda ?? ''}
          onChange={(event) => update({ cuda: event.currentTarget.value || null })}
        />
      </SimpleGrid>
      <Group mt="sm" justify="space-between">
        <Switch
          label="Open drift only"
          checked={filters.driftOnly}
          onChange={(event) => update({ driftOnly: event.currentTarget.checked })}
        />
        <Button
          variant="subtle"
          size="xs"
          disabled={!hasNodeFilters(filters)}
          onClick={() => onChange({ ...filters, health: null, driver: null, cuda: null, q: '', driftOnly: false })}
        >
          Clear filters
        </Button>
      </Group>
    </Paper>
  )
}
