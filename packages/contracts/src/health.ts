// Liveness and readiness probes for load balancers and the start script.
import { z } from 'zod'

export const Liveness = z.object({ status: z.literal('ok') })
export const Readiness = z.object({
  status: z.enum(['ready', 'degraded']),
  checks: z.object({ postgres: z.enum(['up', 'down']), redis: z.enum(['up', 'down']) }),
})
