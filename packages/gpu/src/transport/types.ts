// The contract both transports keep: run one argv on a node, get its exit status and output back, or a
// TransportError. Commands arrive as argv arrays (see commands.ts), never as shell strings.

export interface CommandSpec {
  /** Program and arguments; argv[0] is looked up on the node's PATH. */
  readonly argv: readonly string[]
}

export interface RunOptions {
  /** Overrides the transport's timeout for this command (a level 3 DCGM diag runs for many minutes). */
  timeoutMs?: number
  /** Overrides the transport's output cap for this command. */
  maxOutputBytes?: number
  /**
   * What passing the cap means: `error` (the default) fails with OUTPUT_LIMIT, `truncate` returns what was
   * read so far with `truncated: true`. Either way the command is killed and nothing more is read.
   */
  onOutputLimit?: 'error' | 'truncate'
  /** Cancels the command (killed, error ABORTED). */
  signal?: AbortSignal
}

export interface CommandResult {
  /** The exit status; null when the command died of a signal. */
  exitCode: number | null
  /** The signal that ended the command (`SIGSEGV`), or null. */
  signal: string | null
  stdout: string
  stderr: string
  durationMs: number
  /** True only with `onOutputLimit: 'truncate'` when the cap cut the output short. */
  truncated: boolean
}

export interface Transport {
  readonly kind: 'local' | 'ssh'
  /** Names the target for logs and errors (`local`, `ssh user@host:port`). */
  readonly target: string
  run(command: CommandSpec, options?: RunOptions): Promise<CommandResult>
  /** Releases what the transport holds (the SSH connection); later runs fail with CLOSED. */
  close(): Promise<void>
}

/** Limits every transport shares, checked once when it is created. */
export interface TransportLimits {
  /** Per-command timeout in milliseconds. */
  timeoutMs: number
  /** The most bytes of stdout and stderr together that a command may print. */
  maxOutputBytes: number
}
