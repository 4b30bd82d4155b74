// Route response maps: the success schema plus the one error shape, so OpenAPI documents both.
import type { z } from 'zod'
import { ErrorBody } from '@cabinet/contracts'

export function responses<T extends Record<number, z.ZodType>>(success: T) {
  return { ...success, '4xx': ErrorBody, '5xx': ErrorBody } as T & { '4xx': typeof ErrorBody; '5xx': typeof ErrorBody }
}
