// Reads the plain `nvidia-smi` table: the banner (driver and CUDA), one 2- or 3-row block per GPU, and
// the optional "MIG devices" and "Processes" tables. Layouts differ by driver (79 columns before 525,
// 91 after; Persistence-M or Driver-Model; GI/CI process columns since 450), so rows are read by cell.
import { failed, GpuParseError, type ParseResult, parsed } from '../common/parse-error'
import { readFlag, readNumber, readText, unknown } from '../common/readings'
import type { GpuSnapshot, NodeSnapshot } from '../model'
import { emptyGpu, emptyInput, emptyNode, excerptAtLine, normaliseText, toolFailure, troubleWarnings } from './snapshot'

const FORMAT = 'nvidia-smi-table'
const BANNER = /NVIDIA-SMI\s+\S+\s+Driver Version:\s*(\S+)(?:\s+CUDA Version:\s*(\S+))?/
const HEADER_RULE = /^\|=+[=+|]*$/
/** "0  NVIDIA H100 80GB HBM3   On": index, name, then persistence mode or Windows driver model. */
const GPU_IDENTITY = /^(\d+)\s+(.*?)\s+(On|Off|WDDM|TCC|MCDM|N\/A)$/
/** "N/A   42C    P0   98W / 700W": fan, temperature, performance state, power draw / cap. */
const GPU_SENSORS = /^(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*\/\s*(\S+)$/
const USED_OF_TOTAL = /^(\S+)\s*\/\s*(\S+)$/
/** Since 450: GPU, GI, CI, PID, type, name, memory. Before: GPU, PID, type, name, memory. */
const PROCESS_WITH_INSTANCES = /^(\d+)\s+(\S+)\s+(\S+)\s+(\d+)\s+([CGM+]+)\s+(.*?)\s+(\S+)$/
const PROCESS_PLAIN = /^(\d+)\s+(\d+)\s+([CGM+]+)\s+(.*?)\s+(\S+)$/

type Row = { cells: string[]; line: number }

function error(where: string, message: string, excerpt: string | null = null): ParseResult<never> {
  return failed(new GpuParseError(FORMAT, where, message, excerpt))
}

function cellsOf(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((cell) => cell.trim())
}

/**
 * The body rows of the table whose header rule ("|====...") is the first at or after `from`, split into
 * blocks at "+---" separators; stops at the first line that is not part of a table.
 */
function tableBlocks(lines: string[], from: number): Row[][] {
  const start = lines.findIndex((line, index) => index >= from && HEADER_RULE.test(line.trim()))
  if (start < 0) return []
  const blocks: Row[][] = [[]]
  for (let index = start + 1; index < lines.length; index++) {
    const line = (lines[index] ?? '').trim()
    if (line.startsWith('+')) {
      blocks.push([])
      continue
    }
    if (!line.startsWith('|')) break
    blocks.at(-1)?.push({ cells: cellsOf(line), line: index + 1 })
  }
  return blocks.filter((block) => block.length > 0)
}

export function parseNvidiaSmiTable(input: string): ParseResult<NodeSnapshot> {
  const text = normaliseText(input)
  if (text.trim() === '') return failed(emptyInput(FORMAT))
  const lines = text.split('\n')
  const bannerIndex = lines.findIndex((line) => BANNER.test(line))
  const banner = BANNER.exec(lines[bannerIndex] ?? '')
  if (!banner) {
    const failure = toolFailure(text, FORMAT)
    if (failure) return failed(failure)
    return error('line 1', 'not an nvidia-smi table: no "NVIDIA-SMI ... Driver Version" banner', excerptAtLine(text, 1))
  }
  const warnings = troubleWarnings(text)
  const firstLine = lines.find((line) => line.trim() !== '')?.trim() ?? ''
  const node: NodeSnapshot = {
    ...emptyNode(),
    timestamp: /^[|+]/.test(firstLine) ? unknown() : readText(firstLine),
    driverVersion: readText(banner[1]),
    cudaVersion: readText(banner[2]),
  }
  for (const block of tableBlocks(lines, bannerIndex)) {
    const gpu = readGpuBlock(block, warnings)
    if (gpu instanceof GpuParseError) return failed(gpu)
    node.gpus.push(gpu)
  }
  if (node.gpus.length === 0) {
    return error(`line ${bannerIndex + 1}`, 'the table lists no GPU (truncated?)', excerptAtLine(text, bannerIndex + 1))
  }
  const migIndex = lines.findIndex((line) => /\|\s*MIG devices:/.test(line))
  if (migIndex >= 0) readMigTable(lines, migIndex, node.gpus, warnings)
  const processIndex = lines.findIndex((line) => /\|\s*Processes:/.test(line))
  if (processIndex >= 0) readProcessTable(lines, processIndex, node.gpus, warnings)
  return parsed(node, warnings)
}

function readGpuBlock(block: Row[], warnings: string[]): GpuSnapshot | GpuParseError {
  const [identity, sensors, mig] = block
  const identityCell = identity?.cells[0] ?? ''
  const match = GPU_IDENTITY.exec(identityCell)
  if (!identity || !match) {
    const line = identity?.line ?? 0
    return new GpuParseError(
      FORMAT,
      `line ${line}`,
      'GPU row not understood: expected "<index> <name> <On|Off|WDDM|TCC>"',
      identityCell,
    )
  }
  const gpu = emptyGpu(Number(match[1]))
  const name = (match[2] ?? '').trim()
  // The table cuts long names to "Tesla V100-SXM2..."; the full name is not in the output.
  const truncated = name.endsWith('...')
  gpu.name = truncated ? unknown(name) : readText(name)
  if (truncated) warnings.push(`line ${identity.line}: GPU ${gpu.index} name truncated by nvidia-smi: "${name}"`)
  gpu.pciBusId = readText(identity.cells[1]?.split(/\s+/)[0])
  gpu.ecc.volatile.uncorrectable = readNumber(identity.cells[2])
  const [fan, temperature, , draw, cap] = GPU_SENSORS.exec(sensors?.cells[0] ?? '')?.slice(1) ?? []
  if (fan === undefined) {
    warnings.push(`line ${sensors?.line ?? identity.line}: GPU ${gpu.index} sensor row not understood`)
  }
  gpu.temperatureC = readNumber(temperature, 'C')
  gpu.powerDrawW = readNumber(draw, 'W')
  gpu.powerLimitW = readNumber(cap, 'W')
  const [used, total] = USED_OF_TOTAL.exec(sensors?.cells[1] ?? '')?.slice(1) ?? []
  gpu.memoryUsedMiB = readNumber(used, 'MiB')
  gpu.memoryTotalMiB = readNumber(total, 'MiB')
  gpu.utilizationGpuPercent = readNumber(sensors?.cells[2]?.split(/\s+/)[0], '%')
  // Before 450 the block has two rows and no MIG column.
  if (mig) gpu.migMode = readFlag(mig.cells[2])
  if (block.some((row) => row.cells.some((cell) => cell.includes('ERR!')))) {
    warnings.push(`line ${identity.line}: GPU ${gpu.index} shows ERR! (nvidia-smi could not read it)`)
  }
  return gpu
}

function gpuAt(gpus: GpuSnapshot[], index: number): GpuSnapshot | undefined {
  return gpus.find((gpu) => gpu.index === index)
}

/** Each MIG device is a block: "GPU GI CI MIG-Dev | used / total | SM Unc-ECC | CE ENC DEC OFA JPG". */
function readMigTable(lines: string[], from: number, gpus: GpuSnapshot[], warnings: string[]): void {
  for (const [row] of tableBlocks(lines, from)) {
    if (!row) continue
    const ids = /^(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$/.exec(row.cells[0] ?? '')
    if (!ids) {
      if (!/No MIG devices found/i.test(row.cells.join(' '))) warnings.push(`line ${row.line}: MIG row not understood`)
      continue
    }
    const gpu = gpuAt(gpus, Number(ids[1]))
    if (!gpu) {
      warnings.push(`line ${row.line}: MIG device on GPU ${ids[1]}, which the table does not list`)
      continue
    }
    const [, total] = USED_OF_TOTAL.exec(row.cells[1] ?? '')?.slice(1) ?? []
    gpu.migDevices.push({
      index: Number(ids[4]),
      gpuInstanceId: readNumber(ids[2]),
      computeInstanceId: readNumber(ids[3]),
      memoryTotalMiB: readNumber(total, 'MiB'),
    })
  }
}

function readProcessTable(lines: string[], from: number, gpus: GpuSnapshot[], warnings: string[]): void {
  for (const row of tableBlocks(lines, from).flat()) {
    const cell = row.cells.join(' | ')
    if (/No running processes found/i.test(cell)) continue
    const withInstances = PROCESS_WITH_INSTANCES.exec(cell)
    const plain = withInstances ? null : PROCESS_PLAIN.exec(cell)
    const fields = withInstances
      ? {
          gpu: withInstances[1],
          pid: withInstances[4],
          type: withInstances[5],
          name: withInstances[6],
          memory: withInstances[7],
        }
      : plain
        ? { gpu: plain[1], pid: plain[2], type: plain[3], name: plain[4], memory: plain[5] }
        : null
    if (!fields) {
      warnings.push(`line ${row.line}: process row not understood`)
      continue
    }
    const gpu = gpuAt(gpus, Number(fields.gpu))
    if (!gpu) {
      warnings.push(`line ${row.line}: process on GPU ${fields.gpu}, which the table does not list`)
      continue
    }
    gpu.processes.push({
      pid: Number(fields.pid),
      // Long paths are cut to "...e Experience\NVIDIA Share.exe" by the table.
      name: (fields.name ?? '').trim(),
      type: readText(fields.type),
      usedMemoryMiB: readNumber(fields.memory, 'MiB'),
    })
  }
}
