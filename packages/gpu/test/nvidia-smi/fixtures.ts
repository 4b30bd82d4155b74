// Reads fixture files, and cuts one command's output out of the nvidia_gpu_exporter captures, which
// hold many commands' outputs each under a "####\n# <phase> :: <title>\n# $ <command>\n####" banner.
import { readFileSync } from 'node:fs'
import { expect } from 'vitest'
import { GpuParseError, type ParseResult } from '../../src/common/parse-error'
import type { Reading } from '../../src/common/readings'

export function fixture(path: string): string {
  return readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8')
}

const BANNER_RULE = /^#{80}$/

/** The output printed under the banner `# <section>` (e.g. "load :: query (-q)") in a capture file. */
export function captureSection(path: string, section: string): string {
  const lines = fixture(`utkuozdemir+nvidia_gpu_exporter/${path}`).split('\n')
  const title = lines.indexOf(`# ${section}`)
  if (title < 0) throw new Error(`no section "${section}" in ${path}`)
  const bodyStart = lines.findIndex((line, index) => index > title && BANNER_RULE.test(line)) + 1
  const bodyEnd = lines.findIndex((line, index) => index >= bodyStart && BANNER_RULE.test(line))
  return lines.slice(bodyStart, bodyEnd < 0 ? undefined : bodyEnd).join('\n')
}

/** The value of a successful parse; fails the test with the parse error otherwise. */
export function parsedValue<T>(result: ParseResult<T>): T {
  if (!result.ok) expect.fail(`expected a parse, got ${result.error.message}`)
  return result.value
}

/** The error of a failed parse; fails the test when it parsed. */
export function errorOf<T>(result: ParseResult<T>): GpuParseError {
  if (result.ok) expect.fail('expected a parse error, got a value')
  expect(result.error).toBeInstanceOf(GpuParseError)
  return result.error
}

export const isKnown = <T>(value: T): Reading<T> => ({ known: true, value })
export const isUnknown = (raw: string | null): Reading<never> => ({ known: false, raw })
