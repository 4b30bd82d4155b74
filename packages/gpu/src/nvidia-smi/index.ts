// nvidia-smi's four output formats read into one NodeSnapshot, and a dispatcher that tells them apart by
// content, so a probe can hand over whatever the node printed.
import { failed, GpuParseError, type ParseResult } from '../common/parse-error'
import type { NodeSnapshot } from '../model'
import { parseNvidiaSmiQText } from './q-text/parse'
import { isHeader, parseNvidiaSmiQueryCsv, type QueryCsvOptions } from './query-csv'
import { emptyInput, excerptAtLine, normaliseText, toolFailure } from './snapshot'
import { parseNvidiaSmiTable } from './table'
import { parseNvidiaSmiXml } from './xml/parse'

export { parseNvidiaSmiQText } from './q-text/parse'
export { parseNvidiaSmiQueryCsv, type QueryCsvOptions } from './query-csv'
export { parseNvidiaSmiTable } from './table'
export { parseNvidiaSmiXml } from './xml/parse'

export type NvidiaSmiFormat = 'nvidia-smi-xml' | 'nvidia-smi-query-csv' | 'nvidia-smi-q-text' | 'nvidia-smi-table'

const Q_TEXT = /^=+\s*NVSMI LOG\s*=+$|^GPU [0-9A-Fa-f]{4,8}:[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}\.[0-9A-Fa-f]\s*$/m
const TABLE_BANNER = /NVIDIA-SMI\s+\S+\s+Driver Version:/

/** Which nvidia-smi output this is, from its content; null when it is none of them. */
export function detectNvidiaSmiFormat(input: string, options: QueryCsvOptions = {}): NvidiaSmiFormat | null {
  const text = normaliseText(input).trim()
  if (text === '') return null
  if (text.startsWith('<')) return 'nvidia-smi-xml'
  if (Q_TEXT.test(text)) return 'nvidia-smi-q-text'
  if (TABLE_BANNER.test(text)) return 'nvidia-smi-table'
  const firstLine = text.split('\n')[0] ?? ''
  if (isHeader(firstLine.split(',').map((cell) => cell.trim()))) return 'nvidia-smi-query-csv'
  // csv,noheader: every line has the same number of values as the fields the caller queried.
  const fields = options.fields?.length ?? 0
  const lines = text.split('\n').filter((line) => line.trim() !== '')
  if (fields > 0 && lines.every((line) => line.split(',').length === fields)) return 'nvidia-smi-query-csv'
  return null
}

/** Parses any nvidia-smi output this package reads; unknown input is an error naming what was expected. */
export function parseNvidiaSmi(input: string, options: QueryCsvOptions = {}): ParseResult<NodeSnapshot> {
  switch (detectNvidiaSmiFormat(input, options)) {
    case 'nvidia-smi-xml':
      return parseNvidiaSmiXml(input)
    case 'nvidia-smi-q-text':
      return parseNvidiaSmiQText(input)
    case 'nvidia-smi-table':
      return parseNvidiaSmiTable(input)
    case 'nvidia-smi-query-csv':
      return parseNvidiaSmiQueryCsv(input, options)
    case null: {
      // The closed format list has no "unknown"; the plain table is what a bare `nvidia-smi` prints.
      const format = 'nvidia-smi-table'
      const text = normaliseText(input)
      if (text.trim() === '') return failed(emptyInput(format))
      const failure = toolFailure(text, format)
      if (failure) return failed(failure)
      return failed(
        new GpuParseError(
          format,
          'line 1',
          'not nvidia-smi output: expected -q -x XML, --query-gpu CSV, -q text or the default table',
          excerptAtLine(text, 1),
        ),
      )
    }
  }
}
