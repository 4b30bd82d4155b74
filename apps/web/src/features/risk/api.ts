// The live risk assessment shown beside the change form, recomputed by the server as the form changes.
import { RiskAssessmentView, RiskPreviewBody } from '@cabinet/contracts'
import { keepPreviousData, skipToken, useQuery } from '@tanstack/react-query'
import type { z } from 'zod'
import { apiRequest } from '../../lib/api-client'

export type RiskPreviewInput = z.input<typeof RiskPreviewBody>

export const riskKeys = {
  all: ['risk'] as const,
  preview: (input: RiskPreviewInput | null) => [...riskKeys.all, 'preview', input] as const,
}

/** `input` is null until the form holds enough to assess (a category and a valid planned start). */
export function useRiskPreview(input: RiskPreviewInput | null) {
  return useQuery({
    queryKey: riskKeys.preview(input),
    queryFn:
      input === null
        ? skipToken
        : ({ signal }) =>
            apiRequest('POST', '/risk/preview', RiskAssessmentView, {
              body: { schema: RiskPreviewBody, value: input },
              signal,
            }),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  })
}
