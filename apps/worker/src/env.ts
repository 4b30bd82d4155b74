// The worker's configuration: one zod schema, read once at start.
import { z } from 'zod'

const EnvSchema = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }),
  REDIS_PREFIX: z
    .string()
    .regex(/^[a-z0-9:_-]+$/)
    .default('cabinet'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** Probes run at once on the 'fleet' queue: mostly waiting on nodes, so more than the other queues. */
  FLEET_PROBE_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  HEARTBEAT_INTERVAL_MS: z.coerce.number().int().min(1000).default(10_000),
  /** Port of the worker's Prometheus endpoint (GET /metrics); 0 turns it off. */
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65_535).default(9464),
  /** Interface it listens on: loopback by default; 0.0.0.0 for a Prometheus on another host. */
  WORKER_METRICS_HOST: z.string().default('127.0.0.1'),
  /** How long a SIGTERM waits for running jobs before handing them back to the queue. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(30_000),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(5),
  /** The API's webhook secret key file (64 hex characters): opens the secrets deliveries are signed with. */
  WEBHOOK_SECRET_KEY_FILE: z.string().min(1).optional(),
  /** Lets webhooks reach loopback, private and link-local addresses (a receiver inside the network). */
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
})

export type WorkerConfig = z.infer<typeof EnvSchema>

export function readWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const parsed = EnvSchema.safeParse(env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n')
    throw new Error(`invalid worker configuration:\n${problems}`)
  }
  return parsed.data
}
