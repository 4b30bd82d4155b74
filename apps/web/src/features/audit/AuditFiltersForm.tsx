// Filter form of the audit search: applied together on Search, so a half-typed id is never sent.
import { Button, Group, Paper, SimpleGrid, TextInput } from '@mantine/core'
import { IconSearch } from '@tabler/icons-react'
import { type FormEvent, useEffect, useState } from 'react'
import type { AuditFilters } from './api'
import { fromLocalInputValue, toLocalInputValue } from '../../lib/datetime'
import { NO_AUDIT_FILTERS } from './audit-filters'

export interface AuditFiltersFormProps {
  filters: AuditFilters
  onChange: (next: AuditFilters) => void
}

export function AuditFiltersForm({ filters, onChange }: AuditFiltersFormProps) {
  const [draft, setDraft] = useState(filters)
  useEffect(() => setDraft(filters), [filters])
  const field = (key: keyof Omit<AuditFilters, 'cursor'>) => ({
    value: draft[key],
    onChange: (event: { currentTarget: { value: string } }) => {
      const value = event.currentTarget.value
      setDraft((current) => ({ ...current, [key]: value }))
    },
  })
  const submit = (event: FormEvent) => {
    event.preventDefault()
    onChange({ ...draft, cursor: null })
  }

  return (
    <Paper withBorder p="sm" radius="md" component="form" aria-label="Audit filters" onSubmit={submit}>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="sm">
        <TextInput label="Change" placeholder="CHG0000001" {...field('change')} />
        <TextInput label="Action" placeholder="change.submit or change.*" {...field('action')} />
        <TextInput label="Entity type" placeholder="change, user, node" {...field('entityType')} />
        <TextInput label="Entity id" {...field('entityId')} />
        <TextInput label="Actor id" placeholder="user uuid" {...field('actorId')} />
        <TextInput
          label="From"
          type="datetime-local"
          value={toLocalInputValue(draft.from)}
          onChange={(event) => {
            const value = fromLocalInputValue(event.currentTarget.value)
            setDraft((current) => ({ ...current, from: value }))
          }}
        />
        <TextInput
          label="To"
          type="datetime-local"
          value={toLocalInputValue(draft.to)}
          onChange={(event) => {
            const value = fromLocalInputValue(event.currentTarget.value)
            setDraft((current) => ({ ...current, to: value }))
          }}
        />
        <Group align="flex-end" gap="xs">
          <Button type="submit" leftSection={<IconSearch size={16} />}>
            Search
          </Button>
          <Button variant="default" onClick={() => onChange(NO_AUDIT_FILTERS)}>
            Clear
          </Button>
        </Group>
      </SimpleGrid>
    </Paper>
  )
}
