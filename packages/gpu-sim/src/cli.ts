// Command-line entry of the simulated GPU node. The tool is the first argument
// (`cli.ts nvidia-smi -q -x`) or, for links named after a tool, the script's own name.
import { basename } from 'node:path'
import { contextFromEnv } from './tools/context'
import { isToolName, runTool, TOOL_NAMES } from './tools/run'

function pickTool(argv: readonly string[]): { tool: string; args: readonly string[] } {
  const self = basename(argv[1] ?? '').replace(/\.(ts|js|mjs)$/, '')
  if (isToolName(self)) return { tool: self, args: argv.slice(2) }
  return { tool: argv[2] ?? '', args: argv.slice(3) }
}

// A reader that stops early (`nvidia-smi -q -x | head`) closes the pipe; that ends the tool quietly, as SIGPIPE would.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    throw error
  })
}

async function main(): Promise<void> {
  const { tool, args } = pickTool(process.argv)
  if (!isToolName(tool)) {
    process.stderr.write(`gpu-sim: unknown tool "${tool}"; expected one of ${TOOL_NAMES.join(', ')}\n`)
    process.exitCode = 2
    return
  }
  const result = await runTool(tool, args, contextFromEnv(process.env))
  if (result.hang) {
    // hanging-probe: hold the process open until a signal kills it, as a wedged nvidia-smi does.
    setInterval(() => {}, 1 << 30)
    return
  }
  process.stdout.write(result.stdout)
  process.stderr.write(result.stderr)
  process.exitCode = result.exitCode
}

main().catch((error: unknown) => {
  process.stderr.write(`gpu-sim: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exitCode = 255
})
