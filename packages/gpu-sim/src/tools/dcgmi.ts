// The simulated `dcgmi`: `diag -r <1-4> -j`, `health -c -j` and `discovery -l`, as DCGM 3.x prints them;
// while the node reboots, dcgmi cannot reach its host engine and says so like the real one.
import { renderDiagJson, renderDiscovery, renderHealthJson } from '../render/dcgm'
import { fail, ok, SimError, type ToolResult } from '../result'
import { parseArgs } from './args'
import { type ToolContext, currentView } from './context'

const USAGE = 'dcgmi (gpu-sim): usage: dcgmi diag -r <1|2|3|4> -j | dcgmi health -c -j | dcgmi discovery -l\n'
const VALUED = new Set(['-r', '--run', '-g', '--group', '--host', '-i', '--gpuList'])

const HOST_ENGINE_DOWN =
  'Error: unable to establish a connection to the specified host: localhost\n' +
  'Error: Unable to connect to host engine. Host engine connection invalid/disconnected.\n'

export async function runDcgmi(argv: readonly string[], context: ToolContext): Promise<ToolResult> {
  const args = parseArgs(argv, VALUED, USAGE)
  const [command, ...rest] = args.positional
  if (command === undefined || args.flags.has('-h') || args.flags.has('--help')) return ok(USAGE)
  if (rest.length > 0) throw new SimError(USAGE, 2)
  const view = currentView(context)
  if (view.state.faults['hanging-probe']) return { stdout: '', stderr: '', exitCode: 0, hang: true }
  if (view.availability.kind === 'booting') return fail(HOST_ENGINE_DOWN, 255)
  const json = args.flags.has('-j') || args.flags.has('--json')
  switch (command) {
    case 'diag': {
      const level = Number(args.options.get('-r') ?? args.options.get('--run'))
      if (![1, 2, 3, 4].includes(level))
        throw new SimError('Error: Invalid run level. Please specify 1, 2, 3 or 4.\n', 2)
      if (!json) throw new SimError('dcgmi (gpu-sim): only -j output is simulated for diag\n', 2)
      return ok(renderDiagJson(view, level))
    }
    case 'health': {
      if (!args.flags.has('-c') && !args.flags.has('--check')) throw new SimError(USAGE, 2)
      if (!json) throw new SimError('dcgmi (gpu-sim): only -j output is simulated for health -c\n', 2)
      return ok(renderHealthJson(view))
    }
    case 'discovery': {
      if (!args.flags.has('-l') && !args.flags.has('--list')) throw new SimError(USAGE, 2)
      return ok(renderDiscovery(view))
    }
    default:
      throw new SimError(USAGE, 2)
  }
}
