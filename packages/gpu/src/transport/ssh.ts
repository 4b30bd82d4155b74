// Runs commands on a node over SSH (the ssh2 library): key authentication only, the host key pinned by
// its SHA-256 fingerprint, one connection per node reused by every command and reopened when it drops.
import { createHash } from 'node:crypto'
import ssh2, { type Client, type ClientChannel, type ConnectConfig } from 'ssh2'
import { TransportError, type TransportErrorCode } from './errors'
import { checkArgv, checkLimits, OutputCollector, runLimits } from './output'
import { shellCommand } from './shell-quote'
import type { CommandResult, CommandSpec, RunOptions, Transport, TransportLimits } from './types'

export interface SshTransportOptions {
  host: string
  /** 22 unless given. */
  port?: number
  username: string
  /** An OpenSSH or PEM private key; there is no password or agent authentication. */
  privateKey: string | Buffer
  passphrase?: string
  /** The server's host key as `ssh-keygen -l -E sha256` prints it (`SHA256:nc5T...`); required, never learnt. */
  hostKeySha256: string
  /** TCP connect, handshake and authentication together. */
  connectTimeoutMs: number
  commandTimeoutMs: number
  /** The most bytes of stdout and stderr together that a command may print. */
  maxOutputBytes: number
  /** Sent with every command; the server passes on only the names its AcceptEnv lists. */
  env?: Record<string, string>
  /** How often an idle connection is checked (three missed answers drop it); 15000 ms unless given. */
  keepaliveIntervalMs?: number
  /**
   * Commands run at once on the connection; more wait their turn (not counted in their timeout). 8 unless
   * given: OpenSSH refuses an eleventh session on one connection by default (MaxSessions 10).
   */
  maxConcurrentCommands?: number
}

export interface SshTransport extends Transport {
  readonly kind: 'ssh'
  /** How many SSH connections this transport has opened: 1 while reuse works. */
  readonly connectionsOpened: number
}

type StopReason = Extract<TransportErrorCode, 'TIMEOUT' | 'OUTPUT_LIMIT' | 'ABORTED' | 'CLOSED'>
/** Stops one running command; close() stops them all. */
type Stopper = (reason: StopReason) => void
type SshError = Error & { level?: string; code?: string }

/** `SHA256:` and base64 padding aside, as `ssh-keygen -l` prints it. */
export function sshFingerprint(hostKey: Buffer): string {
  return `SHA256:${createHash('sha256').update(hostKey).digest('base64').replace(/=+$/, '')}`
}

function normaliseFingerprint(pinned: string, target: string): string {
  const base64 = pinned
    .trim()
    .replace(/^SHA256:/i, '')
    .replace(/=+$/, '')
  if (!/^[A-Za-z0-9+/]{43}$/.test(base64)) {
    throw new TransportError(
      'INVALID_OPTIONS',
      `hostKeySha256 must be a SHA-256 fingerprint like ssh-keygen -l -E sha256 prints (SHA256:<43 base64 characters>), got "${pinned}"`,
      { target },
    )
  }
  return `SHA256:${base64}`
}

export function createSshTransport(options: SshTransportOptions): SshTransport {
  const port = options.port ?? 22
  const target = `ssh ${options.username}@${options.host}:${port}`
  const keepaliveIntervalMs = options.keepaliveIntervalMs ?? 15_000
  const maxConcurrentCommands = options.maxConcurrentCommands ?? 8
  checkLimits(
    {
      port,
      connectTimeoutMs: options.connectTimeoutMs,
      commandTimeoutMs: options.commandTimeoutMs,
      maxOutputBytes: options.maxOutputBytes,
      keepaliveIntervalMs,
      maxConcurrentCommands,
    },
    target,
  )
  const pinned = normaliseFingerprint(options.hostKeySha256, target)
  const parsedKey = ssh2.utils.parseKey(options.privateKey, options.passphrase)
  if (parsedKey instanceof Error || parsedKey.isPrivateKey() === false) {
    const reason = parsedKey instanceof Error ? parsedKey.message : 'it is a public key'
    throw new TransportError('INVALID_OPTIONS', `privateKey is not a usable private key: ${reason}`, { target })
  }
  const defaults: TransportLimits = { timeoutMs: options.commandTimeoutMs, maxOutputBytes: options.maxOutputBytes }

  let client: Client | null = null
  let connecting: Promise<Client> | null = null
  let connectionsOpened = 0
  const running = new Set<Stopper>()
  // A counting semaphore over the connection's sessions: release hands the slot straight to the next waiter.
  let active = 0
  const waiting: Array<() => void> = []
  const acquire = async () => {
    if (active < maxConcurrentCommands) active += 1
    else await new Promise<void>((resume) => waiting.push(resume))
  }
  const release = () => {
    const next = waiting.shift()
    if (next) next()
    else active -= 1
  }
  let closed = false

  /** Why a connection attempt failed, from what ssh2 reports and the host key we were shown. */
  const connectError = (error: SshError, seen: string | null): TransportError => {
    const details = { target, cause: error }
    if (seen !== null && seen !== pinned) {
      return new TransportError(
        'HOST_KEY_MISMATCH',
        `${target} presented host key ${seen}, but ${pinned} is pinned for it: refusing to connect (was the host reinstalled, or is this another machine?)`,
        details,
      )
    }
    if (error.code === 'ECONNREFUSED') {
      return new TransportError('CONNECTION_REFUSED', `${target}: connection refused (is sshd running?)`, details)
    }
    if (['ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN'].includes(error.code ?? '')) {
      return new TransportError('UNREACHABLE', `${target}: host unreachable (${error.code})`, details)
    }
    if (error.level === 'client-timeout' || error.code === 'ETIMEDOUT') {
      return new TransportError(
        'CONNECT_TIMEOUT',
        `${target}: no SSH session within ${options.connectTimeoutMs} ms (${error.message})`,
        details,
      )
    }
    if (error.level === 'client-authentication') {
      return new TransportError(
        'AUTH_REFUSED',
        `${target}: the server refused our key for user ${options.username}`,
        details,
      )
    }
    return new TransportError('CONNECTION_LOST', `${target}: connection failed: ${error.message}`, details)
  }

  const connect = (): Promise<Client> => {
    if (client) return Promise.resolve(client)
    if (connecting) return connecting
    connecting = new Promise<Client>((resolve, reject) => {
      const candidate = new ssh2.Client()
      let seen: string | null = null
      let ready = false
      let failure: TransportError | null = null
      candidate.on('ready', () => {
        ready = true
        connectionsOpened += 1
        client = candidate
        connecting = null
        resolve(candidate)
      })
      candidate.on('error', (error: SshError) => {
        // After 'ready' an error means the connection is going away; 'close' follows and clears it.
        if (ready) return
        failure ??= connectError(error, seen)
      })
      candidate.on('end', () => {
        if (client === candidate) client = null
      })
      candidate.on('close', () => {
        if (client === candidate) client = null
        if (ready) return
        connecting = null
        reject(
          failure ?? new TransportError('CONNECTION_LOST', `${target}: closed during the SSH handshake`, { target }),
        )
      })
      const config: ConnectConfig = {
        host: options.host,
        port,
        username: options.username,
        privateKey: options.privateKey,
        passphrase: options.passphrase,
        readyTimeout: options.connectTimeoutMs,
        keepaliveInterval: keepaliveIntervalMs,
        keepaliveCountMax: 3,
        tryKeyboard: false,
        hostVerifier: (hostKey: Buffer) => {
          seen = sshFingerprint(hostKey)
          return seen === pinned
        },
      }
      candidate.connect(config)
    })
    return connecting
  }

  /**
   * Opens a session channel, runs the command line in it and hands the channel to `use` inside ssh2's
   * callback: a short command's output, exit status and close can arrive in the same read as the
   * channel's confirmation, and an `exit` event has no buffer, so the listeners must be in place before
   * control returns to ssh2. A connection found dead before the command was sent is reopened once.
   */
  const execute = async (
    line: string,
    argv: readonly string[],
    use: (channel: ClientChannel) => Promise<CommandResult>,
  ): Promise<CommandResult> => {
    for (let attempt = 1; ; attempt += 1) {
      const connection = await connect()
      try {
        const started = await new Promise<{ result: Promise<CommandResult> }>((resolve, reject) => {
          const exec = options.env ? { env: options.env } : {}
          connection.exec(line, exec, (error, channel) => (error ? reject(error) : resolve({ result: use(channel) })))
        })
        return await started.result
      } catch (cause) {
        if (cause instanceof TransportError) throw cause
        const error = cause as SshError
        // "Not connected" is thrown before anything is sent, so trying again cannot run the command twice;
        // "No response from server" may come after the exec request left, so it is not retried.
        const notSent = error.message === 'Not connected'
        const dropped = notSent || error.message === 'No response from server'
        if (dropped && client === connection) client = null
        if (notSent && attempt === 1) continue
        throw new TransportError(
          dropped ? 'CONNECTION_LOST' : 'CHANNEL_FAILED',
          `${target}: could not run \`${argv.join(' ')}\`: ${error.message}`,
          { target, argv, cause },
        )
      }
    }
  }

  return {
    kind: 'ssh',
    target,
    get connectionsOpened() {
      return connectionsOpened
    },
    async run(command: CommandSpec, runOptions: RunOptions = {}): Promise<CommandResult> {
      if (closed) throw new TransportError('CLOSED', `${target}: the transport is closed`, { target })
      const argv = checkArgv(command, target)
      const limits = runLimits(defaults, runOptions, target)
      const line = shellCommand(argv)
      if (runOptions.signal?.aborted) {
        throw new TransportError('ABORTED', `\`${argv.join(' ')}\` was cancelled before it started`, { target, argv })
      }
      await acquire()
      try {
        if (closed) throw new TransportError('CLOSED', `${target}: the transport is closed`, { target })
        // Timed from the moment the command runs: connecting has its own timeout.
        return await execute(line, argv, (channel) =>
          collect(channel, { argv, limits, runOptions, started: performance.now(), target, running }),
        )
      } finally {
        release()
      }
    },
    async close(): Promise<void> {
      closed = true
      for (const stop of running) stop('CLOSED')
      const pending = connecting
      connecting = null
      const open = client ?? (await pending?.catch(() => null)) ?? null
      client = null
      if (!open) return
      await new Promise<void>((resolve) => {
        open.once('close', () => resolve())
        open.end()
      })
    },
  }
}

/** Reads one command's output and exit status off its channel, under the command's timeout and cap. */
function collect(
  channel: ClientChannel,
  run: {
    argv: readonly string[]
    limits: TransportLimits
    runOptions: RunOptions
    started: number
    target: string
    running: Set<Stopper>
  },
): Promise<CommandResult> {
  const { argv, limits, runOptions, started, target, running } = run
  const shown = `\`${argv.join(' ')}\``
  const elapsed = () => Math.round(performance.now() - started)
  return new Promise<CommandResult>((resolve, reject) => {
    let settled = false
    let exit: { code: number | null; signal: string | null } | null = null

    const settle = (outcome: () => void) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      runOptions.signal?.removeEventListener('abort', onAbort)
      running.delete(stop)
      outcome()
    }
    const result = (truncated: boolean): CommandResult => ({
      exitCode: exit?.code ?? null,
      signal: exit?.signal ?? null,
      stdout: output.text('stdout'),
      stderr: output.text('stderr'),
      durationMs: elapsed(),
      truncated,
    })
    const stop: Stopper = (reason) => {
      if (settled) return
      // Kill the program (sshd delivers the signal to it: the shell exec'd it), then drop the channel.
      try {
        channel.signal('KILL')
      } catch {
        // The channel is already closing; closing it below is all that is left to do.
      }
      channel.close()
      if (reason === 'OUTPUT_LIMIT' && runOptions.onOutputLimit === 'truncate') {
        settle(() => resolve(result(true)))
        return
      }
      const messages: Record<StopReason, string> = {
        TIMEOUT: `${shown} ran past its ${limits.timeoutMs} ms timeout on ${target} and was killed`,
        OUTPUT_LIMIT: `${shown} printed more than ${limits.maxOutputBytes} bytes on ${target} and was killed`,
        ABORTED: `${shown} was cancelled on ${target} and killed`,
        CLOSED: `${shown} was killed on ${target}: the transport was closed`,
      }
      settle(() =>
        reject(new TransportError(reason, messages[reason], { target, argv, partial: output.partial(elapsed()) })),
      )
    }
    const output = new OutputCollector(limits.maxOutputBytes, () => stop('OUTPUT_LIMIT'))
    const timer = setTimeout(() => stop('TIMEOUT'), limits.timeoutMs)
    const onAbort = () => stop('ABORTED')
    runOptions.signal?.addEventListener('abort', onAbort, { once: true })
    running.add(stop)
    // Cancelled while the channel was opening.
    if (runOptions.signal?.aborted) stop('ABORTED')

    channel.on('data', (chunk: Buffer) => settled || output.push('stdout', chunk))
    channel.stderr.on('data', (chunk: Buffer) => settled || output.push('stderr', chunk))
    channel.on('exit', (code: number | null, signal?: string) => {
      exit = { code: code ?? null, signal: signal ?? null }
    })
    channel.on('close', () => {
      if (exit) {
        settle(() => resolve(result(false)))
        return
      }
      settle(() =>
        reject(
          new TransportError('CONNECTION_LOST', `${shown} on ${target} ended without an exit status`, {
            target,
            argv,
            partial: output.partial(elapsed()),
          }),
        ),
      )
    })
  })
}
