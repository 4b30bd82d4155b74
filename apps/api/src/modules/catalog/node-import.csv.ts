// Reads a node inventory exported as CSV into the same rows the JSON import takes, so one
// validation reports both. The header names the columns (any order, any case); empty cells mean "not given".
import { CsvError, parse } from 'csv-parse/sync'
import { AppError } from '../../http/errors'
import { validationFailed } from './catalog.checks'

export const NODE_CSV_COLUMNS = [
  'hostname',
  'cluster',
  'gpuModel',
  'gpuCount',
  'driverVersion',
  'cudaVersion',
  'firmwareVersion',
  'transport',
  'scheduler',
  'address',
  'sshPort',
  'sshUser',
  'sshHostKeySha256',
  'sshKeyRef',
  'simStateDir',
] as const
const INTEGER_COLUMNS: ReadonlySet<string> = new Set(['gpuCount', 'sshPort'])
const REQUIRED_COLUMNS = ['hostname', 'cluster', 'gpuModel', 'gpuCount'] as const
const COLUMN_BY_LOWERCASE = new Map(NODE_CSV_COLUMNS.map((column) => [column.toLowerCase(), column]))

/** A data row the CSV reader could not split into the header's columns; the import reports it. */
export class CsvRowProblem {
  constructor(
    readonly field: string,
    readonly message: string,
  ) {}
}

function recordsOf(text: string): { fields: string[]; line: number }[] {
  try {
    // With `info: true` each record comes as { record, info }; the library's types do not say so.
    const records = parse(text, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[]
    return records.map(({ record, info }) => ({ fields: record, line: info.lines }))
  } catch (error) {
    if (error instanceof CsvError) {
      throw new AppError('MALFORMED_REQUEST', `body is not valid CSV: ${error.message}`, {
        details: { issues: [{ path: '(body)', message: error.message }] },
        cause: error,
      })
    }
    throw error
  }
}

function columnsOf(header: string[]) {
  const columns = header.map((name) => COLUMN_BY_LOWERCASE.get(name.toLowerCase()))
  const issues = header.flatMap((name, index) =>
    columns[index] === undefined
      ? [{ path: `header.${index}`, message: `unknown column "${name}": use ${NODE_CSV_COLUMNS.join(', ')}` }]
      : columns.indexOf(columns[index]) !== index
        ? [{ path: `header.${index}`, message: `column "${name}" appears twice` }]
        : [],
  )
  for (const required of REQUIRED_COLUMNS) {
    if (!columns.includes(required)) issues.push({ path: 'header', message: `the column "${required}" is missing` })
  }
  if (issues.length > 0) throw validationFailed(issues)
  return columns as (typeof NODE_CSV_COLUMNS)[number][]
}

/** One object per data row (numbers where a number is expected), or a CsvRowProblem. */
export function parseNodeCsv(text: string): unknown[] {
  const [header, ...rows] = recordsOf(text)
  if (!header) throw validationFailed([{ path: '(body)', message: 'is empty: send a header row and one row per node' }])
  const columns = columnsOf(header.fields)
  return rows.map(({ fields, line }) => {
    if (fields.length !== columns.length) {
      return new CsvRowProblem('(row)', `line ${line} has ${fields.length} fields; the header has ${columns.length}`)
    }
    const node: Record<string, string | number> = {}
    columns.forEach((column, index) => {
      const value = fields[index] ?? ''
      if (value === '') return
      // Left as text when not an integer, so validation names the field instead of guessing.
      node[column] = INTEGER_COLUMNS.has(column) && /^-?\d+$/.test(value) ? Number(value) : value
    })
    return node
  })
}
