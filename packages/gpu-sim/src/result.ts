// What every simulated tool returns: the bytes it prints and its exit status, so the commands run the same
// in-process (tests, the demo fleet) and behind the command-line entry.

export interface ToolResult {
  stdout: string
  stderr: string
  exitCode: number
  /** The tool blocks until killed (hanging-probe): the entry point never exits. */
  hang?: true
}

export const ok = (stdout = ''): ToolResult => ({ stdout, stderr: '', exitCode: 0 })
export const fail = (stderr: string, exitCode = 1, stdout = ''): ToolResult => ({ stdout, stderr, exitCode })

/** A refusal with the status the real tool would exit with; caught at the tool boundary. */
export class SimError extends Error {
  override readonly name = 'SimError'
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message)
  }
}

/** Time and waiting, passed in so tests can run slow faults without waiting. */
export interface SimClock {
  now(): Date
  sleep(ms: number): Promise<void>
}

export const realClock: SimClock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}
