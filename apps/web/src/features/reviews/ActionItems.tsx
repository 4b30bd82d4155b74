// A review's action items: each with an owner and a due date, marked done when done; new ones are
// added here, also after the review is completed (the work they track outlives the review).
import type { ActionItemView } from '@cabinet/contracts'
import { Badge, Button, Checkbox, Group, Select, Stack, Table, Text, TextInput } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useState } from 'react'
import { errorMessage } from '../../components/StatusViews'
import { isApiError } from '../../lib/api-client'
import { formatDateTime, fromLocalInputValue } from '../../lib/datetime'
import { useAddActionItem, usePeople, useUpdateActionItem } from './api'

export function ActionItems({
  changeId,
  items,
  canEdit,
}: {
  changeId: string
  items: ActionItemView[]
  canEdit: boolean
}) {
  const people = usePeople()
  const add = useAddActionItem(changeId)
  const update = useUpdateActionItem(changeId)
  const [title, setTitle] = useState('')
  const [ownerId, setOwnerId] = useState<string | null>(null)
  const [due, setDue] = useState('')
  const issues = isApiError(add.error) ? add.error.fieldIssues : []
  const errorFor = (path: string) => issues.find((issue) => issue.path === path)?.message
  const owners = (people.data?.items ?? []).map((person) => ({ value: person.id, label: person.name }))

  const submit = () =>
    add.mutate(
      { title, ownerId, dueAt: fromLocalInputValue(due) },
      {
        onSuccess: () => {
          setTitle('')
          setDue('')
          setOwnerId(null)
        },
      },
    )

  const toggle = (item: ActionItemView) =>
    update.mutate(
      { itemId: item.id, version: item.version, status: item.status === 'done' ? 'open' : 'done' },
      {
        onError: (error) =>
          notifications.show({ color: 'red', title: 'Could not update the action item', message: errorMessage(error) }),
      },
    )

  return (
    <Stack gap="xs">
      <Text fw={600} size="sm">
        Action items
      </Text>
      {items.length === 0 ? (
        <Text size="sm" c="dimmed">
          No action items yet.
        </Text>
      ) : (
        <Table verticalSpacing={4} aria-label="Action items">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Done</Table.Th>
              <Table.Th>Action</Table.Th>
              <Table.Th>Owner</Table.Th>
              <Table.Th>Due</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((item) => (
              <Table.Tr key={item.id} data-testid="action-item" data-status={item.status}>
                <Table.Td>
                  <Checkbox
                    aria-label={`Done: ${item.title}`}
                    checked={item.status === 'done'}
                    onChange={() => toggle(item)}
                    disabled={!canEdit || update.isPending}
                  />
                </Table.Td>
                <Table.Td>
                  <Text size="sm" td={item.status === 'done' ? 'line-through' : undefined}>
                    {item.title}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{item.owner?.name ?? 'Unassigned'}</Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    <Text size="sm">{formatDateTime(item.dueAt)}</Text>
                    {item.overdue && (
                      <Badge color="red" size="xs">
                        overdue
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {canEdit && (
        <Group align="flex-end" gap="xs" role="group" aria-label="Add an action item">
          <TextInput
            label="New action item"
            value={title}
            onChange={(e) => setTitle(e.currentTarget.value)}
            error={errorFor('title')}
            style={{ flex: 2 }}
          />
          <Select
            label="Owner"
            data={owners}
            value={ownerId}
            onChange={setOwnerId}
            searchable
            clearable
            style={{ flex: 1 }}
          />
          <TextInput
            label="Due"
            type="datetime-local"
            value={due}
            onChange={(e) => setDue(e.currentTarget.value)}
            error={errorFor('dueAt')}
          />
          <Button variant="light" onClick={submit} loading={add.isPending}>
            Add
          </Button>
        </Group>
      )}
    </Stack>
  )
}
