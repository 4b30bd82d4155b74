// The simulator run in this process: the same tools the shims run, without spawning Node per command.
// The demo seed probes its fleet through this (48 nodes in seconds); the worker spawns the shims.
import { type CommandResult, type CommandSpec, type RunOptions, type Transport, TransportError } from '@cabinet/gpu'
import { isToolName, realClock, runTool } from '@cabinet/gpu-sim'
import type { TransportFactory } from './transports'

export function createInProcessSimTransport(stateDir: string): Transport {
  const target = `simulator ${stateDir}`
  let closed = false
  return {
    kind: 'local',
    target,
    async run(command: CommandSpec, _options?: RunOptions): Promise<CommandResult> {
      if (closed) throw new TransportError('CLOSED', 'the simulator transport is closed', { target })
      const [tool = '', ...args] = command.argv
      if (!isToolName(tool)) {
        throw new TransportError('SPAWN_FAILED', `${tool} is not a simulated tool`, { target, argv: command.argv })
      }
      const started = performance.now()
      const result = await runTool(tool, args, { stateDir, clock: realClock })
      const durationMs = Math.round(performance.now() - started)
      // A hanging tool never returns on a real node: report it as the timeout the local transport would.
      if (result.hang) {
        throw new TransportError('TIMEOUT', `\`${command.argv.join(' ')}\` did not finish`, {
          target,
          argv: command.argv,
          partial: { stdout: result.stdout, stderr: result.stderr, durationMs },
        })
      }
      return {
        exitCode: result.exitCode,
        signal: null,
        stdout: result.stdout,
        stderr: result.stderr,
        durationMs,
        truncated: false,
      }
    },
    async close() {
      closed = true
    },
  }
}

/** Reaches every simulated node in this process (the seed's choice); other transports are refused. */
export const inProcessSimulator: TransportFactory = (node) => {
  if (node.transport !== 'simulated' || !node.simStateDir) {
    throw new Error(`node ${node.hostname} is not a simulated node with a state folder`)
  }
  return createInProcessSimTransport(node.simStateDir)
}
