// The API's configuration: one zod schema, read once at start. Nothing else reads process.env.
import { z } from 'zod'

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(1).max(65_535).default(8080),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }),
  /** Prefix for every Redis key and queue, so several installs (demo, tests) can share one Redis. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[a-z0-9:_-]+$/)
    .default('cabinet'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Where the built console lives; the API serves it at `/` when the folder exists. */
  WEB_DIST_DIR: z.string().optional(),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(12),
  /** Secure cookies need HTTPS; the demo on 127.0.0.1 runs over plain HTTP. */
  COOKIE_SECURE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  LOGIN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  /** Share (0-100) of changes not otherwise required to have a post-implementation review that get one. */
  REVIEW_SAMPLE_PERCENT: z.coerce.number().int().min(0).max(100).default(0),
  /** Days from entering review to the review's due date. */
  REVIEW_DUE_DAYS: z.coerce.number().int().min(1).max(90).default(5),
  /** When set, GET /metrics needs `Authorization: Bearer <token>`; unset, it answers loopback callers only. */
  METRICS_TOKEN: z.string().min(16).optional(),
  /**
   * PEM file of the Ed25519 private key that signs audit export manifests (scripts/start creates one
   * under .data). Unset: a key is generated per process, so manifests verify only until a restart.
   */
  AUDIT_SIGNING_KEY_FILE: z.string().min(1).optional(),
  /**
   * File of 64 hex characters (32 bytes): the AES-256-GCM key sealing webhook signing secrets; the
   * worker needs the same file to sign deliveries. Unset: creating a webhook answers 503.
   */
  WEBHOOK_SECRET_KEY_FILE: z.string().min(1).optional(),
})

export type ApiConfig = z.infer<typeof EnvSchema>

export function readConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const parsed = EnvSchema.safeParse(env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n')
    throw new Error(`invalid API configuration:\n${problems}`)
  }
  return parsed.data
}
