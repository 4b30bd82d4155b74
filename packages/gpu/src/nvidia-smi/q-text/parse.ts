// Reads `nvidia-smi -q` text (also `-q -d PAGE_RETIREMENT` and other `-d` subsets, which print only
// some sections) into a NodeSnapshot: a header, then one indented block per "GPU <PCI bus id>" line.
import { failed, GpuParseError, type ParseResult, parsed } from '../../common/parse-error'
import { known, type Reading, readFlag, readNumber, readText } from '../../common/readings'
import type { GpuProcess, GpuSnapshot, MigDevice, NodeSnapshot } from '../../model'
import {
  applyResetStatus,
  emptyGpu,
  emptyInput,
  emptyNode,
  excerptAtLine,
  firstKnown,
  GPU_REQUIRES_RESET,
  normaliseText,
  toolFailure,
  troubleWarnings,
} from '../snapshot'
import { readClockReasons, readEcc, readRemappedRows, readRetiredPages } from './sections'
import { buildTree, find, findAll, type QNode, valueAt } from './tree'

const FORMAT = 'nvidia-smi-q-text'
const GPU_LABEL = /^GPU\s+([0-9A-Fa-f]{4,8}:[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}\.[0-9A-Fa-f])$/

export function parseNvidiaSmiQText(input: string): ParseResult<NodeSnapshot> {
  const text = normaliseText(input)
  if (text.trim() === '') return failed(emptyInput(FORMAT))
  const root = buildTree(text)
  const gpuNodes = root.children.filter((node) => GPU_LABEL.test(node.label))
  const header = (label: string) => find(root, label)?.value
  const attachedGpus = readNumber(header('Attached GPUs'))
  if (gpuNodes.length === 0 && !(attachedGpus.known && attachedGpus.value === 0)) {
    const failure = toolFailure(text, FORMAT)
    if (failure) return failed(failure)
    const looksLikeQ = /NVSMI LOG/.test(text) || header('Driver Version') !== undefined
    const message = looksLikeQ
      ? 'no "GPU <bus id>" block: the output lists no GPU (truncated?)'
      : 'not nvidia-smi -q output: no "==NVSMI LOG==" banner, no Driver Version and no "GPU <bus id>" block'
    return failed(new GpuParseError(FORMAT, 'line 1', message, excerptAtLine(text, 1)))
  }
  const warnings = troubleWarnings(text)
  const node: NodeSnapshot = {
    ...emptyNode(),
    timestamp: readText(header('Timestamp')),
    driverVersion: readText(header('Driver Version')),
    cudaVersion: readText(header('CUDA Version')),
    attachedGpus,
  }
  node.gpus = gpuNodes.map((gpuNode, index) => readGpu(gpuNode, index, warnings))
  if (attachedGpus.known && attachedGpus.value !== node.gpus.length) {
    warnings.push(`Attached GPUs says ${attachedGpus.value} but the output holds ${node.gpus.length} GPU blocks`)
  }
  return parsed(node, warnings)
}

function readGpu(block: QNode, index: number, warnings: string[]): GpuSnapshot {
  const gpu = emptyGpu(index)
  const value = (...path: string[]) => valueAt(block, ...path)
  gpu.name = readText(value('Product Name'))
  gpu.serial = readText(value('Serial Number'))
  gpu.uuid = readText(value('GPU UUID'))
  gpu.vbiosVersion = readText(value('VBIOS Version'))
  gpu.pciBusId = readText(value('PCI', 'Bus Id') ?? GPU_LABEL.exec(block.label)?.[1])
  gpu.memoryTotalMiB = readNumber(value('FB Memory Usage', 'Total'), 'MiB')
  gpu.memoryUsedMiB = readNumber(value('FB Memory Usage', 'Used'), 'MiB')
  gpu.utilizationGpuPercent = readNumber(value('Utilization', 'GPU'), '%')
  gpu.eccEnabled = readFlag(value('ECC Mode', 'Current'))
  gpu.ecc = readEcc(block, warnings)
  gpu.retiredPages = readRetiredPages(block)
  gpu.remappedRows = readRemappedRows(block)
  gpu.clockEventReasons = readClockReasons(block)
  Object.assign(gpu, readTemperatures(find(block, 'Temperature')), readPower(block))
  gpu.migMode = readFlag(value('MIG Mode', 'Current'))
  gpu.migDevices = readMigDevices(block, warnings)
  gpu.processes = readProcesses(find(block, 'Processes'), warnings)
  applyResetStatus(gpu, {
    resetRequired: value('GPU Reset Status', 'Reset Required'),
    drainAndReset: value('GPU Reset Status', 'Drain and Reset Recommended'),
    recoveryAction: value('GPU Recovery Action'),
  })
  if (!gpu.resetRequired.known && containsResetNotice(block)) {
    gpu.resetRequired = known(true)
    warnings.push(`line ${block.line}: nvidia-smi printed "GPU requires reset" in place of values`)
  }
  return gpu
}

function containsResetNotice(node: QNode): boolean {
  return GPU_REQUIRES_RESET.test(node.value ?? '') || node.children.some(containsResetNotice)
}

function readTemperatures(block: QNode | undefined) {
  const celsius = (label: string): Reading<number> => readNumber(valueAt(block, label), 'C')
  return {
    temperatureC: celsius('GPU Current Temp'),
    temperatureLimitsC: {
      slowdown: celsius('GPU Slowdown Temp'),
      shutdown: celsius('GPU Shutdown Temp'),
      maxOperating: celsius('GPU Max Operating Temp'),
    },
    temperatureMarginC: {
      current: celsius('GPU T.Limit Temp'),
      slowdown: celsius('GPU Slowdown T.Limit Temp'),
      shutdown: celsius('GPU Shutdown T.Limit Temp'),
      maxOperating: celsius('GPU Max Operating T.Limit Temp'),
    },
  }
}

/** "GPU Power Readings" since 535 (average and instantaneous draws since 550), "Power Readings" before. */
function readPower(block: QNode) {
  const readings = find(block, 'GPU Power Readings', 'Power Readings')
  const watts = (label: string): Reading<number> => readNumber(valueAt(readings, label), 'W')
  return {
    powerDrawW: firstKnown(watts('Power Draw'), watts('Average Power Draw'), watts('Instantaneous Power Draw')),
    powerLimitW: firstKnown(watts('Current Power Limit'), watts('Enforced Power Limit'), watts('Power Limit')),
  }
}

function readMigDevices(block: QNode, warnings: string[]): MigDevice[] {
  return findAll(block, 'MIG Device').map((device, position) => {
    const index = readNumber(valueAt(device, 'Index'))
    if (!index.known) warnings.push(`line ${device.line}: MIG device without an index, using its position`)
    const memory = find(device, 'Shared FB Memory Usage', 'FB Memory Usage')
    return {
      index: index.known ? index.value : position,
      gpuInstanceId: readNumber(valueAt(device, 'GPU Instance ID')),
      computeInstanceId: readNumber(valueAt(device, 'Compute Instance ID')),
      memoryTotalMiB: readNumber(valueAt(memory, 'Total'), 'MiB'),
    }
  })
}

/** Each "Process ID" entry holds Type, Name and Used GPU Memory one level down ("Processes : None" when idle). */
function readProcesses(section: QNode | undefined, warnings: string[]): GpuProcess[] {
  const processes: GpuProcess[] = []
  for (const entry of findAll(section, 'Process ID')) {
    const pid = readNumber(entry.value)
    if (!pid.known) {
      warnings.push(`line ${entry.line}: process without a numeric pid, entry skipped`)
      continue
    }
    processes.push({
      pid: pid.value,
      name: valueAt(entry, 'Name') ?? '',
      type: readText(valueAt(entry, 'Type')),
      usedMemoryMiB: readNumber(valueAt(entry, 'Used GPU Memory'), 'MiB'),
    })
  }
  return processes
}
