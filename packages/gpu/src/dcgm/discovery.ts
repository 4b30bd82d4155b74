// `dcgmi discovery -l`: "N GPUs found." and a box table, one block per GPU of "Key: value" lines (Name,
// PCI Bus ID, Device UUID), followed by NvSwitch and CPU tables that are not read here.
import { failed, GpuParseError, type ParseResult, parsed } from '../common/parse-error'
import { known, type Reading, unknown } from '../common/readings'
import type { DiscoveredGpu } from '../model'
import { looksBinary } from './json'

const FORMAT = 'dcgmi-discovery'
const HEADER = /^\|\s*GPU ID\s*\|\s*Device Information\s*\|$/
const RULE = /^\+-+\+-+\+$/
const FOUND = /^(\d+) GPUs? found\.?$/

/** DCGM prints `<<<NULL>>>`, `<<<NOT_SUPPORTED>>>` and the like where it has no value. */
function readDcgmText(raw: string | undefined): Reading<string> {
  if (raw === undefined) return unknown(null)
  const text = raw.trim()
  if (text === '' || /^<<<.*>>>$/.test(text) || /^(n\/a|not supported)$/i.test(text)) return unknown(text)
  return known(text)
}

interface Block {
  gpuId: number
  line: number
  fields: Map<string, string>
  lastKey: string | null
}

export function parseDcgmDiscovery(text: string): ParseResult<DiscoveredGpu[]> {
  const fail = (where: string, message: string, excerpt: string | null = null) =>
    failed(new GpuParseError(FORMAT, where, message, excerpt))
  if (text.trim() === '') return fail('input', 'empty output')
  if (looksBinary(text)) return fail('input', 'binary data, not dcgmi output')
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  const foundIndex = lines.findIndex((line) => FOUND.test(line.trim()))
  const declared = foundIndex >= 0 ? Number(FOUND.exec(lines[foundIndex]?.trim() ?? '')?.[1]) : null
  const headerIndex = lines.findIndex((line) => HEADER.test(line.trim()))
  if (headerIndex < 0) {
    if (declared === 0) return parsed([], ['dcgmi found no GPUs'])
    const error = lines.find((line) => /^\s*Error:/.test(line))
    if (error) return fail(`line ${lines.indexOf(error) + 1}`, `dcgmi reported an error: ${error.trim()}`)
    return fail('line 1', 'no "GPU ID | Device Information" table: not dcgmi discovery -l output')
  }
  const warnings: string[] = []
  const blocks: Block[] = []
  let endsOnRule = false
  for (let index = headerIndex + 1; index < lines.length; index++) {
    const line = (lines[index] ?? '').trim()
    const where = `line ${index + 1}`
    if (RULE.test(line)) {
      endsOnRule = true
      continue
    }
    // The GPU table ends at the first line that is not part of it ("0 NvSwitches found.", a blank line).
    if (line === '' || !line.startsWith('|')) break
    endsOnRule = false
    if (!line.endsWith('|')) return fail(where, 'row is cut short (output truncated?)', line)
    const separator = line.indexOf('|', 1)
    const idCell = line.slice(1, separator).trim()
    const info = line.slice(separator + 1, -1).trim()
    if (idCell !== '') {
      if (!/^\d+$/.test(idCell)) return fail(where, `GPU id ${JSON.stringify(idCell)} is not a number`, line)
      blocks.push({ gpuId: Number(idCell), line: index + 1, fields: new Map(), lastKey: null })
    }
    const block = blocks.at(-1)
    if (!block) return fail(where, 'device information before any GPU id', line)
    const field = /^([A-Za-z][A-Za-z ]*?):\s*(.*)$/.exec(info)
    if (field?.[1] && field[2] !== undefined) {
      block.fields.set(field[1], field[2])
      block.lastKey = field[1]
    } else if (block.lastKey && info !== '') {
      // A value too long for the column continues on the next line.
      block.fields.set(block.lastKey, `${block.fields.get(block.lastKey) ?? ''}${info}`)
    }
  }
  if (!endsOnRule) return fail(`line ${lines.length}`, 'table ends without its closing border (output cut?)')
  if (declared !== null && declared !== blocks.length) {
    return fail(`line ${foundIndex + 1}`, `dcgmi says ${declared} GPU(s) found but the table lists ${blocks.length}`)
  }
  if (declared === null) warnings.push('no "N GPUs found." line; the count could not be checked')
  const gpus = blocks.map((block): DiscoveredGpu => {
    const name = readDcgmText(block.fields.get('Name'))
    if (!name.known) warnings.push(`GPU ${block.gpuId}: DCGM printed no name (${name.raw ?? 'absent'})`)
    return {
      gpuId: block.gpuId,
      name: name.known ? name.value : '',
      pciBusId: readDcgmText(block.fields.get('PCI Bus ID')),
      uuid: readDcgmText(block.fields.get('Device UUID')),
      deviceId: readDcgmText(block.fields.get('Device ID')),
    }
  })
  return parsed(gpus, warnings)
}
