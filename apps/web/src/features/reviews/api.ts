// Post-implementation reviews: a change's review and its action items, and the open-review lists.
// Query keys come from one factory; mutations refresh the review and the change it lets close.
import {
  ActionItemList,
  ActionItemView,
  CompleteReviewBody,
  CreateActionItemBody,
  ReminderList,
  ReviewList,
  ReviewView,
  StartReviewBody,
  UpdateActionItemBody,
  UpdateReviewBody,
  UserList,
} from '@cabinet/contracts'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { apiRequest, isApiError } from '../../lib/api-client'
import { changeKeys } from '../changes/api'

export const reviewKeys = {
  all: ['reviews'] as const,
  ofChange: (changeId: string) => [...reviewKeys.all, 'change', changeId] as const,
  lists: () => [...reviewKeys.all, 'list'] as const,
  open: () => [...reviewKeys.lists(), 'open'] as const,
  overdueItems: () => [...reviewKeys.lists(), 'overdue-items'] as const,
  reminders: () => [...reviewKeys.lists(), 'reminders'] as const,
}

const reviewPath = (changeId: string) => `/changes/${encodeURIComponent(changeId)}/review`

/** The change's review, or null when it has none (a 404 is an answer here, not an error). */
export function useReview(changeId: string) {
  return useQuery({
    queryKey: reviewKeys.ofChange(changeId),
    queryFn: async ({ signal }) => {
      try {
        return await apiRequest('GET', reviewPath(changeId), ReviewView, { signal })
      } catch (error) {
        if (isApiError(error) && error.status === 404) return null
        throw error
      }
    },
  })
}

function useReviewMutation<Input>(run: (input: Input) => Promise<unknown>) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: run,
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: reviewKeys.all }),
        // Starting or completing a review moves the change (review required / completed, version).
        queryClient.invalidateQueries({ queryKey: changeKeys.all }),
      ]),
  })
}

export function useStartReview(changeId: string) {
  return useReviewMutation((value: StartReviewBody) =>
    apiRequest('POST', reviewPath(changeId), ReviewView, { body: { schema: StartReviewBody, value } }),
  )
}

export function useUpdateReview(changeId: string) {
  return useReviewMutation((value: UpdateReviewBody) =>
    apiRequest('PATCH', reviewPath(changeId), ReviewView, { body: { schema: UpdateReviewBody, value } }),
  )
}

export function useCompleteReview(changeId: string) {
  return useReviewMutation((value: CompleteReviewBody) =>
    apiRequest('POST', `${reviewPath(changeId)}/complete`, ReviewView, { body: { schema: CompleteReviewBody, value } }),
  )
}

export function useAddActionItem(changeId: string) {
  return useReviewMutation((value: CreateActionItemBody) =>
    apiRequest('POST', `${reviewPath(changeId)}/action-items`, ActionItemView, {
      body: { schema: CreateActionItemBody, value },
    }),
  )
}

export function useUpdateActionItem(changeId: string) {
  return useReviewMutation(({ itemId, ...value }: UpdateActionItemBody & { itemId: string }) =>
    apiRequest('PATCH', `${reviewPath(changeId)}/action-items/${itemId}`, ActionItemView, {
      body: { schema: UpdateActionItemBody, value },
    }),
  )
}

export function useOpenReviews() {
  return useQuery({
    queryKey: reviewKeys.open(),
    queryFn: ({ signal }) =>
      apiRequest('GET', '/reviews', ReviewList, { query: { status: 'open', limit: 200 }, signal }),
  })
}

export function useOverdueActionItems() {
  return useQuery({
    queryKey: reviewKeys.overdueItems(),
    queryFn: ({ signal }) =>
      apiRequest('GET', '/reviews/action-items', ActionItemList, { query: { overdue: 'true', limit: 200 }, signal }),
  })
}

export function useReminders() {
  return useQuery({
    queryKey: reviewKeys.reminders(),
    queryFn: ({ signal }) => apiRequest('GET', '/reviews/reminders', ReminderList, { query: { limit: 50 }, signal }),
  })
}

/** Everyone who can review or own an action item. */
export function usePeople() {
  return useQuery({
    queryKey: [...reviewKeys.all, 'people'] as const,
    queryFn: ({ signal }) => apiRequest('GET', '/users', UserList, { signal }),
    staleTime: 5 * 60_000,
  })
}
