// Reading dcgmi's `-j` output: one JSON document, sometimes after banner lines, or dcgmi's own plain-text
// "Error: ..." instead. Failures say where (line and column, or a JSON path) so an operator can look.
import { type GpuOutputFormat, GpuParseError } from '../common/parse-error'

export type JsonRecord = { [key: string]: unknown }

export const isRecord = (value: unknown): value is JsonRecord =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** `$.a["b c"][2]` — the path format every DCGM JSON error uses. */
export function jsonPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`
}

export function describeJson(value: unknown): string {
  if (Array.isArray(value)) return 'an array'
  if (value === null) return 'null'
  if (value === undefined) return 'nothing'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

/** Binary input (NUL bytes, many control characters) is not tool output of any kind. */
export function looksBinary(text: string): boolean {
  if (text.includes('\u0000')) return true
  const sample = text.slice(0, 4096)
  let control = 0
  for (const char of sample) {
    const code = char.charCodeAt(0)
    if ((code < 32 && char !== '\n' && char !== '\r' && char !== '\t') || char === '\uFFFD') control++
  }
  return sample.length > 0 && control / sample.length > 0.05
}

const excerptAt = (text: string, offset: number): string =>
  text.slice(Math.max(0, offset - 60), offset + 60).replace(/\s+/g, ' ')

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset)
  const line = before.split('\n').length
  return `line ${line} column ${offset - before.lastIndexOf('\n')}`
}

export type JsonDocument = { ok: true; value: unknown; warnings: string[] } | { ok: false; error: GpuParseError }

/**
 * Parses the JSON document in `text`. Lines before the first `{` (a kubectl banner, "Successfully ran
 * diagnostic for group.") are skipped with a warning; dcgmi's own "Error: ..." becomes the error.
 */
export function readJsonDocument(text: string, format: GpuOutputFormat): JsonDocument {
  const fail = (where: string, message: string, excerpt: string | null = null): JsonDocument => ({
    ok: false,
    error: new GpuParseError(format, where, message, excerpt),
  })
  const body = text.replace(/^\uFEFF/, '')
  if (body.trim() === '') return fail('input', 'empty output')
  if (looksBinary(body)) return fail('input', 'binary data, not dcgmi output', excerptAt(body, 0))
  const start = body.search(/^\s*[{[]/m)
  const toolError = /^\s*(Error:.*)$/m.exec(body)
  if (start < 0) {
    if (toolError?.[1]) return fail('line 1', `dcgmi reported an error instead of JSON: ${toolError[1].trim()}`)
    return fail('line 1', 'no JSON document in the output', excerptAt(body, 0))
  }
  const warnings: string[] = []
  const preamble = body.slice(0, start).trim()
  if (preamble !== '') {
    if (toolError?.[1] && toolError.index < start) {
      return fail('line 1', `dcgmi reported an error: ${toolError[1].trim()}`)
    }
    warnings.push(`skipped ${preamble.split('\n').length} line(s) before the JSON document`)
  }
  const json = body.slice(start)
  try {
    return { ok: true, value: JSON.parse(json), warnings }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const position = /position (\d+)/.exec(message)
    const offset = position?.[1] ? Number(position[1]) : json.length
    const truncated = !position || offset >= json.trimEnd().length
    return fail(
      lineAndColumn(body, start + offset),
      truncated ? 'JSON ends early (output cut?)' : `invalid JSON: ${message}`,
      excerptAt(json, offset),
    )
  }
}
