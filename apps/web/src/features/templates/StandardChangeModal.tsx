// "New standard change" from an approved template: the clusters it covers (every node of each: one
// change, many items) and/or single nodes, and the planned start; the rest comes from the template.
import type { ChangeTemplateView } from '@cabinet/contracts'
import { Alert, Button, Group, Modal, MultiSelect, Stack, Text, TextInput } from '@mantine/core'
import { type FormEvent, useState } from 'react'
import { useNavigate } from 'react-router'
import { requiredInput } from '../../components/required'
import { errorMessage } from '../../components/StatusViews'
import { fromLocalInputValue, toLocalInputValue } from '../../lib/datetime'
import { useConfigItemSearch } from '../catalog/api'
import { useCreateFromTemplate } from './api'

function tomorrowAtTwo(): string {
  const start = new Date(Date.now() + 86_400_000)
  start.setHours(2, 0, 0, 0)
  return toLocalInputValue(start.toISOString())
}

export function StandardChangeModal({ template, onClose }: { template: ChangeTemplateView; onClose: () => void }) {
  const navigate = useNavigate()
  const create = useCreateFromTemplate()
  const kinds = template.current.allowedKinds
  const clusters = useConfigItemSearch({ q: '', kind: 'cluster', limit: 200 }, kinds.includes('node'))
  const [nodeQuery, setNodeQuery] = useState('')
  const nodes = useConfigItemSearch({ q: nodeQuery, kind: 'node', limit: 50 }, kinds.includes('node'))
  const [clusterIds, setClusterIds] = useState<string[]>([])
  const [nodeIds, setNodeIds] = useState<string[]>([])
  // Picked nodes stay listed while the search shows others: MultiSelect shows only values in its data.
  const [pickedNodes, setPickedNodes] = useState<ReadonlyMap<string, string>>(new Map())
  const nodeOptions = new Map(pickedNodes)
  for (const node of nodes.data?.items ?? []) nodeOptions.set(node.id, node.name)
  const pickNodes = (ids: string[]) => {
    setPickedNodes(new Map(ids.map((id) => [id, nodeOptions.get(id) ?? id])))
    setNodeIds(ids)
  }
  const [plannedStart, setPlannedStart] = useState(tomorrowAtTwo)
  const [title, setTitle] = useState(template.name)
  const nodeCount =
    (clusters.data?.items ?? []).filter((c) => clusterIds.includes(c.id)).reduce((sum, c) => sum + c.nodeCount, 0) +
    nodeIds.length

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const reply = await create.mutateAsync({
      id: template.id,
      body: {
        templateVersion: template.version,
        title,
        plannedStart: fromLocalInputValue(plannedStart),
        clusterIds,
        affectedItems: nodeIds.map((id) => ({ kind: 'node' as const, id })),
      },
    })
    await navigate(`/changes/${reply.change.number}`)
  }

  return (
    <Modal opened onClose={onClose} title={`New standard change: ${template.name} v${template.version}`} size="lg">
      <form onSubmit={(event) => void submit(event).catch(() => undefined)}>
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            Pre-approved by the template: it is scheduled as soon as it is created, with the template's plans and a{' '}
            {template.current.durationMinutes}-minute window.
          </Text>
          {create.error && (
            <Alert color="red" title="Not created">
              {errorMessage(create.error)}
            </Alert>
          )}
          <TextInput label="Title" value={title} onChange={(e) => setTitle(e.currentTarget.value)} />
          <MultiSelect
            label="Whole clusters (every node)"
            placeholder="Pick clusters"
            data={(clusters.data?.items ?? []).map((c) => ({ value: c.id, label: `${c.name} (${c.nodeCount} nodes)` }))}
            value={clusterIds}
            onChange={setClusterIds}
            searchable
          />
          <MultiSelect
            label="Single nodes"
            placeholder="Search nodes"
            data={[...nodeOptions].map(([value, label]) => ({ value, label }))}
            value={nodeIds}
            onChange={pickNodes}
            searchable
            searchValue={nodeQuery}
            onSearchChange={setNodeQuery}
          />
          <TextInput
            label="Planned start"
            type="datetime-local"
            {...requiredInput}
            value={plannedStart}
            onChange={(e) => setPlannedStart(e.currentTarget.value)}
          />
          <Group justify="space-between">
            <Text size="sm" data-testid="standard-change-items">
              {nodeCount} node(s), at most {template.current.maxItems}
            </Text>
            <Group>
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending} disabled={nodeCount === 0}>
                Create standard change
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}
