// The POSIX single-quote escaper SSH command lines are built with: a table of exact renderings, and a
// round trip through real shells (dash and bash) showing hostile and random strings arrive unchanged.
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { isTransportError, shellCommand, shellQuote } from '../../src/transport'
import { HOSTILE_ARGUMENTS } from './hostile'

/** What `sh -c 'printf %s\\0 <quoted...>'` prints for the arguments, split back at the NULs. */
function throughShell(shell: string, args: readonly string[]): string[] {
  const line = `printf '%s\\0' ${args.map(shellQuote).join(' ')}`
  const result = spawnSync(shell, ['-c', line], { encoding: 'utf8' })
  expect(result.status, result.stderr).toBe(0)
  return result.stdout.split('\0').slice(0, -1)
}

describe('shellQuote', () => {
  it.each([
    ['plain', 'plain'],
    ['550.54.15', '550.54.15'],
    ['--query-gpu', '--query-gpu'],
    ['nodename=gpu-01', "'nodename=gpu-01'"],
    ['', "''"],
    ['two words', "'two words'"],
    ["it's", `'it'\\''s'`],
    ["'", `''\\'''`],
    [`'; rm -rf /`, `''\\''; rm -rf /'`],
    ['$(id)', "'$(id)'"],
    ['`id`', "'`id`'"],
    ['a\nb', "'a\nb'"],
    ['~', "'~'"],
    ['*', "'*'"],
    ['\\', "'\\'"],
  ])('renders %j as %s', (input, expected) => {
    expect(shellQuote(input)).toBe(expected)
  })

  it('refuses a NUL byte, which no program can receive', () => {
    expect(() => shellQuote('a\0b')).toThrow(/NUL/)
    try {
      shellQuote('\0')
    } catch (error) {
      expect(isTransportError(error, 'INVALID_COMMAND')).toBe(true)
    }
  })

  it('prefixes exec so a signal reaches the program itself, and refuses an empty argv', () => {
    expect(shellCommand(['nvidia-smi', '-q', '-x'])).toBe('exec nvidia-smi -q -x')
    expect(shellCommand(['echo', '$(id)'])).toBe("exec echo '$(id)'")
    expect(() => shellCommand([])).toThrow(/empty/)
  })

  for (const shell of ['/bin/sh', '/bin/bash']) {
    it(`${shell}: every hostile argument arrives unchanged, one word each`, () => {
      expect(throughShell(shell, HOSTILE_ARGUMENTS)).toEqual(HOSTILE_ARGUMENTS)
    })

    it(`${shell}: 300 random strings of quotes, backslashes, dollars, newlines and unicode arrive unchanged`, () => {
      const alphabet = [...'\'"\\$`!*?~#&|;<>(){}[] \t\n\r=%^-_.,:/aZ9é✓\u0001\u001b\u007f']
      let seed = 42
      const random = () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31
        return seed / 2 ** 31
      }
      const strings = Array.from({ length: 300 }, () =>
        Array.from({ length: Math.floor(random() * 24) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(
          '',
        ),
      )
      expect(throughShell(shell, strings)).toEqual(strings)
    })
  }
})
