// Reads `nvidia-smi -q -x` (DTD v10 to v13, drivers 410 to 595) into a NodeSnapshot. Validation comes
// first so truncated or garbled XML fails with the line and column where it broke, never half-read.
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { failed, GpuParseError, type ParseResult, parsed } from '../../common/parse-error'
import { known, readNumber, readText } from '../../common/readings'
import type { GpuSnapshot, NodeSnapshot } from '../../model'
import {
  applyResetStatus,
  emptyGpu,
  emptyInput,
  emptyNode,
  excerptAtLine,
  GPU_REQUIRES_RESET,
  normaliseText,
  toolFailure,
} from '../snapshot'
import { readEcc, readEccEnabled, readRemappedRows, readRetiredPages } from './ecc'
import { readClockReasons, readPower, readTemperatures } from './sensors'
import { child, children, isElement, text, textAt, type XmlElement } from './tree'
import { readMigDevices, readMigMode, readProcesses } from './workloads'

const FORMAT = 'nvidia-smi-xml'
const ROOT = 'nvidia_smi_log'
/** Elements that repeat: forced to arrays so one GPU and eight GPUs read alike. */
const REPEATED = new Set([`${ROOT}.gpu`, 'mig_device', 'process_info'])

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Keep every value as printed: "0000" serials, "12.0" CUDA versions and "N/A" stay strings.
  parseTagValue: false,
  parseAttributeValue: false,
  jPath: true,
  isArray: (tagName, jPath) => REPEATED.has(tagName) || (typeof jPath === 'string' && REPEATED.has(jPath)),
})

function error(where: string, message: string, excerpt: string | null = null): ParseResult<never> {
  return failed(new GpuParseError(FORMAT, where, message, excerpt))
}

/**
 * The validator reports input that ends inside open elements as "Invalid '[...names...]' found." at
 * line 1: the names of the elements left open, outermost first (the last may be a tag cut mid-name).
 */
function unclosedTags(message: string): string[] | null {
  const list = /^Invalid '(\[[\s\S]*\])' found\.$/.exec(message)?.[1]
  if (!list) return null
  try {
    const names: unknown = JSON.parse(list)
    return Array.isArray(names) && names.every((name) => typeof name === 'string') ? names : null
  } catch {
    return null
  }
}

export function parseNvidiaSmiXml(input: string): ParseResult<NodeSnapshot> {
  const xml = normaliseText(input)
  if (xml.trim() === '') return failed(emptyInput(FORMAT))
  if (!xml.trimStart().startsWith('<')) {
    const failure = toolFailure(xml, FORMAT)
    if (failure) return failed(failure)
    return error('line 1', 'not XML: expected <?xml ...?> or <nvidia_smi_log>', excerptAtLine(xml, 1))
  }
  const validation = XMLValidator.validate(xml)
  if (validation !== true) {
    const { line, col, msg } = validation.err
    const unclosed = unclosedTags(msg)
    if (unclosed) {
      const lines = xml.trimEnd().split('\n')
      const where = `line ${lines.length}, column ${(lines.at(-1)?.length ?? 0) + 1} (end of input)`
      const path = unclosed.map((name) => `<${name}>`).join('/')
      return error(where, `truncated XML: input ends inside ${path}`, lines.at(-1)?.trim().slice(0, 120) ?? '')
    }
    return error(`line ${line}, column ${col}`, `malformed or truncated XML: ${msg}`, excerptAtLine(xml, line))
  }
  let document: unknown
  try {
    document = parser.parse(xml)
  } catch (cause) {
    return error('document', `XML parser failed: ${cause instanceof Error ? cause.message : String(cause)}`)
  }
  const roots = isElement(document) ? Object.keys(document).filter((name) => !name.startsWith('?')) : []
  if (roots[0] !== ROOT) {
    return error(`<${roots[0] ?? ''}>`, `root element is <${roots[0] ?? 'none'}>, expected <${ROOT}>`)
  }
  const log = child(document, ROOT)
  if (!log) return error(ROOT, `<${ROOT}> is empty`)
  return readLog(log)
}

function readLog(log: XmlElement): ParseResult<NodeSnapshot> {
  const warnings: string[] = []
  const node: NodeSnapshot = {
    ...emptyNode(),
    timestamp: readText(text(log, 'timestamp')),
    driverVersion: readText(text(log, 'driver_version')),
    cudaVersion: readText(text(log, 'cuda_version')),
    attachedGpus: readNumber(text(log, 'attached_gpus')),
  }
  const elements = children(log, 'gpu')
  const attached = node.attachedGpus
  if (elements.length === 0 && !(attached.known && attached.value === 0)) {
    return error(ROOT, 'no <gpu> elements: the output lists no GPU')
  }
  node.gpus = elements.map((element, index) => readGpu(element, index, warnings))
  if (attached.known && attached.value !== node.gpus.length) {
    warnings.push(`attached_gpus says ${attached.value} but the output holds ${node.gpus.length} <gpu> elements`)
  }
  return parsed(node, warnings)
}

function readGpu(element: XmlElement, index: number, warnings: string[]): GpuSnapshot {
  const where = `${ROOT}/gpu[${index}]`
  const gpu = emptyGpu(index)
  const power = readPower(element)
  Object.assign(gpu, readTemperatures(element))
  gpu.name = readText(text(element, 'product_name'))
  gpu.uuid = readText(text(element, 'uuid'))
  gpu.pciBusId = readText(textAt(element, 'pci', 'pci_bus_id') ?? text(element, '@_id'))
  gpu.serial = readText(text(element, 'serial'))
  gpu.vbiosVersion = readText(text(element, 'vbios_version'))
  gpu.powerDrawW = power.draw
  gpu.powerLimitW = power.limit
  gpu.memoryTotalMiB = readNumber(textAt(element, 'fb_memory_usage', 'total'), 'MiB')
  gpu.memoryUsedMiB = readNumber(textAt(element, 'fb_memory_usage', 'used'), 'MiB')
  gpu.utilizationGpuPercent = readNumber(textAt(element, 'utilization', 'gpu_util'), '%')
  gpu.clockEventReasons = readClockReasons(element)
  gpu.eccEnabled = readEccEnabled(element)
  gpu.ecc = readEcc(element, warnings)
  gpu.retiredPages = readRetiredPages(element)
  gpu.remappedRows = readRemappedRows(element)
  gpu.migMode = readMigMode(element)
  gpu.migDevices = readMigDevices(element, where, warnings)
  gpu.processes = readProcesses(element, where, warnings)
  applyResetStatus(gpu, {
    resetRequired: textAt(element, 'gpu_reset_status', 'reset_required'),
    drainAndReset: textAt(element, 'gpu_reset_status', 'drain_and_reset_recommended'),
    recoveryAction: text(element, 'gpu_recovery_action'),
  })
  if (GPU_REQUIRES_RESET.test(JSON.stringify(element)) && !gpu.resetRequired.known) {
    gpu.resetRequired = known(true)
    warnings.push(`${where}: nvidia-smi printed "GPU requires reset" in place of values`)
  }
  return gpu
}
