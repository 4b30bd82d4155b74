// Filter controls of the changes list. Any change of filter starts again at the first page.
import type { ChangeCategory, ChangeState, ChangeType, RiskLevel } from '@cabinet/contracts'
import { Button, Group, MultiSelect, Paper, SimpleGrid, Switch, TextInput } from '@mantine/core'
import { useDebouncedCallback } from '@mantine/hooks'
import { IconSearch } from '@tabler/icons-react'
import { useEffect, useState } from 'react'
import { categoryLabels, changeStateLabels, changeTypeLabels, optionsOf, riskLevelLabels } from '../../lib/labels'
import type { ChangeListFilters } from './api'
import { NO_FILTERS, hasFilters } from './list-filters'

const STATE_OPTIONS = optionsOf(changeStateLabels)
const TYPE_OPTIONS = optionsOf(changeTypeLabels)
const CATEGORY_OPTIONS = optionsOf(categoryLabels)
const RISK_OPTIONS = optionsOf(riskLevelLabels)
const SEARCH_DEBOUNCE_MS = 300

export interface ChangeFiltersProps {
  filters: ChangeListFilters
  onChange: (next: ChangeListFilters) => void
}

export function ChangeFilters({ filters, onChange }: ChangeFiltersProps) {
  const update = (patch: Partial<ChangeListFilters>) => onChange({ ...filters, ...patch, cursor: null })
  // The search box types locally and reaches the address (and the API) once typing pauses.
  const [search, setSearch] = useState(filters.q)
  useEffect(() => setSearch(filters.q), [filters.q])
  const commitSearch = useDebouncedCallback((q: string) => update({ q }), SEARCH_DEBOUNCE_MS)

  return (
    <Paper withBorder p="sm" radius="md" component="section" aria-label="Filters">
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="sm">
        <MultiSelect<ChangeState>
          label="State"
          placeholder={filters.state.length ? undefined : 'Any state'}
          data={STATE_OPTIONS}
          value={filters.state}
          onChange={(state) => update({ state })}
          clearable
        />
        <MultiSelect<ChangeType>
          label="Type"
          placeholder={filters.type.length ? undefined : 'Any type'}
          data={TYPE_OPTIONS}
          value={filters.type}
          onChange={(type) => update({ type })}
          clearable
        />
        <MultiSelect<ChangeCategory>
          label="Category"
          placeholder={filters.category.length ? undefined : 'Any category'}
          data={CATEGORY_OPTIONS}
          value={filters.category}
          onChange={(category) => update({ category })}
          clearable
        />
        <MultiSelect<RiskLevel>
          label="Risk"
          placeholder={filters.risk.length ? undefined : 'Any risk'}
          data={RISK_OPTIONS}
          value={filters.risk}
          onChange={(risk) => update({ risk })}
          clearable
        />
      </SimpleGrid>
      <Group mt="sm" justify="space-between" align="flex-end">
        <TextInput
          label="Search"
          placeholder="Number or title"
          leftSection={<IconSearch size={16} />}
          value={search}
          onChange={(event) => {
            setSearch(event.currentTarget.value)
            commitSearch(event.currentTarget.value)
          }}
          w={{ base: '100%', sm: 320 }}
        />
        <Group gap="md">
          <Switch
            label="Mine"
            checked={filters.mine}
            onChange={(event) => update({ mine: event.currentTarget.checked })}
          />
          <Button variant="subtle" size="xs" disabled={!hasFilters(filters)} onClick={() => onChange(NO_FILTERS)}>
            Clear filters
          </Button>
        </Group>
      </Group>
    </Paper>
  )
}
