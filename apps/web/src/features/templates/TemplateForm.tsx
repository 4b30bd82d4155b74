// Proposing a template or its next version: the content a standard change takes from it.
import {
  ChangeCategory,
  type ChangeSubcategory,
  type ChangeTemplateView,
  ConfigItemKind,
  ChangeSubcategory as SubcategorySchema,
} from '@cabinet/contracts'
import { Alert, Button, Group, MultiSelect, NumberInput, Select, Stack, Textarea, TextInput } from '@mantine/core'
import { type FormEvent, useState } from 'react'
import { requiredInput } from '../../components/required'
import { errorMessage } from '../../components/StatusViews'
import { categoryLabels, configItemKindLabels, optionsOf, subcategoryLabels } from '../../lib/labels'
import { useNewTemplateVersion, useProposeTemplate } from './api'

export function TemplateForm({ template, onDone }: { template: ChangeTemplateView | null; onDone: () => void }) {
  const current = template?.current
  const [name, setName] = useState(template?.name ?? '')
  const [description, setDescription] = useState(current?.description ?? '')
  const [category, setCategory] = useState<string>(current?.category ?? 'infrastructure')
  const [subcategory, setSubcategory] = useState<string | null>(current?.subcategory ?? null)
  const [implementationPlan, setImplementationPlan] = useState(current?.implementationPlan ?? '')
  const [rollbackPlan, setRollbackPlan] = useState(current?.rollbackPlan ?? '')
  const [allowedKinds, setAllowedKinds] = useState<string[]>(current?.allowedKinds ?? ['node'])
  const [maxItems, setMaxItems] = useState<number>(current?.maxItems ?? 500)
  const [durationMinutes, setDurationMinutes] = useState<number>(current?.durationMinutes ?? 120)
  const propose = useProposeTemplate()
  const next = useNewTemplateVersion()
  const pending = propose.isPending || next.isPending
  const error = propose.error ?? next.error

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const content = {
      description,
      category: ChangeCategory.parse(category),
      subcategory: subcategory ? (SubcategorySchema.parse(subcategory) as ChangeSubcategory) : null,
      implementationPlan,
      rollbackPlan,
      riskLevel: 'low' as const,
      allowedKinds: allowedKinds.map((kind) => ConfigItemKind.parse(kind)),
      maxItems,
      durationMinutes,
    }
    if (template) await next.mutateAsync({ id: template.id, body: { ...content, version: template.version } })
    else await propose.mutateAsync({ ...content, name })
    onDone()
  }

  return (
    <form onSubmit={(event) => void submit(event).catch(() => undefined)}>
      <Stack gap="sm">
        {error && (
          <Alert color="red" title="Not saved">
            {errorMessage(error)}
          </Alert>
        )}
        {!template && (
          <TextInput label="Name" {...requiredInput} value={name} onChange={(e) => setName(e.currentTarget.value)} />
        )}
        <Textarea
          label="What it does"
          {...requiredInput}
          autosize
          minRows={2}
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
        />
        <Group grow>
          <Select
            label="Category"
            data={optionsOf(categoryLabels)}
            value={category}
            onChange={(v) => setCategory(v ?? 'infrastructure')}
            allowDeselect={false}
          />
          <Select
            label="Subcategory"
            data={optionsOf(subcategoryLabels)}
            value={subcategory}
            onChange={setSubcategory}
            clearable
          />
        </Group>
        <Textarea
          label="Implementation plan"
          {...requiredInput}
          autosize
          minRows={2}
          value={implementationPlan}
          onChange={(e) => setImplementationPlan(e.currentTarget.value)}
        />
        <Textarea
          label="Rollback plan"
          {...requiredInput}
          autosize
          minRows={2}
          value={rollbackPlan}
          onChange={(e) => setRollbackPlan(e.currentTarget.value)}
        />
        <Group grow>
          <MultiSelect
            label="Item kinds it may cover"
            data={optionsOf(configItemKindLabels)}
            value={allowedKinds}
            onChange={setAllowedKinds}
          />
          <NumberInput
            label="At most items"
            min={1}
            max={5000}
            value={maxItems}
            onChange={(v) => setMaxItems(Number(v) || 1)}
          />
          <NumberInput
            label="Duration (minutes)"
            min={1}
            max={10080}
            value={durationMinutes}
            onChange={(v) => setDurationMinutes(Number(v) || 1)}
          />
        </Group>
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={pending}>
            {template ? `Propose version ${template.version + 1}` : 'Propose template'}
          </Button>
        </Group>
      </Stack>
    </form>
  )
}
