// The request-for-change form, for creating and for editing while the change is `new`, with the
// live risk matrix beside it. Problems, from the contracts' schema here or from the server, are
// shown at the field they concern (`affectedItems.0.id` at the picker).
import { type FieldIssue, ChangeCategory, ChangeSubcategory, ChangeType } from '@cabinet/contracts'
import {
  Alert,
  Box,
  Button,
  Grid,
  Group,
  List,
  NativeSelect,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { IconAlertTriangle } from '@tabler/icons-react'
import { type FormEvent, type ReactNode, useEffect, useMemo, useRef, useState } from 'react'
import { requiredInput } from '../../components/required'
import { errorMessage } from '../../components/StatusViews'
import { isApiError } from '../../lib/api-client'
import { categoryLabels, changeTypeLabels, optionsOf, subcategoryLabels } from '../../lib/labels'
import { ConfigItemPicker } from '../catalog/ConfigItemPicker'
import { useRiskPreview } from '../risk/api'
import { useUsersByRole } from '../users/api'
import {
  type ChangeDraft,
  DRIVER_SUBCATEGORY,
  type DraftField,
  type QuestionnaireField,
  fieldForPath,
  mapIssuesToFields,
  toRiskPreviewInput,
} from './change-draft'
import { RiskPanel } from './RiskPanel'
import { RiskQuestionnaireFields } from './RiskQuestionnaireFields'
import { SchedulePreview } from '../schedule/SchedulePreview'
import { EmergencyNotice } from '../templates/EmergencyNotice'

const RISK_PREVIEW_DEBOUNCE_MS = 400

const TYPE_OPTIONS = optionsOf(changeTypeLabels)
const CATEGORY_OPTIONS = [{ value: '', label: 'Choose a category' }, ...optionsOf(categoryLabels)]
const SUBCATEGORY_OPTIONS = [{ value: '', label: 'None' }, ...optionsOf(subcategoryLabels)]

export interface ChangeFormProps {
  mode: 'create' | 'edit'
  initial: ChangeDraft
  submitLabel: string
  /** Throws an ApiError on failure; field issues are shown at their fields, the rest above the form. */
  onSubmit: (draft: ChangeDraft) => Promise<void>
  onCancel: () => void
  /** The implementer already on the change, in case the implementer list does not include them. */
  currentImplementer?: { id: string; name: string } | null
  /** Whether "Emergency" is offered as a type (only on-call, change managers and admins raise one). */
  allowEmergency?: boolean
  /** Shown above the form (e.g. "someone else edited this change"). */
  banner?: ReactNode
  submitDisabled?: boolean
}

interface FormProblems {
  byField: Partial<Record<DraftField, string>>
  general: string | null
  unplaced: FieldIssue[]
}
const NO_PROBLEMS: FormProblems = { byField: {}, general: null, unplaced: [] }

export function ChangeForm(props: ChangeFormProps) {
  const { mode, initial, submitLabel, onSubmit, onCancel, currentImplementer, banner, submitDisabled } = props
  // Editing shows the stored type whatever it is (the select is disabled then).
  const typeOptions =
    mode === 'create' && props.allowEmergency === false
      ? TYPE_OPTIONS.filter((option) => option.value !== 'emergency')
      : TYPE_OPTIONS
  const [draft, setDraft] = useState<ChangeDraft>(initial)
  const [problems, setProblems] = useState<FormProblems>(NO_PROBLEMS)
  const [submitting, setSubmitting] = useState(false)
  const formRef = useRef<HTMLFormElement>(null)

  // A new `initial` (e.g. the latest version loaded after a conflict) replaces the draft.
  useEffect(() => {
    setDraft(initial)
    setProblems(NO_PROBLEMS)
  }, [initial])

  const previewInput = useMemo(() => toRiskPreviewInput(draft), [draft])
  const [debouncedPreviewInput] = useDebouncedValue(previewInput, RISK_PREVIEW_DEBOUNCE_MS)
  const riskPreview = useRiskPreview(debouncedPreviewInput)

  const implementers = useUsersByRole('implementer')
  const implementerOptions = useMemo(() => {
    const options = (implementers.data?.items ?? []).map((user) => ({
      value: user.id,
      label: `${user.name} (${user.email})`,
    }))
    if (currentImplementer && !options.some((option) => option.value === currentImplementer.id)) {
      options.unshift({ value: currentImplementer.id, label: currentImplementer.name })
    }
    return options
  }, [implementers.data, currentImplementer])

  const set = <K extends keyof ChangeDraft>(key: K, value: ChangeDraft[K]) => {
    setDraft((previous) => ({ ...previous, [key]: value }))
    // Editing a field answers its problem; keep the others until the next submit.
    const field = fieldForPath(key)
    if (field === null) return
    setProblems((previous) => {
      if (!(field in previous.byField)) return previous
      const byField = { ...previous.byField }
      delete byField[field]
      return { ...previous, byField }
    })
  }
  const errorOf = (field: DraftField) => problems.byField[field]
  const text = (field: Exclude<DraftField, QuestionnaireField | 'affectedItems' | 'implementerId'>) => ({
    value: String(draft[field] ?? ''),
    error: errorOf(field),
  })

  // After a failed submit, take the person to the first field that needs them.
  useEffect(() => {
    if (Object.keys(problems.byField).length === 0) return
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus()
  }, [problems])

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    setSubmitting(true)
    setProblems(NO_PROBLEMS)
    try {
      await onSubmit(draft)
    } catch (error) {
      if (isApiError(error) && error.fieldIssues.length > 0) {
        const mapped = mapIssuesToFields(error.fieldIssues)
        setProblems({ byField: mapped.byField, unplaced: mapped.unplaced, general: error.message })
      } else {
        setProblems({ byField: {}, unplaced: [], general: errorMessage(error) })
      }
    } finally {
      setSubmitting(false)
    }
  }

  const questionnaireErrors: Partial<Record<QuestionnaireField, string>> = problems.byField
  const showDriverVersion = draft.subcategory === DRIVER_SUBCATEGORY

  return (
    <Grid gap="lg">
      <Grid.Col span={{ base: 12, lg: 8 }}>
        <form ref={formRef} onSubmit={(event) => void handleSubmit(event)} noValidate aria-label="Change request">
          <Stack gap="md">
            {banner}
            {problems.general && (
              <Alert
                color="red"
                variant="light"
                icon={<IconAlertTriangle size={18} />}
                role="alert"
                title={problems.general}
              >
                {problems.unplaced.length > 0 && (
                  <List size="sm">
                    {problems.unplaced.map((issue) => (
                      <List.Item key={`${issue.path}:${issue.message}`}>
                        {issue.path ? `${issue.path}: ` : ''}
                        {issue.message}
                      </List.Item>
                    ))}
                  </List>
                )}
              </Alert>
            )}

            <Paper withBorder p="md" radius="md">
              <Stack gap="sm">
                <Title order={4}>What</Title>
                <SimpleGrid cols={{ base: 1, sm: 3 }}>
                  <NativeSelect
                    label="Type"
                    data={typeOptions}
                    value={draft.type}
                    disabled={mode === 'edit'}
                    description={mode === 'edit' ? 'The type cannot change after creation' : undefined}
                    // Below the select, so the three selects of this row stay level.
                    inputWrapperOrder={['label', 'input', 'description', 'error']}
                    onChange={(event) => {
                      const parsed = ChangeType.safeParse(event.currentTarget.value)
                      if (parsed.success) set('type', parsed.data)
                    }}
                    error={errorOf('type')}
                    {...requiredInput}
                  />
                  <NativeSelect
                    label="Category"
                    data={CATEGORY_OPTIONS}
                    value={draft.category}
                    onChange={(event) => {
                      const parsed = ChangeCategory.safeParse(event.currentTarget.value)
                      set('category', parsed.success ? parsed.data : '')
                    }}
                    error={errorOf('category')}
                    {...requiredInput}
                  />
                  <NativeSelect
                    label="Subcategory"
                    data={SUBCATEGORY_OPTIONS}
                    value={draft.subcategory}
                    onChange={(event) => {
                      const parsed = ChangeSubcategory.safeParse(event.currentTarget.value)
                      set('subcategory', parsed.success ? parsed.data : '')
                    }}
                    error={errorOf('subcategory')}
                  />
                </SimpleGrid>
                {showDriverVersion && (
                  <TextInput
                    label="Target driver version"
                    placeholder="570.86.15"
                    description="The NVIDIA driver version every affected node should run afterwards"
                    {...text('targetDriverVersion')}
                    onChange={(event) => set('targetDriverVersion', event.currentTarget.value)}
                  />
                )}
                <TextInput
                  label="Title"
                  {...requiredInput}
                  maxLength={200}
                  {...text('title')}
                  onChange={(event) => set('title', event.currentTarget.value)}
                />
                <Textarea
                  label="What will change"
                  {...requiredInput}
                  autosize
                  minRows={3}
                  {...text('description')}
                  onChange={(event) => set('description', event.currentTarget.value)}
                />
                <Textarea
                  label="Why"
                  {...requiredInput}
                  autosize
                  minRows={2}
                  {...text('justification')}
                  onChange={(event) => set('justification', event.currentTarget.value)}
                />
                {draft.type === 'emergency' && <EmergencyNotice />}
              </Stack>
            </Paper>

            <Paper withBorder p="md" radius="md">
              <Stack gap="sm">
                <Title order={4}>When, who and where</Title>
                <SimpleGrid cols={{ base: 1, sm: 2 }}>
                  <TextInput
                    type="datetime-local"
                    label="Planned start"
                    {...requiredInput}
                    {...text('plannedStart')}
                    onChange={(event) => set('plannedStart', event.currentTarget.value)}
                  />
                  <TextInput
                    type="datetime-local"
                    label="Planned end"
                    {...requiredInput}
                    {...text('plannedEnd')}
                    onChange={(event) => set('plannedEnd', event.currentTarget.value)}
                  />
                </SimpleGrid>
                <Select
                  label="Implementer"
                  placeholder={implementers.isPending ? 'Loading implementers…' : 'Nobody yet'}
                  data={implementerOptions}
                  value={draft.implementerId}
                  onChange={(value) => set('implementerId', value)}
                  searchable
                  clearable
                  nothingFoundMessage="No implementer matches"
                  description={
                    implementers.isError ? `Cannot list implementers: ${errorMessage(implementers.error)}` : undefined
                  }
                  error={errorOf('implementerId')}
                />
                <ConfigItemPicker
                  label="Affected items"
                  {...requiredInput}
                  value={draft.affectedItems}
                  onChange={(items) => set('affectedItems', items)}
                  error={errorOf('affectedItems')}
                />
              </Stack>
            </Paper>

            <Paper withBorder p="md" radius="md">
              <Stack gap="sm">
                <Title order={4}>How</Title>
                <Textarea
                  label="Implementation plan"
                  {...requiredInput}
                  autosize
                  minRows={3}
                  {...text('implementationPlan')}
                  onChange={(event) => set('implementationPlan', event.currentTarget.value)}
                />
                <Textarea
                  label="Test evidence"
                  autosize
                  minRows={2}
                  {...text('testEvidence')}
                  onChange={(event) => set('testEvidence', event.currentTarget.value)}
                />
                <Textarea
                  label="Rollback plan"
                  {...requiredInput}
                  autosize
                  minRows={2}
                  {...text('rollbackPlan')}
                  onChange={(event) => set('rollbackPlan', event.currentTarget.value)}
                />
              </Stack>
            </Paper>

            <RiskQuestionnaireFields
              value={draft.riskQuestionnaire}
              onChange={(next) => set('riskQuestionnaire', next)}
              errors={questionnaireErrors}
            />

            <Group justify="flex-end">
              <Button variant="default" onClick={onCancel} disabled={submitting}>
                Discard
              </Button>
              <Button type="submit" loading={submitting} disabled={submitDisabled}>
                {submitLabel}
              </Button>
            </Group>
          </Stack>
        </form>
      </Grid.Col>
      <Grid.Col span={{ base: 12, lg: 4 }}>
        <Box pos="sticky" top={72}>
          <RiskPanel
            risk={debouncedPreviewInput ? riskPreview.data : undefined}
            loading={riskPreview.isFetching}
            error={riskPreview.isError ? riskPreview.error : undefined}
            placeholder="Choose a category and a planned start to see the risk."
          />
          <SchedulePreview
            draft={draft}
            onPickSlot={(plannedStart, plannedEnd) => setDraft((d) => ({ ...d, plannedStart, plannedEnd }))}
          />
        </Box>
      </Grid.Col>
    </Grid>
  )
}
