// The simulated `nvidia-smi`: -q -x, --query-gpu CSV, -L, --version and the plain table, with the real tool's
// failures when the driver is not loaded (rebooting) or differs from the installed one (installed, not rebooted).
import { renderNvidiaSmiXml } from '../render/nvidia-smi-xml'
import { parseCsvFormat, renderQueryGpuCsv } from '../render/query-csv'
import { renderGpuList, renderNvidiaSmiTable, renderVersion } from '../render/table'
import { fail, ok, SimError, type ToolResult } from '../result'
import type { NodeView } from '../state/view'
import { parseArgs } from './args'
import { type ToolContext, currentView } from './context'

const USAGE = "Invalid combination of input arguments. Please run 'nvidia-smi -h' for help.\n"
const VALUED = new Set(['--query-gpu', '--format', '-i', '--id', '-f', '--filename'])

/** nvidia-smi's exit statuses (man nvidia-smi, RETURN VALUE; 18 is NVML's library/driver version mismatch). */
const EXIT_DRIVER_NOT_LOADED = 9
const EXIT_VERSION_MISMATCH = 18

const HELP = `NVIDIA System Management Interface -- simulated by Cabinet's gpu-sim.

    nvidia-smi                      the GPU table
    nvidia-smi -q -x                full query as XML
    nvidia-smi --query-gpu=a,b --format=csv[,noheader][,nounits]
    nvidia-smi -L                   list GPUs
    nvidia-smi --version
    -i, --id=ID                     only the GPU with this index, UUID or PCI bus id
`

/** Why the tool cannot talk to the driver right now, as nvidia-smi says it. */
function unavailable(view: NodeView): ToolResult | null {
  const { availability } = view
  if (availability.kind === 'booting') {
    return fail(
      '',
      EXIT_DRIVER_NOT_LOADED,
      "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.\n\n",
    )
  }
  if (availability.kind === 'version-mismatch') {
    const nvml = availability.installed.split('.').slice(0, 2).join('.')
    return fail(
      '',
      EXIT_VERSION_MISMATCH,
      `Failed to initialize NVML: Driver/library version mismatch\nNVML library version: ${nvml}\n`,
    )
  }
  return null
}

function selectGpus(view: NodeView, id: string | undefined): NodeView {
  if (id === undefined) return view
  const wanted = id.split(',').map((part) => part.trim().toLowerCase())
  const gpus = view.gpus.filter((gpu) =>
    wanted.some(
      (want) => want === String(gpu.index) || want === gpu.uuid.toLowerCase() || want === gpu.pciBusId.toLowerCase(),
    ),
  )
  if (gpus.length === 0) throw new SimError(`No devices were found\n`, 6)
  return { ...view, gpus }
}

export async function runNvidiaSmi(argv: readonly string[], context: ToolContext): Promise<ToolResult> {
  const args = parseArgs(argv, VALUED, USAGE)
  if (args.flags.has('-h') || args.flags.has('--help')) return ok(HELP)
  const view = currentView(context)
  if (view.state.faults['hanging-probe']) return { stdout: '', stderr: '', exitCode: 0, hang: true }
  const refusal = unavailable(view)
  if (refusal) return refusal
  // A GPU that fell off the bus still answers PCI enumeration but not NVML; nvidia-smi says so and goes on.
  const lostNotes = view.lost
    .filter((gpu) => gpu.lost === 'fell-off-bus')
    .map((gpu) => `Unable to determine the device handle for GPU${gpu.pciBusId.slice(4)}: Unknown Error\n`)
    .join('')
  const selected = selectGpus(view, args.options.get('-i') ?? args.options.get('--id'))
  const output = render(selected, args)
  return { stdout: output, stderr: lostNotes, exitCode: 0 }
}

function render(view: NodeView, args: ReturnType<typeof parseArgs>): string {
  const { flags, options, positional } = args
  if (positional.length > 0) throw new SimError(USAGE, 2)
  const query = options.get('--query-gpu')
  if (query !== undefined) {
    const format = options.get('--format')
    if (format === undefined) throw new SimError(USAGE, 2)
    return renderQueryGpuCsv(view, query, parseCsvFormat(format))
  }
  const asked = [...flags]
  const is = (...names: string[]) => asked.length === names.length && names.every((name) => flags.has(name))
  if (asked.length === 0) return renderNvidiaSmiTable(view)
  if (is('-q', '-x') || is('--query', '-x') || is('-q', '--xml-format') || is('--query', '--xml-format')) {
    return renderNvidiaSmiXml(view)
  }
  if (is('-L') || is('--list-gpus')) return renderGpuList(view)
  if (is('--version')) return renderVersion(view)
  if (flags.has('-q') || flags.has('--query')) {
    throw new SimError('nvidia-smi (gpu-sim): only -q -x is simulated; the -q text report is not\n', 2)
  }
  throw new SimError(USAGE, 2)
}
