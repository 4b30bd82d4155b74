// The CLI against a running API (listening on an ephemeral port) with a real API token, run as a
// pipeline runs it: bin/cabinet as a child process. Create prints the number; gate wait exits 0
// when a CAB approval made in parallel lets the change through, 1 when it is rejected, 2 on timeout.
import { execFile, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChangeDetail } from '@cabinet/contracts'
import { approvalsOf, decide, transition } from '../approvals/approvals-fixtures'
import { type GateWorld, gateWorld } from './gate-support'

const BIN = fileURLToPath(new URL('../../../cli/bin/cabinet', import.meta.url))
let w: GateWorld

beforeAll(async () => {
  w = await gateWorld()
})
afterAll(async () => {
  await w?.t.close()
})

interface Run {
  status: number
  stdout: string
  stderr: string
}

function cabinet(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      BIN,
      args,
      { env: { ...process.env, CABINET_URL: w.url, CABINET_TOKEN: w.token, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const status = error ? (typeof error.code === 'number' ? error.code : -1) : 0
        resolve({ status, stdout, stderr })
      },
    )
  })
}

function windowArgs(daysOut = 7) {
  const start = new Date(Date.now() + daysOut * 86_400_000)
  start.setUTCHours(2, 0, 0, 0)
  return ['--start', start.toISOString(), '--end', new Date(start.getTime() + 4 * 3_600_000).toISOString()]
}

async function created(): Promise<ChangeDetail> {
  const run = await cabinet([
    'change',
    'create',
    '--title',
    'Roll out inference server 2.4',
    '--items',
    `node:${w.hostnames[0]}`,
    ...windowArgs(),
  ])
  expect(run, run.stderr).toMatchObject({ status: 0 })
  const number = run.stdout.trim()
  expect(number).toMatch(/^CHG\d{7}$/)
  const response = await w.t.app.inject({ url: `/api/v1/changes/${number}`, headers: w.manager.headers })
  return ChangeDetail.parse(response.json())
}

/** Runs `cabinet gate wait`; `polling` resolves once it has printed its first answer from the API. */
function waiting(args: string[]) {
  const child = spawn(BIN, args, { env: { ...process.env, CABINET_URL: w.url, CABINET_TOKEN: w.token } })
  let stdout = ''
  let stderr = ''
  let answered!: () => void
  const polling = new Promise<void>((resolve) => {
    answered = resolve
  })
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
    if (stdout.includes('awaiting:')) answered()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const done = new Promise<Run>((resolve) => {
    child.on('close', (code) => {
      answered()
      resolve({ status: code ?? -1, stdout, stderr })
    })
  })
  return { polling, done }
}

describe('cabinet change create and gate wait', () => {
  it('creates and submits a change, waits at the gate, and is let through by a CAB approval (exit 0)', async () => {
    const change = await created()
    expect(change).toMatchObject({ state: 'assess', title: 'Roll out inference server 2.4' })
    const wait = waiting(['gate', 'wait', change.number, '--timeout', '60s', '--interval', '200ms'])
    await wait.polling
    // In parallel, the change manager sends it to the CAB and a CAB member approves it.
    const authorize = await transition(w.t, w.manager, change, { event: 'request_authorization' })
    const approvals = await approvalsOf(w.t, w.approver, change.id)
    const open = approvals.stages.find((s) => s.status === 'open')
    if (!open) throw new Error('no open stage')
    const decided = await decide(w.t, w.approver, change.id, open.id, {
      decision: 'approve',
      version: authorize.version,
    })
    expect(decided.statusCode, decided.body).toBe(200)
    // Scheduled a week out: the pipeline's window opens (the API's clock moves into it).
    w.shift(new Date(change.plannedStart).getTime() - Date.now() + 60_000)
    try {
      const run = await wait.done
      expect(run.stderr).toBe('')
      expect(run.status).toBe(0)
      expect(run.stdout).toContain(`awaiting: ${change.number}`)
      expect(run.stdout).toContain(`allowed: ${change.number} is scheduled and inside its window`)
    } finally {
      w.shift(0)
    }
  })

  it('exits 1 when the change is rejected while the pipeline waits', async () => {
    const change = await created()
    const wait = waiting(['gate', 'wait', change.number, '--timeout', '60s', '--interval', '200ms'])
    await wait.polling
    await transition(w.t, w.manager, change, { event: 'reject', comment: 'Not this week: the fleet is frozen.' })
    const run = await wait.done
    expect(run.status).toBe(1)
    expect(run.stderr).toContain(`prevented: ${change.number} was rejected`)
  })

  it('exits 2 when the time runs out, saying what it still waits for', async () => {
    const change = await created()
    const run = await cabinet(['gate', 'wait', change.number, '--timeout', '1s', '--interval', '200ms'])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain(`timed out after 1s: ${change.number} is still awaiting`)
    expect(run.stderr).toContain("change manager's assessment")
  })

  it('refuses a bad token (3), a bad duration (64) and an unknown node (3), each with a clear message', async () => {
    const badToken = await cabinet(['gate', 'wait', 'CHG0000001', '--timeout', '5s'], {
      CABINET_TOKEN: 'cab_nope_nope',
    })
    expect(badToken.status).toBe(3)
    expect(badToken.stderr).toContain('401')
    const badDuration = await cabinet(['gate', 'wait', 'CHG0000001', '--timeout', 'two hours'])
    expect(badDuration.status).toBe(64)
    expect(badDuration.stderr).toContain('--timeout must be a duration')
    const unknownNode = await cabinet([
      'change',
      'create',
      '--title',
      'x',
      '--items',
      'node:no-such-host',
      ...windowArgs(),
    ])
    expect(unknownNode.status).toBe(3)
    expect(unknownNode.stderr).toContain('no node named no-such-host')
  })

  it('retries while the API is unreachable, then times out (2) rather than failing', async () => {
    const run = await cabinet(['gate', 'wait', 'CHG0000001', '--timeout', '2s', '--interval', '500ms'], {
      CABINET_URL: 'http://127.0.0.1:9',
    })
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('cannot reach http://127.0.0.1:9')
  })
})
