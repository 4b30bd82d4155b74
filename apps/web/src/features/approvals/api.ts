// CAB approvals: a change's stages, decisions, the review queue, policies and re-authentication.
import {
  ApprovalDecisionBody,
  ApprovalPolicyBody,
  ApprovalPolicyList,
  ApprovalPolicyPatch,
  ApprovalPolicyView,
  ApprovalPreview,
  CabQueue,
  ChangeApprovalsView,
  ReauthenticateBody,
  ReauthenticatedView,
  type ChangeType,
  type RiskLevel,
} from '@cabinet/contracts'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { apiRequest, NoContent } from '../../lib/api-client'
import { changeKeys } from '../changes/api'

export interface QueueFilters {
  risk: RiskLevel[]
  type: ChangeType | ''
  scope: 'mine' | 'all'
}

export const approvalKeys = {
  all: ['approvals'] as const,
  changes: () => [...approvalKeys.all, 'change'] as const,
  /** Keyed by the change's version too: any transition (made on any screen) refetches the stages. */
  change: (ref: string, version: number) => [...approvalKeys.changes(), ref, version] as const,
  preview: (ref: string) => [...approvalKeys.all, 'preview', ref] as const,
  queues: () => [...approvalKeys.all, 'queue'] as const,
  queue: (filters: QueueFilters) => [...approvalKeys.queues(), filters] as const,
  policies: () => [...approvalKeys.all, 'policies'] as const,
}

export function useChangeApprovals(ref: string, version: number) {
  return useQuery({
    queryKey: approvalKeys.change(ref, version),
    queryFn: ({ signal }) =>
      apiRequest('GET', `/changes/${encodeURIComponent(ref)}/approvals`, ChangeApprovalsView, { signal }),
  })
}

export function useApprovalPreview(ref: string, enabled: boolean) {
  return useQuery({
    queryKey: approvalKeys.preview(ref),
    queryFn: ({ signal }) =>
      apiRequest('GET', `/changes/${encodeURIComponent(ref)}/approvals/preview`, ApprovalPreview, { signal }),
    enabled,
  })
}

export function useCabQueue(filters: QueueFilters) {
  return useQuery({
    queryKey: approvalKeys.queue(filters),
    queryFn: ({ signal }) =>
      apiRequest('GET', '/cab/queue', CabQueue, {
        query: { risk: filters.risk, type: filters.type || undefined, scope: filters.scope },
        signal,
      }),
  })
}

export interface DecisionRequest {
  changeId: string
  stageId: string
  body: ApprovalDecisionBody
}

/** A decision changes the stages, maybe the change's state and history, and the queue. */
export function useDecide() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ changeId, stageId, body }: DecisionRequest) =>
      apiRequest(
        'POST',
        `/changes/${encodeURIComponent(changeId)}/approvals/${encodeURIComponent(stageId)}/decision`,
        ChangeApprovalsView,
        { body: { schema: ApprovalDecisionBody, value: body } },
      ),
    onSuccess: async (view) => {
      queryClient.setQueryData(approvalKeys.change(view.changeId, view.version), view)
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: approvalKeys.changes() }),
        queryClient.invalidateQueries({ queryKey: approvalKeys.queues() }),
        queryClient.invalidateQueries({ queryKey: changeKeys.detail(view.changeId) }),
        queryClient.invalidateQueries({ queryKey: changeKeys.detail(view.number) }),
        queryClient.invalidateQueries({ queryKey: changeKeys.timeline(view.changeId) }),
        queryClient.invalidateQueries({ queryKey: changeKeys.lists() }),
      ])
    },
  })
}

export function useReauthenticate() {
  return useMutation({
    mutationFn: (password: string) =>
      apiRequest('POST', '/auth/reauthenticate', ReauthenticatedView, {
        body: { schema: ReauthenticateBody, value: { password } },
      }),
  })
}

export function usePolicies() {
  return useQuery({
    queryKey: approvalKeys.policies(),
    queryFn: ({ signal }) => apiRequest('GET', '/approval-policies', ApprovalPolicyList, { signal }),
  })
}

export function useCreatePolicy() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: ApprovalPolicyBody) =>
      apiRequest('POST', '/approval-policies', ApprovalPolicyView, {
        body: { schema: ApprovalPolicyBody, value: body },
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: approvalKeys.policies() }),
  })
}

export function useDeletePolicy() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => apiRequest('DELETE', `/approval-policies/${encodeURIComponent(id)}`, NoContent),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: approvalKeys.policies() }),
  })
}

export function useUpdatePolicy() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: ApprovalPolicyPatch }) =>
      apiRequest('PATCH', `/approval-policies/${encodeURIComponent(id)}`, ApprovalPolicyView, {
        body: { schema: ApprovalPolicyPatch, value: patch },
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: approvalKeys.policies() }),
  })
}
