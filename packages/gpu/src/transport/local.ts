// Runs commands as child processes of this one: no shell, a timeout that kills the whole process group
// (SIGTERM, then SIGKILL after a grace period), and a cap on output. Probes the simulator and local nodes.
import { type ChildProcess, spawn } from 'node:child_process'
import { TransportError, type TransportErrorCode } from './errors'
import { checkArgv, checkLimits, OutputCollector, runLimits } from './output'
import type { CommandResult, CommandSpec, RunOptions, Transport, TransportLimits } from './types'

export interface LocalTransportOptions extends TransportLimits {
  /** The child's whole environment when given; otherwise it inherits this process's. */
  env?: NodeJS.ProcessEnv
  cwd?: string
  /** How long a stopped command gets between SIGTERM and SIGKILL; 2000 ms unless given. */
  killGraceMs?: number
}

type StopReason = Extract<TransportErrorCode, 'TIMEOUT' | 'OUTPUT_LIMIT' | 'ABORTED' | 'CLOSED'>
/** Stops one running command; close() stops them all. */
type Stopper = (reason: StopReason) => void

const TARGET = 'local'

export function createLocalTransport(options: LocalTransportOptions): Transport {
  const killGraceMs = options.killGraceMs ?? 2000
  checkLimits({ timeoutMs: options.timeoutMs, maxOutputBytes: options.maxOutputBytes, killGraceMs }, TARGET)
  const defaults: TransportLimits = { timeoutMs: options.timeoutMs, maxOutputBytes: options.maxOutputBytes }
  const running = new Set<Stopper>()
  let closed = false

  return {
    kind: 'local',
    target: TARGET,
    async run(command: CommandSpec, runOptions: RunOptions = {}): Promise<CommandResult> {
      if (closed) throw new TransportError('CLOSED', 'the local transport is closed', { target: TARGET })
      const argv = checkArgv(command, TARGET)
      const limits = runLimits(defaults, runOptions, TARGET)
      if (runOptions.signal?.aborted) {
        throw new TransportError('ABORTED', `\`${argv.join(' ')}\` was cancelled before it started`, {
          target: TARGET,
          argv,
        })
      }
      return runProcess(argv, limits, runOptions, { ...options, killGraceMs }, running)
    },
    async close(): Promise<void> {
      closed = true
      for (const stop of running) stop('CLOSED')
    },
  }
}

/** Signals the child's process group (it leads one: spawned detached), or the child alone as a fallback. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // ESRCH: the group is gone already. Fall back to the child itself, which may be a zombie: harmless.
    child.kill(signal)
  }
}

function runProcess(
  argv: readonly string[],
  limits: TransportLimits,
  runOptions: RunOptions,
  options: LocalTransportOptions & { killGraceMs: number },
  running: Set<Stopper>,
): Promise<CommandResult> {
  const [program = '', ...args] = argv
  const shown = `\`${argv.join(' ')}\``
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)

  return new Promise<CommandResult>((resolve, reject) => {
    let stopReason: StopReason | null = null
    let settled = false
    let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null
    let killTimer: NodeJS.Timeout | undefined

    // detached: the child leads a new process group, so a timeout also kills what it started.
    const child = spawn(program, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const stop: Stopper = (reason) => {
      if (stopReason || settled) return
      stopReason = reason
      // Stop reading: a writer blocked on a full pipe, or one that keeps writing, gets EPIPE.
      child.stdout?.destroy()
      child.stderr?.destroy()
      // Closing the transport gives no grace: the caller is shutting down.
      killGroup(child, reason === 'CLOSED' ? 'SIGKILL' : 'SIGTERM')
      killTimer = setTimeout(() => killGroup(child, 'SIGKILL'), options.killGraceMs)
      killTimer.unref()
      // The program had exited already and only a grandchild kept its pipes open: nothing left to wait for.
      if (exit !== null) finish()
    }
    running.add(stop)
    const output = new OutputCollector(limits.maxOutputBytes, () => stop('OUTPUT_LIMIT'))
    const timer = setTimeout(() => stop('TIMEOUT'), limits.timeoutMs)
    const onAbort = () => stop('ABORTED')
    runOptions.signal?.addEventListener('abort', onAbort, { once: true })

    const finish = () => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      runOptions.signal?.removeEventListener('abort', onAbort)
      running.delete(stop)
      // The program is gone: SIGKILL the rest of its group now rather than leave it the grace period.
      if (stopReason && exit !== null) {
        clearTimeout(killTimer)
        killGroup(child, 'SIGKILL')
      }
      const durationMs = elapsed()
      const truncated = stopReason === 'OUTPUT_LIMIT' && runOptions.onOutputLimit === 'truncate'
      if (stopReason && !truncated) {
        const messages: Record<StopReason, string> = {
          TIMEOUT: `${shown} ran past its ${limits.timeoutMs} ms timeout and was killed`,
          OUTPUT_LIMIT: `${shown} printed more than ${limits.maxOutputBytes} bytes and was killed`,
          ABORTED: `${shown} was cancelled and killed`,
          CLOSED: `${shown} was killed: the transport was closed`,
        }
        reject(
          new TransportError(stopReason, messages[stopReason], {
            target: TARGET,
            argv,
            partial: output.partial(durationMs),
          }),
        )
        return
      }
      resolve({
        exitCode: exit?.code ?? null,
        signal: exit?.signal ?? null,
        stdout: output.text('stdout'),
        stderr: output.text('stderr'),
        durationMs,
        truncated,
      })
    }

    child.stdout?.on('data', (chunk: Buffer) => output.push('stdout', chunk))
    child.stderr?.on('data', (chunk: Buffer) => output.push('stderr', chunk))
    child.on('error', (error: NodeJS.ErrnoException) => {
      // Only a failed spawn leaves no pid; a failed kill of a live child is not fatal.
      if (child.pid !== undefined || settled) return
      settled = true
      clearTimeout(timer)
      runOptions.signal?.removeEventListener('abort', onAbort)
      running.delete(stop)
      reject(
        new TransportError('SPAWN_FAILED', `could not start ${shown}: ${error.code ?? error.message}`, {
          target: TARGET,
          argv,
          cause: error,
        }),
      )
    })
    child.on('exit', (code, signal) => {
      exit = { code, signal }
      // Stopped: do not wait for the pipes, a grandchild that left the group may hold them open.
      if (stopReason) finish()
    })
    child.on('close', (code, signal) => {
      exit ??= { code, signal }
      finish()
    })
  })
}
