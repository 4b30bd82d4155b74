// Webhook subscriptions, their deliveries and the dead-letter replay.
import {
  CreatedWebhook,
  CreateWebhookBody,
  UpdateWebhookBody,
  WebhookDeliveryPage,
  type WebhookDeliveryStatus,
  WebhookDeliveryView,
  WebhookList,
  WebhookView,
} from '@cabinet/contracts'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { apiRequest, NoContent } from '../../lib/api-client'

export const webhookKeys = {
  all: ['webhooks'] as const,
  list: () => [...webhookKeys.all, 'list'] as const,
  deliveries: (status: WebhookDeliveryStatus | 'all') => [...webhookKeys.all, 'deliveries', status] as const,
}

export function useWebhooks() {
  return useQuery({
    queryKey: webhookKeys.list(),
    queryFn: ({ signal }) => apiRequest('GET', '/webhooks', WebhookList, { signal }),
  })
}

export function useDeliveries(status: WebhookDeliveryStatus | 'all') {
  return useQuery({
    queryKey: webhookKeys.deliveries(status),
    queryFn: ({ signal }) =>
      apiRequest('GET', '/webhooks/deliveries', WebhookDeliveryPage, {
        query: { status: status === 'all' ? undefined : status, limit: 100 },
        signal,
      }),
    // Deliveries move on their own (the worker retries): keep the list fresh while it is open.
    refetchInterval: 10_000,
  })
}

export function useCreateWebhook() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: CreateWebhookBody) =>
      apiRequest('POST', '/webhooks', CreatedWebhook, { body: { schema: CreateWebhookBody, value: body } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.list() }),
  })
}

export function useUpdateWebhook() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateWebhookBody }) =>
      apiRequest('PATCH', `/webhooks/${encodeURIComponent(id)}`, WebhookView, {
        body: { schema: UpdateWebhookBody, value: body },
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.list() }),
  })
}

export function useDeleteWebhook() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => apiRequest('DELETE', `/webhooks/${encodeURIComponent(id)}`, NoContent),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.all }),
  })
}

export function useReplayDelivery() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (id: string) =>
      apiRequest('POST', `/webhooks/deliveries/${encodeURIComponent(id)}/replay`, WebhookDeliveryView),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: [...webhookKeys.all, 'deliveries'] }),
  })
}
