// The schedule in the console: calendar ranges, a change's stored conflicts, the live preview,
// the assistant's slots, and freeze/window administration. Every reply parsed with its contract.
import {
  CalendarView,
  ChangeConflicts,
  ConflictPreview,
  ConflictPreviewBody,
  ScheduleRuleBody,
  ScheduleRuleList,
  ScheduleRuleView,
  SuggestedSlots,
  SuggestSlotsBody,
} from '@cabinet/contracts'
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { apiRequest, NoContent } from '../../lib/api-client'

export type RuleKind = 'freeze' | 'window'
const rulePath = (kind: RuleKind) => (kind === 'freeze' ? '/schedule/freezes' : '/schedule/windows')

export const scheduleKeys = {
  all: ['schedule'] as const,
  calendar: (from: string, to: string) => [...scheduleKeys.all, 'calendar', from, to] as const,
  conflicts: (changeId: string) => [...scheduleKeys.all, 'conflicts', changeId] as const,
  preview: (input: unknown) => [...scheduleKeys.all, 'preview', input] as const,
  rules: (kind: RuleKind) => [...scheduleKeys.all, 'rules', kind] as const,
}

export function useCalendar(from: string, to: string) {
  return useQuery({
    queryKey: scheduleKeys.calendar(from, to),
    queryFn: ({ signal }) => apiRequest('GET', '/calendar', CalendarView, { query: { from, to }, signal }),
    placeholderData: keepPreviousData,
  })
}

/** Stored conflicts; polled briefly while the worker has not evaluated the change yet. */
export function useChangeConflicts(changeId: string) {
  return useQuery({
    queryKey: scheduleKeys.conflicts(changeId),
    queryFn: ({ signal }) => apiRequest('GET', `/changes/${changeId}/conflicts`, ChangeConflicts, { signal }),
    refetchInterval: (query) => (query.state.data?.evaluatedAt ? false : 2_000),
  })
}

export type PreviewInput = ConflictPreviewBody | null

export function useConflictPreview(input: PreviewInput) {
  return useQuery({
    queryKey: scheduleKeys.preview(input),
    queryFn: ({ signal }) =>
      apiRequest('POST', '/schedule/conflicts/preview', ConflictPreview, {
        body: { schema: ConflictPreviewBody, value: input as ConflictPreviewBody },
        signal,
      }),
    enabled: input !== null,
    placeholderData: keepPreviousData,
  })
}

export function useSuggestSlots() {
  return useMutation({
    mutationFn: (body: SuggestSlotsBody) =>
      apiRequest('POST', '/schedule/suggest', SuggestedSlots, { body: { schema: SuggestSlotsBody, value: body } }),
  })
}

export function useRules(kind: RuleKind) {
  return useQuery({
    queryKey: scheduleKeys.rules(kind),
    queryFn: ({ signal }) => apiRequest('GET', rulePath(kind), ScheduleRuleList, { signal }),
  })
}

export function useCreateRule(kind: RuleKind) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (body: ScheduleRuleBody) =>
      apiRequest('POST', rulePath(kind), ScheduleRuleView, { body: { schema: ScheduleRuleBody, value: body } }),
    onSuccess: () => client.invalidateQueries({ queryKey: scheduleKeys.all }),
  })
}

export function useDeleteRule(kind: RuleKind) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (rule: { id: string; version: number }) =>
      apiRequest('DELETE', `${rulePath(kind)}/${rule.id}`, NoContent, { query: { version: rule.version } }),
    onSuccess: () => client.invalidateQueries({ queryKey: scheduleKeys.all }),
  })
}
