// Freeze and maintenance-window administration: what exists with its next occurrences, a form to
// add one (wall-clock start in a time zone, duration, optional RRULE, scope), and delete.
import type { ConfigItemOption, ScheduleRuleBody, ScheduleScope } from '@cabinet/contracts'
import { Button, Group, NativeSelect, NumberInput, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core'
import { type FormEvent, useState } from 'react'
import { ErrorState, errorMessage, LoadingBlock } from '../../components/StatusViews'
import { isApiError } from '../../lib/api-client'
import { formatDateTime } from '../../lib/datetime'
import { ConfigItemPicker } from '../catalog/ConfigItemPicker'
import { type RuleKind, useCreateRule, useDeleteRule, useRules } from './api'

const SCOPES: { value: ScheduleScope; label: string }[] = [
  { value: 'clusters', label: 'Clusters' },
  { value: 'nodes', label: 'Nodes' },
  { value: 'services', label: 'Services' },
  { value: 'global', label: 'Everything' },
]
const SCOPE_KIND = { clusters: 'cluster', nodes: 'node', services: 'service' } as const

function RuleForm({ kind }: { kind: RuleKind }) {
  const create = useCreateRule(kind)
  const [name, setName] = useState('')
  const [reason, setReason] = useState('')
  const [start, setStart] = useState('')
  const [timeZone, setTimeZone] = useState(() => Intl.DateTimeFormat().resolvedOptions().timeZone)
  const [durationMinutes, setDuration] = useState<number | string>(kind === 'freeze' ? 24 * 60 : 240)
  const [rrule, setRrule] = useState('')
  const [scope, setScope] = useState<ScheduleScope>('clusters')
  const [items, setItems] = useState<ConfigItemOption[]>([])
  const issues = isApiError(create.error) ? create.error.fieldIssues : []
  const errorOf = (path: string) => issues.find((issue) => issue.path.startsWith(path))?.message

  function submit(event: FormEvent) {
    event.preventDefault()
    const body: ScheduleRuleBody = {
      name,
      reason,
      start,
      timeZone,
      durationMinutes: Number(durationMinutes),
      rrule: rrule.trim() === '' ? null : rrule.trim(),
      scope,
      items: scope in SCOPE_KIND ? items.map((item) => ({ kind: item.kind, id: item.id })) : [],
    }
    create.mutate(body, { onSuccess: () => setName('') })
  }

  return (
    <Paper withBorder p="md" component="form" onSubmit={submit}>
      <Stack gap="sm">
        <Title order={4}>New {kind === 'freeze' ? 'freeze' : 'maintenance window'}</Title>
        <Group grow align="start">
          <TextInput
            label="Name"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={errorOf('name')}
          />
          <TextInput label="Reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
        </Group>
        <Group grow align="start">
          <TextInput
            label="Starts (local time)"
            type="datetime-local"
            value={start}
            onChange={(e) => setStart(e.currentTarget.value)}
            error={errorOf('start')}
          />
          <TextInput
            label="Time zone"
            value={timeZone}
            onChange={(e) => setTimeZone(e.currentTarget.value)}
            error={errorOf('timeZone')}
          />
          <NumberInput
            label="Duration (minutes)"
            value={durationMinutes}
            onChange={setDuration}
            min={1}
            error={errorOf('durationMinutes')}
          />
        </Group>
        <TextInput
          label="Repeats (RRULE)"
          description="Empty for once; e.g. FREQ=WEEKLY;BYDAY=SA or FREQ=MONTHLY;BYMONTH=3,6,9,12;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"
          value={rrule}
          onChange={(e) => setRrule(e.currentTarget.value)}
          error={errorOf('rrule')}
        />
        <NativeSelect
          label="Scope"
          data={SCOPES}
          value={scope}
          onChange={(e) => setScope(e.currentTarget.value as ScheduleScope)}
        />
        {scope in SCOPE_KIND && (
          <ConfigItemPicker label="Covers" value={items} onChange={setItems} error={errorOf('items')} />
        )}
        {create.isError && issues.length === 0 && <Text c="red">{errorMessage(create.error)}</Text>}
        <Group>
          <Button type="submit" loading={create.isPending}>
            Create
          </Button>
        </Group>
      </Stack>
    </Paper>
  )
}

function RulesSection({ kind }: { kind: RuleKind }) {
  const rules = useRules(kind)
  const remove = useDeleteRule(kind)
  return (
    <Stack gap="md">
      <Title order={3}>{kind === 'freeze' ? 'Freezes' : 'Maintenance windows'}</Title>
      {rules.isPending && <LoadingBlock />}
      {rules.isError && <ErrorState error={rules.error} />}
      {rules.data && (
        <Table striped data-testid={`${kind}-table`}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Covers</Table.Th>
              <Table.Th>Repeats</Table.Th>
              <Table.Th>Next</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rules.data.items.map((rule) => (
              <Table.Tr key={rule.id}>
                <Table.Td>{rule.name}</Table.Td>
                <Table.Td>
                  {rule.scope === 'global'
                    ? 'Everything'
                    : rule.items.map((item) => item.name).join(', ') || rule.categories.join(', ')}
                </Table.Td>
                <Table.Td>
                  <Text size="xs">
                    {rule.rrule ?? 'once'} · {rule.timeZone}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {rule.upcoming[0]
                    ? `${formatDateTime(rule.upcoming[0].start)} – ${formatDateTime(rule.upcoming[0].end)}`
                    : '—'}
                </Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    color="red"
                    variant="subtle"
                    onClick={() => remove.mutate({ id: rule.id, version: rule.version })}
                  >
                    Delete
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <RuleForm kind={kind} />
    </Stack>
  )
}

export function RulesPage() {
  return (
    <Stack gap="xl">
      <Title order={2}>Freezes and maintenance windows</Title>
      <RulesSection kind="freeze" />
      <RulesSection kind="window" />
    </Stack>
  )
}
