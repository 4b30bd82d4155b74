// `cabinet gate wait CHG...`: polls the change's pipeline gate until it allows or prevents the
// deployment, or the time runs out. Exit 0 allowed, 1 prevented, 2 timed out: a pipeline step
// needs nothing but the exit status. Network trouble is retried (api.ts) and then waited out.
import { parseArgs } from 'node:util'
import { ApiError, type ApiClient } from './api'
import { parseDuration } from './duration'
import type { CliIo } from './probe'

export const GATE_EXIT = { allowed: 0, prevented: 1, timedOut: 2, failed: 3, usage: 64 } as const

export const GATE_USAGE = `usage: cabinet gate wait <CHG number or id> [--timeout 2h] [--interval 15s]

Waits until the change's gate allows the deployment (scheduled and inside its window, no blocking
conflict) or prevents it (rejected, canceled, closed, on hold, window passed).

  --timeout D    give up after D (default 2h)
  --interval D   time between checks (default 15s)

environment: CABINET_URL, CABINET_TOKEN (an API token with changes:read)
exit status: 0 allowed, 1 prevented, 2 timed out, 3 refused or unreachable, 64 usage error`

interface Gate {
  decision: 'allowed' | 'awaiting' | 'prevented'
  reason: string
  number: string
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export async function runGate(args: string[], io: CliIo, api: ApiClient, now = () => Date.now()): Promise<number> {
  let change: string
  let timeoutMs: number
  let intervalMs: number
  let timeoutText: string
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { timeout: { type: 'string', default: '2h' }, interval: { type: 'string', default: '15s' } },
    })
    const [sub, ref, ...extra] = positionals
    if (sub !== 'wait' || !ref || extra.length > 0) throw new Error('name one change: cabinet gate wait CHG0000042')
    change = ref
    timeoutText = values.timeout
    timeoutMs = parseDuration(values.timeout, '--timeout')
    intervalMs = parseDuration(values.interval, '--interval')
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${GATE_USAGE}`)
    return GATE_EXIT.usage
  }
  const deadline = now() + timeoutMs
  let lastReason = ''
  let failures = 0
  for (;;) {
    let gate: Gate | null = null
    try {
      gate = (await api.get(`/changes/${encodeURIComponent(change)}/gate`)) as Gate
    } catch (error) {
      // A refusal (bad token, unknown change) will not change by waiting; an outage might.
      if (error instanceof ApiError) {
        io.err(`refused (${error.status} ${error.code}): ${error.message}`)
        return GATE_EXIT.failed
      }
      failures += 1
      io.err(`${(error as Error).message}; retrying`)
    }
    if (gate) {
      failures = 0
      if (gate.decision === 'allowed') {
        io.out(`allowed: ${gate.reason}`)
        return GATE_EXIT.allowed
      }
      if (gate.decision === 'prevented') {
        io.err(`prevented: ${gate.reason}`)
        return GATE_EXIT.prevented
      }
      if (gate.reason !== lastReason) io.out(`awaiting: ${gate.reason}`)
      lastReason = gate.reason
    }
    const left = deadline - now()
    if (left <= 0) {
      io.err(`timed out after ${timeoutText}: ${change} is still awaiting (${lastReason || 'no answer from the API'})`)
      return GATE_EXIT.timedOut
    }
    // Consecutive network failures back off exponentially (up to 8 intervals), never past the deadline.
    await sleep(Math.min(intervalMs * 2 ** Math.min(failures, 3), left))
  }
}
