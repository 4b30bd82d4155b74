// `cabinet probe <file|->`: reads any supported GPU tool output, prints the normalised JSON and the
// health verdict. The exit status carries the verdict so a script can branch on it.
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { type HealthExpectations, judgeProbeOutput, parseProbeOutput } from '@cabinet/gpu'

export const PROBE_EXIT = { pass: 0, fail: 1, inconclusive: 2, unreadable: 3, usage: 64 } as const

export const PROBE_USAGE = `usage: cabinet probe <file|-> [options]

Reads nvidia-smi (-q -x, -q, --query-gpu CSV, the table), dcgmi (diag -j, diag, health -c -j,
discovery -l) or kernel-log output and prints the verdict; --json prints the parsed output too.

  --expect-driver V   the driver the node should run (e.g. 570.133.20)
  --expect-cuda V     the CUDA version the driver should report
  --expect-gpus N     how many GPUs should be visible
  --json              print one JSON document: format, verdict, reasons, warnings, parsed output

exit status: 0 pass, 1 fail, 2 inconclusive, 3 unreadable input, 64 usage error`

export interface CliIo {
  readFile(path: string): string
  readStdin(): string
  out(text: string): void
  err(text: string): void
}

export const processIo: CliIo = {
  readFile: (path) => readFileSync(path, 'utf8'),
  readStdin: () => readFileSync(0, 'utf8'),
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
}

function expectations(values: { 'expect-driver'?: string; 'expect-cuda'?: string; 'expect-gpus'?: string }) {
  const expected: HealthExpectations = {}
  if (values['expect-driver']) expected.driverVersion = values['expect-driver']
  if (values['expect-cuda']) expected.cudaVersion = values['expect-cuda']
  if (values['expect-gpus'] !== undefined) {
    const count = Number(values['expect-gpus'])
    if (!Number.isInteger(count) || count < 0)
      throw new Error(`--expect-gpus must be a whole number, not ${values['expect-gpus']}`)
    expected.gpuCount = count
  }
  return expected
}

export function runProbe(args: string[], io: CliIo = processIo): number {
  let parsedArgs: ReturnType<typeof parseProbeArgs>
  let expected: HealthExpectations
  try {
    parsedArgs = parseProbeArgs(args)
    expected = expectations(parsedArgs.values)
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${PROBE_USAGE}`)
    return PROBE_EXIT.usage
  }
  const [source] = parsedArgs.positionals
  if (!source || parsedArgs.positionals.length > 1) {
    io.err(PROBE_USAGE)
    return PROBE_EXIT.usage
  }
  let text: string
  try {
    text = source === '-' ? io.readStdin() : io.readFile(source)
  } catch (error) {
    io.err(`cannot read ${source}: ${(error as Error).message}`)
    return PROBE_EXIT.unreadable
  }
  const result = parseProbeOutput(text)
  if (!result.ok) {
    const { error } = result
    if (parsedArgs.values.json) {
      io.out(JSON.stringify({ error: { format: error.format, where: error.where, message: error.message } }, null, 2))
    } else {
      io.err(`unreadable: ${error.message}`)
    }
    return PROBE_EXIT.unreadable
  }
  const judged = judgeProbeOutput(result.value, expected, result.warnings)
  if (parsedArgs.values.json) {
    io.out(
      JSON.stringify(
        {
          format: result.value.kind,
          verdict: judged.verdict,
          reasons: judged.reasons,
          warnings: result.warnings,
          parsed: result.value.value,
          ...(judged.gates ? { gates: judged.gates } : {}),
        },
        null,
        2,
      ),
    )
  } else {
    io.out(`${judged.verdict.toUpperCase()}  (${result.value.kind})`)
    for (const reason of judged.reasons) io.out(`  - ${reason}`)
    for (const warning of result.warnings) io.out(`  warning: ${warning}`)
  }
  return PROBE_EXIT[judged.verdict]
}

function parseProbeArgs(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      'expect-driver': { type: 'string' },
      'expect-cuda': { type: 'string' },
      'expect-gpus': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  })
}
