// `dcgmi health -c -j`: dcgmi's generic JSON tree (dcgmi/DcgmiOutput.cpp): {"header": ["Health Monitor
// Report"], "body": {"Overall Health": {"value"}, "<entity group>": {"children": {"<id>": {"value",
// "children": {"Errors": {"children": {"<system>": {"value", "overflow": [message pieces]}}}}}}}}}.
import { failed, GpuParseError, type ParseResult, parsed } from '../common/parse-error'
import type { HealthReport, HealthWatchStatus } from '../model'
import { describeJson, isRecord, type JsonRecord, jsonPath, readJsonDocument } from './json'

const FORMAT = 'dcgmi-health-json'
const OVERALL = 'Overall Health'

/** dcgmi prints Healthy / Warning / Failure, and "Internal error" when it could not tell. */
export function readHealthStatus(raw: unknown): HealthWatchStatus {
  if (typeof raw !== 'string') return 'unknown'
  const word = raw.trim().toLowerCase()
  if (word === 'healthy' || word === 'pass') return 'healthy'
  if (word === 'warning' || word === 'warn') return 'warning'
  if (word === 'failure' || word === 'fail') return 'failure'
  return 'unknown'
}

type Incident = HealthReport['incidents'][number]

const childrenOf = (node: unknown): JsonRecord => (isRecord(node) && isRecord(node.children) ? node.children : {})

/** Messages longer than dcgmi's column are split at word boundaries into `overflow` pieces. */
function messageOf(node: JsonRecord, where: string): string {
  const overflow = node.overflow
  if (overflow === undefined) return ''
  if (!Array.isArray(overflow) || !overflow.every((piece) => typeof piece === 'string')) {
    throw new GpuParseError(
      FORMAT,
      jsonPath(where, 'overflow'),
      `expected message text, found ${describeJson(overflow)}`,
    )
  }
  return overflow
    .map((piece) => piece.trim())
    .join(' ')
    .trim()
}

function readEntityGroup(group: string, node: unknown, where: string, warnings: string[]): Incident[] {
  const incidents: Incident[] = []
  const entities = childrenOf(node)
  for (const [id, entity] of Object.entries(entities)) {
    const entityPath = jsonPath(jsonPath(where, 'children'), id)
    if (!isRecord(entity))
      throw new GpuParseError(FORMAT, entityPath, `expected an object, found ${describeJson(entity)}`)
    const gpuId = group === 'GPU' && /^\d+$/.test(id) ? Number(id) : null
    const label = `${group} ${id}`
    const systems = childrenOf(childrenOf(entity).Errors)
    for (const [system, detail] of Object.entries(systems)) {
      const systemPath = `${entityPath}.children.Errors.children${jsonPath('', system)}`
      if (!isRecord(detail))
        throw new GpuParseError(FORMAT, systemPath, `expected an object, found ${describeJson(detail)}`)
      const status = readHealthStatus(detail.value)
      incidents.push({ gpuId, system, status, message: messageOf(detail, systemPath), errorCode: null, entity: label })
    }
    const entityStatus = readHealthStatus(entity.value)
    if (Object.keys(systems).length === 0 && entityStatus !== 'healthy') {
      // An entity reported unhealthy without saying which system: kept, so it is not lost.
      incidents.push({ gpuId, system: '', status: entityStatus, message: '', errorCode: null, entity: label })
      warnings.push(`${entityPath}: ${label} is ${entityStatus} without any system named`)
    }
  }
  return incidents
}

export function parseDcgmHealthJson(text: string): ParseResult<HealthReport> {
  const document = readJsonDocument(text, FORMAT)
  if (!document.ok) return document
  const warnings = [...document.warnings]
  const root = document.value
  const fail = (where: string, message: string) => failed(new GpuParseError(FORMAT, where, message))
  if (!isRecord(root)) return fail('$', `expected an object, found ${describeJson(root)}`)
  const header = root.header
  if (
    Array.isArray(header) &&
    !header.some((line) => typeof line === 'string' && /health monitor report/i.test(line))
  ) {
    return fail('$.header', `not a health check report: ${JSON.stringify(header)}`)
  }
  const body = root.body
  if (!isRecord(body)) return fail('$.body', `expected an object, found ${describeJson(body)}`)
  const overallNode = body[OVERALL]
  if (!isRecord(overallNode)) return fail(jsonPath('$.body', OVERALL), 'no overall health in the report')
  const overall = readHealthStatus(overallNode.value)
  if (overall === 'unknown') {
    warnings.push(`${jsonPath('$.body', OVERALL)}: dcgmi could not tell (${JSON.stringify(overallNode.value)})`)
  }
  try {
    const incidents = Object.entries(body)
      .filter(([group]) => group !== OVERALL)
      .flatMap(([group, node]) => readEntityGroup(group, node, jsonPath('$.body', group), warnings))
    if (overall !== 'healthy' && overall !== 'unknown' && incidents.length === 0) {
      warnings.push(`overall health is ${overall} but no incident is listed`)
    }
    return parsed({ overall, incidents }, warnings)
  } catch (error) {
    if (error instanceof GpuParseError) return failed(error)
    throw error
  }
}
