// The cabinet command line for pipelines and operators: `cabinet probe` judges GPU tool output;
// `cabinet change create` and `cabinet gate wait` take a deployment through the change process.
import { clientFromEnv } from './api'
import { CHANGE_USAGE, runChange } from './change'
import { GATE_USAGE, runGate } from './gate'
import { PROBE_EXIT, PROBE_USAGE, processIo, runProbe } from './probe'

const USAGE = `usage: cabinet <command> [arguments]

commands:
  probe <file|->         parse GPU tool output (nvidia-smi, dcgmi, kernel log) and judge its health
  change create ...      create (and submit) a change; prints its number
  gate wait <CHG...>     wait for the change's pipeline gate: exit 0 allowed, 1 prevented, 2 timed out

run "cabinet <command> --help" for a command's options`

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (command === 'probe') {
    if (!rest.includes('--help')) return runProbe(rest)
    processIo.out(PROBE_USAGE)
    return 0
  }
  if (command === 'change' || command === 'gate') {
    if (rest.includes('--help')) {
      processIo.out(command === 'change' ? CHANGE_USAGE : GATE_USAGE)
      return 0
    }
    // gate wait retries in its own loop (bounded by --timeout); change create retries each request.
    const api = clientFromEnv(process.env, (message) => processIo.err(message), command === 'gate' ? 1 : undefined)
    if ('error' in api) {
      processIo.err(api.error)
      return PROBE_EXIT.usage
    }
    return command === 'change' ? runChange(rest, processIo, api) : runGate(rest, processIo, api)
  }
  if (command === '--help' || command === '-h' || command === undefined) {
    processIo.out(USAGE)
    return command === undefined ? PROBE_EXIT.usage : 0
  }
  processIo.err(`unknown command ${command}\n\n${USAGE}`)
  return PROBE_EXIT.usage
}

// `cabinet probe x | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  throw error
})

process.exitCode = await main(process.argv.slice(2))
