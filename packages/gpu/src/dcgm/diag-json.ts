// `dcgmi diag -j` in both layouts: DCGM 2.x/3.x ("DCGM GPU Diagnostic", one result per GPU keyed by
// gpu_ids, versions at the top) and DCGM 4.x ("DCGM Diagnostic", results per entity, test_summary, metadata).
import { failed, GpuParseError, type ParseResult, parsed } from '../common/parse-error'
import { known, readText, unknown } from '../common/readings'
import type { DiagReport, DiagTestResult, DiagVerdict } from '../model'
import { describeJson, isRecord, type JsonRecord, jsonPath, readJsonDocument } from './json'
import { impliedLevel, overallVerdict, readVerdict, worstVerdict } from './verdict'

const FORMAT = 'dcgmi-diag-json'
const DIAG_KEYS = ['DCGM GPU Diagnostic', 'DCGM Diagnostic'] as const

class ShapeError extends Error {
  constructor(
    readonly where: string,
    message: string,
  ) {
    super(message)
  }
}

type TestError = NonNullable<DiagTestResult['errors']>[number]

interface Context {
  warnings: string[]
  gpuIds: Set<number>
}

const asNumber = (value: unknown): number | null => {
  if (typeof value === 'number' && Number.isInteger(value)) return value
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value)
  return null
}

/** The GPU a result is about: 3.x `gpu_ids` ("0", or a number on deployment errors), 4.x GPU entities. */
function resultGpuId(result: JsonRecord): number | null {
  if ('entity_group' in result || 'entity_group_id' in result) {
    const isGpu = result.entity_group === 'GPU' || result.entity_group_id === 1
    return isGpu ? asNumber(result.entity_id) : null
  }
  return asNumber(result.gpu_ids ?? result.gpu_id)
}

function entityLabel(result: JsonRecord): string | null {
  if (typeof result.entity_group === 'string' && result.entity_id !== undefined) {
    return `${result.entity_group} ${String(result.entity_id)}`
  }
  const gpuId = resultGpuId(result)
  return gpuId === null ? null : `GPU ${gpuId}`
}

function readStatus(value: unknown, where: string, ctx: Context): DiagVerdict {
  if (typeof value !== 'string') throw new ShapeError(where, `expected a status string, found ${describeJson(value)}`)
  const verdict = readVerdict(value)
  if (verdict) return verdict
  // An unknown word must never read as a pass: it is kept as a warning the gate will not wave through.
  ctx.warnings.push(`${where}: unrecognised status ${JSON.stringify(value)}, read as warn`)
  return 'warn'
}

function readStrings(value: unknown, where: string): string[] {
  if (value === undefined || value === null) return []
  if (typeof value === 'string') return value.trim() === '' ? [] : [value.trim()]
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
    return value.map((item) => item.trim()).filter((item) => item !== '')
  }
  throw new ShapeError(where, `expected text or a list of text, found ${describeJson(value)}`)
}

/** `warnings` is a string (old), or entries with `warning` (per GPU) or `warnings` (deployment, 3.x). */
function readWarnings(value: unknown, where: string, gpuId: number | null): TestError[] {
  if (value === undefined || value === null) return []
  if (typeof value === 'string')
    return [{ gpuId, message: value.trim(), errorId: null, severity: null, category: null }]
  if (!Array.isArray(value)) throw new ShapeError(where, `expected a list of warnings, found ${describeJson(value)}`)
  return value.map((entry, index) => {
    const path = jsonPath(where, index)
    if (typeof entry === 'string') return { gpuId, message: entry, errorId: null, severity: null, category: null }
    if (!isRecord(entry)) throw new ShapeError(path, `expected a warning object, found ${describeJson(entry)}`)
    const message = entry.warning ?? entry.warnings
    if (typeof message !== 'string') throw new ShapeError(path, 'warning without text')
    return {
      gpuId,
      message: message.trim(),
      errorId: asNumber(entry.error_id),
      severity: asNumber(entry.error_severity),
      category: asNumber(entry.error_category),
    }
  })
}

function readTest(raw: unknown, where: string, category: string | null, ctx: Context): DiagTestResult {
  if (!isRecord(raw)) throw new ShapeError(where, `expected a test object, found ${describeJson(raw)}`)
  if (typeof raw.name !== 'string') throw new ShapeError(jsonPath(where, 'name'), 'test without a name')
  const test: DiagTestResult = { category, name: raw.name, verdict: 'not-run', gpus: [], info: [], warnings: [] }
  const errors: TestError[] = []
  const results = raw.results ?? []
  if (!Array.isArray(results)) throw new ShapeError(jsonPath(where, 'results'), 'expected a list of results')
  const verdicts: DiagVerdict[] = []
  results.forEach((result, index) => {
    const path = jsonPath(jsonPath(where, 'results'), index)
    if (!isRecord(result)) throw new ShapeError(path, `expected a result object, found ${describeJson(result)}`)
    const verdict = readStatus(result.status, jsonPath(path, 'status'), ctx)
    verdicts.push(verdict)
    const gpuId = resultGpuId(result)
    const info = readStrings(result.info, jsonPath(path, 'info'))
    const resultErrors = readWarnings(result.warnings, jsonPath(path, 'warnings'), gpuId)
    errors.push(...resultErrors)
    const label = entityLabel(result)
    test.warnings.push(...resultErrors.map((error) => (label ? `${label}: ${error.message}` : error.message)))
    // 3.x deployment results carry a numeric gpu_ids only to say which GPU an error is about: that is
    // not a per-GPU verdict. Per-GPU results have it as a string, or name an entity (4.x).
    const idText = typeof (result.gpu_ids ?? result.gpu_id) === 'string'
    const perGpu = gpuId !== null && ('entity_id' in result || idText || category !== 'Deployment')
    if (perGpu) {
      test.gpus.push({ gpuId, verdict, info })
      ctx.gpuIds.add(gpuId)
    } else {
      test.info.push(...(label && info.length > 0 ? info.map((line) => `${label}: ${line}`) : info))
    }
  })
  const summary = raw.test_summary
  if (isRecord(summary)) {
    const summaryPath = jsonPath(where, 'test_summary')
    test.verdict = readStatus(summary.status, jsonPath(summaryPath, 'status'), ctx)
    test.info.push(...readStrings(summary.info, jsonPath(summaryPath, 'info')))
    const summaryErrors = readWarnings(summary.warnings, jsonPath(summaryPath, 'warnings'), null)
    errors.push(...summaryErrors)
    test.warnings.push(...summaryErrors.map((error) => error.message))
    // A summary that says pass over a failing GPU is not believed.
    test.verdict = worstVerdict([test.verdict, ...verdicts])
  } else {
    test.verdict = worstVerdict(verdicts)
  }
  if (errors.length > 0) test.errors = errors
  return test
}

function readCategories(diag: JsonRecord, where: string, ctx: Context): DiagTestResult[] {
  const categories = diag.test_categories
  const categoriesPath = jsonPath(where, 'test_categories')
  if (!Array.isArray(categories)) {
    throw new ShapeError(categoriesPath, `expected a list of test categories, found ${describeJson(categories)}`)
  }
  return categories.flatMap((entry, index) => {
    const path = jsonPath(categoriesPath, index)
    if (!isRecord(entry)) throw new ShapeError(path, `expected a category object, found ${describeJson(entry)}`)
    const category = typeof entry.category === 'string' ? entry.category : null
    const tests = entry.tests ?? []
    if (!Array.isArray(tests)) throw new ShapeError(jsonPath(path, 'tests'), 'expected a list of tests')
    return tests.map((test, testIndex) => readTest(test, jsonPath(jsonPath(path, 'tests'), testIndex), category, ctx))
  })
}

const textOf = (...values: unknown[]): string | undefined =>
  values.find((value) => typeof value === 'string') as string | undefined

function readDocument(root: JsonRecord, where: string, ctx: Context): Omit<DiagReport, 'gpuIds' | 'overall'> {
  const key = DIAG_KEYS.find((name) => name in root)
  if (!key) throw new ShapeError(where, `no "${DIAG_KEYS.join('" or "')}" object: not dcgmi diag -j output`)
  const diagPath = jsonPath(where, key)
  const diag = root[key]
  if (!isRecord(diag)) throw new ShapeError(diagPath, `expected an object, found ${describeJson(diag)}`)
  const metadata = isRecord(root.metadata) ? root.metadata : {}
  const report: Omit<DiagReport, 'gpuIds' | 'overall'> = {
    level: unknown(null),
    dcgmVersion: readText(textOf(metadata.version, root.version, diag.version)),
    driverVersion: readText(textOf(metadata['Driver Version Detected'], root['Driver Version Detected'])),
    tests: [],
  }
  const deviceIds = readDeviceIds(root, ctx)
  if (deviceIds.length > 0) report.deviceIds = deviceIds
  if (typeof diag.runtime_error === 'string') {
    report.runtimeError = diag.runtime_error.trim()
    if (!('test_categories' in diag)) return report
  }
  report.tests = readCategories(diag, diagPath, ctx)
  return report
}

/** 3.x "GPU Device IDs": ["2335", ...]; 4.x entity_groups[].entities[] with device_id and entity_id. */
function readDeviceIds(root: JsonRecord, ctx: Context): string[] {
  const legacy = root['GPU Device IDs']
  if (Array.isArray(legacy)) return legacy.filter((id): id is string => typeof id === 'string')
  if (!Array.isArray(root.entity_groups)) return []
  const ids: string[] = []
  for (const group of root.entity_groups) {
    if (!isRecord(group) || group.entity_group !== 'GPU' || !Array.isArray(group.entities)) continue
    for (const entity of group.entities) {
      if (!isRecord(entity)) continue
      const gpuId = asNumber(entity.entity_id)
      if (gpuId !== null) ctx.gpuIds.add(gpuId)
      if (typeof entity.device_id === 'string') ids.push(entity.device_id)
    }
  }
  return ids
}

export function parseDcgmDiagJson(text: string): ParseResult<DiagReport> {
  const document = readJsonDocument(text, FORMAT)
  if (!document.ok) return document
  const ctx: Context = { warnings: [...document.warnings], gpuIds: new Set() }
  const root = document.value
  if (!isRecord(root)) return failed(new GpuParseError(FORMAT, '$', `expected an object, found ${describeJson(root)}`))
  try {
    // `--iterations N` wraps one document per run in "iterations"; their tests are read together.
    const iterations = Array.isArray(root.iterations) ? root.iterations : null
    const documents = iterations ?? [root]
    const parts = documents.map((doc, index) => {
      const where = iterations ? jsonPath('$.iterations', index) : '$'
      if (!isRecord(doc)) throw new ShapeError(where, `expected an object, found ${describeJson(doc)}`)
      return readDocument(doc, where, ctx)
    })
    const first = parts[0]
    if (!first) throw new ShapeError('$.iterations', 'no iterations')
    const tests = parts.flatMap((part) => part.tests)
    const runtimeError = parts.find((part) => part.runtimeError)?.runtimeError
    const level = impliedLevel(tests)
    const report: DiagReport = {
      ...first,
      level: level === null ? unknown(null) : known(level),
      gpuIds: [...ctx.gpuIds].sort((a, b) => a - b),
      tests,
      overall: overallVerdict(tests),
    }
    if (level !== null) report.levelInferred = true
    if (runtimeError) report.runtimeError = runtimeError
    if (iterations && root['Overall Result'] === 'Fail') report.overall = 'fail'
    if (tests.length === 0 && !runtimeError) ctx.warnings.push('the report lists no tests')
    return parsed(report, ctx.warnings)
  } catch (error) {
    if (error instanceof ShapeError) return failed(new GpuParseError(FORMAT, error.where, error.message))
    throw error
  }
}
