// The fields of an open review: who reviews, the outcome against the success criteria, the
// timeline, root cause, lessons and the incidents the change caused. Saved with the review's version.
import type { CloseCode, ReviewView } from '@cabinet/contracts'
import { Button, Group, NumberInput, Select, SimpleGrid, Stack, TagsInput, Textarea } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useState } from 'react'
import { errorMessage } from '../../components/StatusViews'
import { isApiError } from '../../lib/api-client'
import { closeCodeLabels, optionsOf } from '../../lib/labels'
import { usePeople, useUpdateReview } from './api'

interface Draft {
  reviewerId: string | null
  outcome: CloseCode | null
  successCriteriaMet: string | null
  timeline: string
  rootCause: string
  lessonsLearned: string
  incidentsCaused: number
  incidentRefs: string[]
}

const draftOf = (review: ReviewView): Draft => ({
  reviewerId: review.reviewer?.id ?? null,
  outcome: review.outcome,
  successCriteriaMet: review.successCriteriaMet === null ? null : String(review.successCriteriaMet),
  timeline: review.timeline,
  rootCause: review.rootCause,
  lessonsLearned: review.lessonsLearned,
  incidentsCaused: review.incidentsCaused,
  incidentRefs: review.incidentRefs,
})

export function ReviewForm({
  review,
  changeId,
  readOnly,
}: {
  review: ReviewView
  changeId: string
  readOnly: boolean
}) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(review))
  const people = usePeople()
  const update = useUpdateReview(changeId)
  const issues = isApiError(update.error) ? update.error.fieldIssues : []
  const errorFor = (path: string) => issues.find((issue) => issue.path === path)?.message
  const set =
    <K extends keyof Draft>(key: K) =>
    (value: Draft[K]) =>
      setDraft((current) => ({ ...current, [key]: value }))

  // mutateAsync, not mutate's callbacks: saving moves the review's version, which remounts this form
  // (its key), and callbacks given to mutate() are dropped once their component is gone.
  const save = () =>
    update
      .mutateAsync({
        version: review.version,
        reviewerId: draft.reviewerId,
        outcome: draft.outcome,
        successCriteriaMet: draft.successCriteriaMet === null ? null : draft.successCriteriaMet === 'true',
        timeline: draft.timeline,
        rootCause: draft.rootCause,
        lessonsLearned: draft.lessonsLearned,
        incidentsCaused: draft.incidentsCaused,
        incidentRefs: draft.incidentRefs,
      })
      .then(
        () => notifications.show({ color: 'green', message: 'Review saved' }),
        (error: unknown) =>
          notifications.show({ color: 'red', title: 'Could not save the review', message: errorMessage(error) }),
      )

  return (
    <Stack gap="sm" aria-label="Review fields" role="group">
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <Select
          label="Reviewer"
          placeholder="Unassigned"
          data={(people.data?.items ?? [])
            .filter((p) => !p.roles.every((r) => r === 'auditor'))
            .map((p) => ({ value: p.id, label: p.name }))}
          value={draft.reviewerId}
          onChange={set('reviewerId')}
          clearable
          searchable
          disabled={readOnly}
          error={errorFor('reviewerId')}
        />
        <Select
          label="Outcome"
          placeholder="Not recorded"
          data={optionsOf(closeCodeLabels)}
          value={draft.outcome}
          onChange={(value) => set('outcome')(value as CloseCode | null)}
          disabled={readOnly}
          error={errorFor('outcome')}
        />
        <Select
          label="Success criteria met"
          placeholder="Not assessed"
          data={[
            { value: 'true', label: 'Yes' },
            { value: 'false', label: 'No' },
          ]}
          value={draft.successCriteriaMet}
          onChange={set('successCriteriaMet')}
          clearable
          disabled={readOnly}
        />
      </SimpleGrid>
      <Textarea
        label="Timeline"
        autosize
        minRows={2}
        value={draft.timeline}
        onChange={(e) => set('timeline')(e.currentTarget.value)}
        disabled={readOnly}
      />
      <Textarea
        label="Root cause"
        autosize
        minRows={2}
        value={draft.rootCause}
        onChange={(e) => set('rootCause')(e.currentTarget.value)}
        disabled={readOnly}
        error={errorFor('rootCause')}
      />
      <Textarea
        label="Lessons learned"
        autosize
        minRows={2}
        value={draft.lessonsLearned}
        onChange={(e) => set('lessonsLearned')(e.currentTarget.value)}
        disabled={readOnly}
        error={errorFor('lessonsLearned')}
      />
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <NumberInput
          label="Incidents caused"
          min={0}
          value={draft.incidentsCaused}
          onChange={(value) => set('incidentsCaused')(typeof value === 'number' ? value : 0)}
          disabled={readOnly}
          error={errorFor('incidentsCaused')}
        />
        <TagsInput
          label="Incident references"
          placeholder="INC0001234, Enter"
          value={draft.incidentRefs}
          onChange={set('incidentRefs')}
          disabled={readOnly}
        />
      </SimpleGrid>
      {!readOnly && (
        <Group>
          <Button variant="light" onClick={save} loading={update.isPending}>
            Save review
          </Button>
        </Group>
      )}
    </Stack>
  )
}
