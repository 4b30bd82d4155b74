// Standard change templates and break-fix status: the catalog, its lifecycle, and changes from a template.
import {
  BreakFixView,
  ChangeTemplateList,
  ChangeTemplateView,
  CreateFromTemplateBody,
  ProposeTemplateBody,
  RetireTemplateBody,
  TemplateChangeReply,
  TemplateDecisionBody,
  TemplateVersionBody,
} from '@cabinet/contracts'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { apiRequest } from '../../lib/api-client'
import { changeKeys } from '../changes/api'

export const templateKeys = {
  all: ['templates'] as const,
  list: () => [...templateKeys.all, 'list'] as const,
  breakFix: (ref: string, version: number) => ['break-fix', ref, version] as const,
}

export function useTemplates() {
  return useQuery({
    queryKey: templateKeys.list(),
    queryFn: ({ signal }) => apiRequest('GET', '/templates', ChangeTemplateList, { signal }),
  })
}

/** Every lifecycle step answers the template's new view; the list is refetched. */
function useTemplateMutation<Input>(call: (input: Input) => Promise<ChangeTemplateView>) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: call,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: templateKeys.all }),
  })
}

const at = (id: string, step: string) => `/templates/${encodeURIComponent(id)}/${step}`

export const useProposeTemplate = () =>
  useTemplateMutation((body: ProposeTemplateBody) =>
    apiRequest('POST', '/templates', ChangeTemplateView, { body: { schema: ProposeTemplateBody, value: body } }),
  )

export const useNewTemplateVersion = () =>
  useTemplateMutation(({ id, body }: { id: string; body: TemplateVersionBody }) =>
    apiRequest('POST', at(id, 'versions'), ChangeTemplateView, { body: { schema: TemplateVersionBody, value: body } }),
  )

export const useApproveTemplate = () =>
  useTemplateMutation(({ id, version }: { id: string; version: number }) =>
    apiRequest('POST', at(id, 'approve'), ChangeTemplateView, {
      body: { schema: TemplateDecisionBody, value: { version } },
    }),
  )

export const useRetireTemplate = () =>
  useTemplateMutation(({ id, version, reason }: { id: string; version: number; reason: string }) =>
    apiRequest('POST', at(id, 'retire'), ChangeTemplateView, {
      body: { schema: RetireTemplateBody, value: { version, reason } },
    }),
  )

export function useCreateFromTemplate() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: CreateFromTemplateBody }) =>
      apiRequest('POST', at(id, 'changes'), TemplateChangeReply, {
        body: { schema: CreateFromTemplateBody, value: body },
      }),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: templateKeys.all }),
        queryClient.invalidateQueries({ queryKey: changeKeys.lists() }),
      ]),
  })
}

/** Keyed by the change's version: a decision or transition anywhere refetches it. */
export function useBreakFix(ref: string, version: number, enabled: boolean) {
  return useQuery({
    queryKey: templateKeys.breakFix(ref, version),
    queryFn: ({ signal }) =>
      apiRequest('GET', `/changes/${encodeURIComponent(ref)}/break-fix`, BreakFixView, { signal }),
    enabled,
  })
}
