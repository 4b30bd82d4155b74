// The local transport against real child processes: exit codes, no shell, the timeout killing the whole
// process group, the output cap, spawn failures, cancellation and close.
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createLocalTransport, type TransportError, type TransportErrorCode } from '../../src/transport'
import { HOSTILE_ARGUMENTS } from './hostile'

const transport = (overrides: Partial<Parameters<typeof createLocalTransport>[0]> = {}) =>
  createLocalTransport({ timeoutMs: 10_000, maxOutputBytes: 1024 * 1024, ...overrides })

/** The TransportError a run fails with; fails the test when it succeeds or throws something else. */
async function failure(run: Promise<unknown>, code: TransportErrorCode): Promise<TransportError> {
  const error = await run.then(
    (result) => {
      throw new Error(`expected ${code}, but the command ran: ${JSON.stringify(result).slice(0, 200)}`)
    },
    (error: unknown) => error,
  )
  expect(error).toMatchObject({ name: 'TransportError', code })
  return error as TransportError
}

/** Whether a process still runs: a zombie no init reaped (containers) has stopped running too. */
const running = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z'
  } catch {
    return false
  }
}

describe('local transport', () => {
  it('returns exit codes, stdout and stderr separately; a non-zero exit is a result, not an error', async () => {
    const local = transport()
    await expect(local.run({ argv: ['true'] })).resolves.toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    const result = await local.run({ argv: ['sh', '-c', 'echo out; echo err >&2; exit 7'] })
    expect(result).toMatchObject({ exitCode: 7, signal: null, stdout: 'out\n', stderr: 'err\n', truncated: false })
    expect(result.durationMs).toBeGreaterThanOrEqual(0)
  })

  it('reports a command killed by a signal it did not get from us', async () => {
    const result = await transport().run({ argv: ['sh', '-c', 'kill -SEGV $$'] })
    expect(result).toMatchObject({ exitCode: null, signal: 'SIGSEGV' })
  })

  it('runs no shell: $(...), backticks, quotes and newlines reach the program literally', async () => {
    const local = transport()
    await expect(local.run({ argv: ['echo', '$(echo hi)'] })).resolves.toMatchObject({ stdout: '$(echo hi)\n' })
    for (const arg of HOSTILE_ARGUMENTS) {
      await expect(local.run({ argv: ['printf', '%s', arg] })).resolves.toMatchObject({ exitCode: 0, stdout: arg })
    }
    expect(existsSync('/tmp/cabinet-pwned')).toBe(false)
  })

  it('kills `sleep 30` at its timeout and answers well within 5 s', async () => {
    const started = performance.now()
    const error = await failure(transport({ timeoutMs: 500 }).run({ argv: ['sleep', '30'] }), 'TIMEOUT')
    expect(performance.now() - started).toBeLessThan(5000)
    expect(error.message).toMatch(/`sleep 30` ran past its 500 ms timeout/)
    expect(error.details.partial?.durationMs).toBeGreaterThanOrEqual(500)
  })

  it('sends SIGKILL after the grace period to a command that ignores SIGTERM', async () => {
    const started = performance.now()
    const local = transport({ timeoutMs: 300, killGraceMs: 300 })
    await failure(local.run({ argv: ['sh', '-c', 'trap "" TERM; sleep 30'] }), 'TIMEOUT')
    expect(performance.now() - started).toBeLessThan(3000)
  })

  it('kills the whole process group, not just the program it started', async () => {
    const error = await failure(
      transport({ timeoutMs: 500 }).run({ argv: ['sh', '-c', 'sleep 31 & echo $!; wait'] }),
      'TIMEOUT',
    )
    const background = Number(error.details.partial?.stdout.trim())
    expect(background).toBeGreaterThan(0)
    await expect.poll(() => running(background), { timeout: 3000 }).toBe(false)
  })

  it('times out a program that exited while a background child still holds its output open', async () => {
    const started = performance.now()
    const local = transport({ timeoutMs: 500 })
    const error = await failure(local.run({ argv: ['sh', '-c', 'sleep 32 & echo $!'] }), 'TIMEOUT')
    expect(performance.now() - started).toBeLessThan(5000)
    const background = Number(error.details.partial?.stdout.trim())
    await expect.poll(() => running(background), { timeout: 3000 }).toBe(false)
  })

  it('stops `yes` at the output cap: OUTPUT_LIMIT with the capped output, or truncated on request', async () => {
    const local = transport({ maxOutputBytes: 64 * 1024 })
    const started = performance.now()
    const error = await failure(local.run({ argv: ['yes'] }), 'OUTPUT_LIMIT')
    expect(error.details.partial?.stdout).toHaveLength(64 * 1024)
    expect(error.details.partial?.stdout.startsWith('y\ny\n')).toBe(true)
    const truncated = await local.run({ argv: ['yes'] }, { onOutputLimit: 'truncate', maxOutputBytes: 1000 })
    // Killed, or dead of EPIPE first (`yes` exits 1 on a closed pipe): never a clean exit.
    expect(truncated.truncated).toBe(true)
    expect(truncated.exitCode).not.toBe(0)
    expect(truncated.stdout).toHaveLength(1000)
    expect(performance.now() - started).toBeLessThan(5000)
  })

  it('counts stderr against the same cap', async () => {
    const local = transport({ maxOutputBytes: 4096 })
    const error = await failure(local.run({ argv: ['sh', '-c', 'yes >&2'] }), 'OUTPUT_LIMIT')
    expect(error.details.partial?.stderr).toHaveLength(4096)
  })

  it('fails with SPAWN_FAILED for a program that does not exist', async () => {
    const local = transport()
    const missing = await failure(local.run({ argv: ['cabinet-no-such-program'] }), 'SPAWN_FAILED')
    expect(missing.message).toMatch(/ENOENT/)
    await failure(local.run({ argv: ['/nonexistent/bin/nvidia-smi', '-q'] }), 'SPAWN_FAILED')
    const notExecutable = join(mkdtempSync(join(tmpdir(), 'cabinet-local-')), 'nvidia-smi')
    writeFileSync(notExecutable, '#!/bin/sh\necho ran\n')
    chmodSync(notExecutable, 0o644)
    const refused = await failure(local.run({ argv: [notExecutable] }), 'SPAWN_FAILED')
    expect(refused.message).toMatch(/EACCES/)
  })

  it('refuses an empty argv and a NUL byte before starting anything', async () => {
    const local = transport()
    await failure(local.run({ argv: [] }), 'INVALID_COMMAND')
    await failure(local.run({ argv: ['echo', 'a\0b'] }), 'INVALID_COMMAND')
  })

  it('uses the given environment and working directory', async () => {
    const local = transport({ env: { PATH: process.env.PATH, GPU_SIM_STATE_DIR: '/tmp/node-7' }, cwd: '/tmp' })
    const result = await local.run({ argv: ['sh', '-c', 'echo "$GPU_SIM_STATE_DIR $HOME"; pwd'] })
    expect(result.stdout).toBe('/tmp/node-7 \n/tmp\n')
  })

  it('takes a per-command timeout over the transport default', async () => {
    const error = await failure(transport().run({ argv: ['sleep', '30'] }, { timeoutMs: 200 }), 'TIMEOUT')
    expect(error.message).toMatch(/200 ms/)
  })

  it('cancels through an AbortSignal, before and during the run', async () => {
    const local = transport()
    await failure(local.run({ argv: ['sleep', '30'] }, { signal: AbortSignal.abort() }), 'ABORTED')
    await failure(local.run({ argv: ['sleep', '30'] }, { signal: AbortSignal.timeout(200) }), 'ABORTED')
  })

  it('kills what is running on close and refuses later runs', async () => {
    const local = transport()
    const duration = `30.${process.pid}`
    const running = local.run({ argv: ['sleep', duration] })
    // Close once the command is really running, not after a guessed delay.
    await expect.poll(() => spawnSync('pgrep', ['-f', '-x', `sleep ${duration}`]).status, { timeout: 10_000 }).toBe(0)
    await local.close()
    await failure(running, 'CLOSED')
    await failure(local.run({ argv: ['true'] }), 'CLOSED')
  })

  it('refuses limits that are not positive integers', () => {
    expect(() => transport({ timeoutMs: 0 })).toThrow(/timeoutMs must be a positive integer/)
    expect(() => transport({ maxOutputBytes: Number.NaN })).toThrow(/maxOutputBytes/)
  })
})
