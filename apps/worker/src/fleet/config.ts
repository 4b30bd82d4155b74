// The fleet's settings, read from the environment through one zod schema. Handlers read them per run
// (a parse of a few variables), so a test or an operator changes them without restarting anything.
import { z } from 'zod'

const FleetEnv = z.object({
  /** How many probes the worker runs at once on the 'fleet' queue (a worker setting; see env.ts). */
  FLEET_PROBE_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  /** Per-command timeout of a probe; a command that runs longer is killed and the run is `timeout`. */
  FLEET_PROBE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /** The most bytes one probe command may print. */
  FLEET_PROBE_MAX_OUTPUT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(8 * 1024 * 1024),
  /** The sweep probes nodes whose last probe is older than this. */
  FLEET_STALE_MINUTES: z.coerce.number().int().min(1).max(100_000).default(15),
  /** The most nodes one sweep enqueues; the next sweep takes the rest. */
  FLEET_STALE_BATCH: z.coerce.number().int().min(1).max(100_000).default(2_000),
  /** Raw output is kept for each node's newest N probes. */
  FLEET_RAW_KEEP: z.coerce.number().int().min(1).max(10_000).default(20),
  /** The simulator's bin folder (nvidia-smi, dcgmi, dmesg shims); found from @cabinet/gpu-sim unless set. */
  GPU_SIM_BIN: z.string().min(1).optional(),
  /** SSH: the login used when a node names none, and the key used when a node has no sshKeyRef. */
  FLEET_SSH_USER: z.string().min(1).default('cabinet-probe'),
  FLEET_SSH_KEY_PATH: z.string().min(1).optional(),
  FLEET_SSH_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
})
export type FleetConfig = z.infer<typeof FleetEnv>

export function readFleetConfig(env: NodeJS.ProcessEnv = process.env): FleetConfig {
  const parsed = FleetEnv.safeParse(env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')
    throw new Error(`invalid fleet configuration: ${problems}`)
  }
  return parsed.data
}
