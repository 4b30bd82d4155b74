// The cabinet command line for pipelines and operators. Today: `cabinet probe`; the change, gate
// and rollout commands arrive with the issues that build those APIs.
import { PROBE_EXIT, PROBE_USAGE, processIo, runProbe } from './probe'

const USAGE = `usage: cabinet <command> [arguments]

commands:
  probe <file|->   parse GPU tool output (nvidia-smi, dcgmi, kernel log) and judge its health

run "cabinet <command> --help" for a command's options`

function main(argv: string[]): number {
  const [command, ...rest] = argv
  if (command === 'probe') {
    if (!rest.includes('--help')) return runProbe(rest)
    processIo.out(PROBE_USAGE)
    return 0
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

process.exitCode = main(process.argv.slice(2))
