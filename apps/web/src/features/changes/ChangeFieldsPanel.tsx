// Every field of a change, read-only: the record, the plans, the affected items and the answers.
import type { ChangeDetail } from '@cabinet/contracts'
import { Badge, Button, DataList, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core'
import { useState } from 'react'
import { formatDateTime } from '../../lib/datetime'
import {
  categoryLabels,
  changeTypeLabels,
  closeCodeLabels,
  configItemKindColors,
  configItemKindLabels,
  subcategoryLabels,
} from '../../lib/labels'

const ITEMS_SHOWN = 50

function Field({ label, value }: { label: string; value: string }) {
  return (
    <DataList.Item>
      <DataList.ItemLabel>{label}</DataList.ItemLabel>
      <DataList.ItemValue>{value}</DataList.ItemValue>
    </DataList.Item>
  )
}

function LongText({ label, value }: { label: string; value: string }) {
  return (
    <Stack gap={2}>
      <Text size="sm" fw={600}>
        {label}
      </Text>
      <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} c={value ? undefined : 'dimmed'}>
        {value || 'Not given'}
      </Text>
    </Stack>
  )
}

const yesNo = (value: boolean) => (value ? 'Yes' : 'No')

export function ChangeFieldsPanel({ change }: { change: ChangeDetail }) {
  const [showAllItems, setShowAllItems] = useState(false)
  const items = showAllItems ? change.affectedItems : change.affectedItems.slice(0, ITEMS_SHOWN)
  const answers = change.riskQuestionnaire
  return (
    <Stack gap="md">
      <Paper withBorder p="md" radius="md" component="section" aria-label="Details">
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <DataList labelWidth={140}>
            <Field label="Type" value={changeTypeLabels[change.type]} />
            <Field label="Category" value={categoryLabels[change.category]} />
            <Field label="Subcategory" value={change.subcategory ? subcategoryLabels[change.subcategory] : '—'} />
            {change.targetDriverVersion && <Field label="Target driver version" value={change.targetDriverVersion} />}
            {change.closeCode && <Field label="Close code" value={closeCodeLabels[change.closeCode]} />}
            <Field label="Review required" value={yesNo(change.reviewRequired)} />
          </DataList>
          <DataList labelWidth={140}>
            <Field label="Planned start" value={formatDateTime(change.plannedStart)} />
            <Field label="Planned end" value={formatDateTime(change.plannedEnd)} />
            <Field label="Requester" value={`${change.requester.name} (${change.requester.email})`} />
            <Field label="Implementer" value={change.implementer ? change.implementer.name : 'Nobody yet'} />
            <Field label="Created" value={formatDateTime(change.createdAt)} />
            <Field label="Version" value={String(change.version)} />
          </DataList>
        </SimpleGrid>
      </Paper>

      <Paper withBorder p="md" radius="md" component="section" aria-label="Plan">
        <Stack gap="md">
          <LongText label="What will change" value={change.description} />
          <LongText label="Why" value={change.justification} />
          <LongText label="Implementation plan" value={change.implementationPlan} />
          <LongText label="Test evidence" value={change.testEvidence} />
          <LongText label="Rollback plan" value={change.rollbackPlan} />
        </Stack>
      </Paper>

      <Paper withBorder p="md" radius="md" component="section" aria-label="Affected items">
        <Stack gap="sm">
          <Title order={4}>Affected items ({change.affectedItems.length})</Title>
          <Table striped verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Kind</Table.Th>
                <Table.Th>Name</Table.Th>
                <Table.Th>Detail</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((item) => (
                <Table.Tr key={`${item.kind}:${item.id}`}>
                  <Table.Td>
                    <Badge size="xs" variant="light" color={configItemKindColors[item.kind]}>
                      {configItemKindLabels[item.kind]}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{item.name}</Table.Td>
                  <Table.Td>
                    <Text size="xs" c="dimmed">
                      {/* The server's detail already says what it holds (a cluster's node count); a service's
                          nodeCount is always 0 because its nodes are the server's impact analysis. */}
                      {item.detail}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {change.affectedItems.length > ITEMS_SHOWN && (
            <Group>
              <Button size="compact-sm" variant="subtle" onClick={() => setShowAllItems(!showAllItems)}>
                {showAllItems ? 'Show fewer' : `Show all ${change.affectedItems.length}`}
              </Button>
            </Group>
          )}
        </Stack>
      </Paper>

      <Paper withBorder p="md" radius="md" component="section" aria-label="Risk questionnaire">
        <Stack gap="xs">
          <Title order={4}>Risk questionnaire</Title>
          <DataList labelWidth={200}>
            <Field label="Experience" value={answers.experience.replace('-', ' ')} />
            <Field label="Automation" value={answers.automation.replace('-', ' ')} />
            <Field label="Tested in staging" value={yesNo(answers.testedInStaging)} />
            <Field label="Rollback has been tested" value={yesNo(answers.rollbackTested)} />
            <Field label="Requires downtime" value={yesNo(answers.requiresDowntime)} />
            <Field label="Visible to users" value={yesNo(answers.userVisible)} />
          </DataList>
        </Stack>
      </Paper>
    </Stack>
  )
}
