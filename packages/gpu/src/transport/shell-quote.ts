// Turns an argv into the one command string SSH carries to the node's login shell. Every element is
// single-quoted (the only POSIX quoting with no special characters inside), so the shell splits nothing
// and expands nothing: `'; rm -rf /`, `$(...)`, backticks and newlines all arrive as literal text.
import { TransportError } from './errors'

/** Characters that never need quoting in a POSIX shell word; anything else gets single quotes. */
const SAFE_WORD = /^[A-Za-z0-9_@%+:,./-]+$/

/**
 * One argument as a POSIX shell word: `it's` becomes `'it'\''s'`, an empty string `''`.
 * A NUL byte cannot be passed to a program at all (C strings end there), so it is refused.
 */
export function shellQuote(arg: string): string {
  if (arg.includes('\0')) {
    throw new TransportError('INVALID_COMMAND', 'an argument contains a NUL byte, which no program can receive')
  }
  if (SAFE_WORD.test(arg)) return arg
  return `'${arg.replaceAll("'", `'\\''`)}'`
}

/**
 * The command line for argv, prefixed with `exec` so the shell is replaced by the program: a signal
 * sent to the session (a timeout) then reaches the program itself, not a shell waiting for it.
 */
export function shellCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new TransportError('INVALID_COMMAND', 'a command needs a program name: argv is empty')
  return `exec ${argv.map(shellQuote).join(' ')}`
}
