// A small argv reader for the simulated tools: positional words, `--name value`, `--name=value`, `-x value`
// and bare flags, with the tools' own usage errors for anything malformed.
import { SimError } from '../result'

export interface ParsedArgs {
  positional: string[]
  options: Map<string, string>
  flags: Set<string>
}

/**
 * `valued` lists the options that take a value (`--reason`, `-r`); every other dash word is a flag.
 * `usage` is what the tool prints for a value-taking option given without one.
 */
export function parseArgs(argv: readonly string[], valued: ReadonlySet<string>, usage: string): ParsedArgs {
  const parsed: ParsedArgs = { positional: [], options: new Map(), flags: new Set() }
  for (let index = 0; index < argv.length; index++) {
    const word = argv[index] ?? ''
    if (!word.startsWith('-') || word === '-') {
      parsed.positional.push(word)
      continue
    }
    const equals = word.indexOf('=')
    const name = equals > 0 ? word.slice(0, equals) : word
    if (!valued.has(name)) {
      if (equals > 0) throw new SimError(usage, 2)
      parsed.flags.add(name)
      continue
    }
    const value = equals > 0 ? word.slice(equals + 1) : argv[++index]
    if (value === undefined) throw new SimError(usage, 2)
    parsed.options.set(name, value)
  }
  return parsed
}

/** A whole number option, or the fallback when absent. */
export function numberOption(args: ParsedArgs, name: string, usage: string): number | undefined {
  const raw = args.options.get(name)
  if (raw === undefined) return undefined
  const value = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0) throw new SimError(`${usage}: ${name} ${raw}`, 2)
  return value
}
