// `dcgmi diag` plain text: the box table with category rows (`+-----  Hardware  ---+`), one row per test,
// per-GPU rows ("GPU0: Pass" in 4.x, "Fail - GPU: 0" in 3.x) and messages dcgmi cuts every 45 characters.
import { failed, GpuParseError, type ParseResult, parsed } from '../common/parse-error'
import { known, readText, unknown } from '../common/readings'
import type { DiagReport, DiagTestResult } from '../model'
import { looksBinary } from './json'
import { impliedLevel, overallVerdict, readGpuListVerdict, readVerdict, worstVerdict } from './verdict'

const FORMAT = 'dcgmi-diag-text'
/** dcgmi splits long messages into pieces of exactly this many characters (Diag.cpp DATA_INFO_TAG_LEN). */
const CHUNK = 45

const HEADER = /^\|\s*Diagnostic\s*\|\s*Result\s*\|$/
const HEADER_RULE = /^\+=+\+=+\+$/
const FOOTER = /^\+-+\+-+\+$/
const CATEGORY = /^[|+]-+\s+([A-Za-z][A-Za-z ]*[A-Za-z])\s+-+\+-+[|+]$/
const MESSAGE_LABEL = /^(Warning|Info|Error)(?::\s*([A-Za-z_]+?)\s*(\d+))?$/
const ENTITY_RESULT = /^(GPU|CPU|GPU_I|GPU_CI|Switch|Link|CPU_Core)(\d+):\s*(\w*)$/

interface Row {
  line: number
  name: string
  /** The value cell less the one space of padding dcgmi puts before it, untrimmed: wrapped pieces keep their edges. */
  raw: string
  value: string
}

interface Message {
  kind: 'Warning' | 'Info' | 'Error'
  entity: { group: string; id: number } | null
  pieces: string[]
  line: number
}

/** Joins the pieces of a wrapped message: a full-width piece was cut mid-word, a shorter one at a space. */
export function joinWrapped(pieces: readonly string[]): string {
  return pieces
    .map((piece, index) => {
      if (index === pieces.length - 1) return piece.trimEnd()
      return piece.length >= CHUNK ? piece.slice(0, CHUNK) : `${piece.trimEnd()} `
    })
    .join('')
    .trim()
}

function readRow(text: string, line: number): Row | null {
  if (!text.startsWith('|') || !text.endsWith('|') || text.length < 3) return null
  const separator = text.indexOf('|', 1)
  if (separator < 0 || separator === text.length - 1) return null
  const cell = text.slice(separator + 1, -1)
  const raw = cell.startsWith(' ') ? cell.slice(1) : cell
  return { line, name: text.slice(1, separator).trim(), raw, value: raw.trim() }
}

class Reader {
  readonly warnings: string[] = []
  readonly tests: DiagTestResult[] = []
  readonly gpuIds = new Set<number>()
  readonly metadata = new Map<string, string>()
  category: string | null = null
  test: DiagTestResult | null = null
  message: Message | null = null

  flush(): void {
    const message = this.message
    this.message = null
    if (!message) return
    const text = joinWrapped(message.pieces)
    const entity = message.entity ? `${message.entity.group} ${message.entity.id}` : null
    if (!this.test) {
      this.warnings.push(`line ${message.line}: ${message.kind} outside any test: ${text}`)
      return
    }
    if (message.kind === 'Info') {
      const gpu = message.entity?.group === 'GPU' ? this.test.gpus.find((g) => g.gpuId === message.entity?.id) : null
      if (gpu) gpu.info.push(text)
      else this.test.info.push(entity ? `${entity}: ${text}` : text)
    } else {
      this.test.warnings.push(entity ? `${entity}: ${text}` : text)
    }
  }

  addTest(row: Row): void {
    this.flush()
    const test: DiagTestResult = {
      category: this.category,
      name: row.name,
      verdict: 'not-run',
      gpus: [],
      info: [],
      warnings: [],
    }
    const list = readGpuListVerdict(row.value)
    if (list) {
      this.addGpuVerdicts(test, list.verdict, list.gpuIds)
    } else {
      const verdict = readVerdict(row.value)
      if (verdict === null)
        this.warnings.push(`line ${row.line}: unrecognised result ${JSON.stringify(row.value)}, read as warn`)
      test.verdict = verdict ?? 'warn'
    }
    this.tests.push(test)
    this.test = test
  }

  addGpuVerdicts(test: DiagTestResult, verdict: DiagTestResult['verdict'], gpuIds: number[]): void {
    for (const gpuId of gpuIds) {
      test.gpus.push({ gpuId, verdict, info: [] })
      this.gpuIds.add(gpuId)
    }
    // 3.x prints "Pass - GPUs: 1, 2" then "Fail - GPU: 0" under one test: the test is as bad as its worst GPU.
    test.verdict = worstVerdict([test.verdict, verdict])
  }

  /** A row with no name: a per-GPU result, or the next piece of a wrapped message. */
  continuation(row: Row): void {
    const entity = ENTITY_RESULT.exec(row.value)
    const list = entity ? null : readGpuListVerdict(row.value)
    if (this.test && (entity || list)) {
      this.flush()
      if (list) {
        this.addGpuVerdicts(this.test, list.verdict, list.gpuIds)
        return
      }
      const [, group, id, word] = entity ?? []
      const verdict = readVerdict(word ?? '')
      if (verdict === null) this.warnings.push(`line ${row.line}: unrecognised result ${JSON.stringify(row.value)}`)
      if (group === 'GPU') this.addGpuVerdicts(this.test, verdict ?? 'warn', [Number(id)])
      return
    }
    if (this.message) {
      this.message.pieces.push(row.raw)
      return
    }
    this.warnings.push(`line ${row.line}: continuation row with nothing to continue: ${JSON.stringify(row.value)}`)
  }

  row(row: Row): void {
    if (this.category === 'Metadata') {
      if (row.name !== '') this.metadata.set(row.name, row.value)
      return
    }
    if (row.name === '') {
      this.continuation(row)
      return
    }
    const label = MESSAGE_LABEL.exec(row.name)
    if (!label) {
      this.addTest(row)
      return
    }
    this.flush()
    const [, kind, group, id] = label
    this.message = {
      kind: kind as Message['kind'],
      entity: group && id ? { group, id: Number(id) } : null,
      pieces: [row.raw],
      line: row.line,
    }
  }
}

function report(reader: Reader): DiagReport {
  const level = impliedLevel(reader.tests)
  const deviceIdsKey = [...reader.metadata.keys()].find((key) => /^GPU (PCI )?Device IDs Detected$/.test(key))
  const result: DiagReport = {
    level: level === null ? unknown(null) : known(level),
    dcgmVersion: readText(reader.metadata.get('DCGM Version')),
    driverVersion: readText(reader.metadata.get('Driver Version Detected')),
    gpuIds: [...reader.gpuIds].sort((a, b) => a - b),
    tests: reader.tests,
    overall: overallVerdict(reader.tests),
  }
  if (level !== null) result.levelInferred = true
  const deviceIds = deviceIdsKey ? reader.metadata.get(deviceIdsKey) : undefined
  if (deviceIds) result.deviceIds = deviceIds.split(',').map((id) => id.trim())
  return result
}

export function parseDcgmDiagText(text: string): ParseResult<DiagReport> {
  const fail = (where: string, message: string, excerpt: string | null = null) =>
    failed(new GpuParseError(FORMAT, where, message, excerpt))
  if (text.trim() === '') return fail('input', 'empty output')
  if (looksBinary(text)) return fail('input', 'binary data, not dcgmi output')
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  const headerIndex = lines.findIndex((line) => HEADER.test(line.trim()))
  if (headerIndex < 0) {
    const error = lines.find((line) => /^\s*Error:/.test(line))
    if (error) return fail(`line ${lines.indexOf(error) + 1}`, `dcgmi reported an error: ${error.trim()}`)
    return fail('line 1', 'no "Diagnostic | Result" table: not dcgmi diag output', lines.slice(0, 2).join(' '))
  }
  const reader = new Reader()
  for (let index = headerIndex + 1; index < lines.length; index++) {
    const line = (lines[index] ?? '').trim()
    const where = `line ${index + 1}`
    if (HEADER_RULE.test(line)) continue
    if (FOOTER.test(line)) {
      reader.flush()
      const rest = lines.slice(index + 1)
      if (rest.some((later) => HEADER.test(later.trim())))
        reader.warnings.push(`${where}: only the first table was read`)
      if (reader.tests.length === 0) reader.warnings.push('the report lists no tests')
      return parsed(report(reader), reader.warnings)
    }
    const category = CATEGORY.exec(line)
    if (category?.[1]) {
      reader.flush()
      reader.category = category[1]
      reader.test = null
      continue
    }
    const row = readRow(line, index + 1)
    if (row) {
      reader.row(row)
      continue
    }
    if (line.startsWith('|')) return fail(where, 'row is cut short (output truncated?)', line)
    return fail(where, line === '' ? 'table ends without its closing border' : 'unexpected line inside the table', line)
  }
  return fail(`line ${lines.length}`, 'table ends without its closing border (output cut?)')
}
