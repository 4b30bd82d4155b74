// Parse throughput for `pnpm bench:gpu`: each GPU output format read from a real fixture (the 8-GPU
// H100 XML rendered by the simulator, as no 8-GPU XML capture exists), beside baselines measured in the
// same run on the same input size: JSON.parse, and for XML fast-xml-parser on its own.
import { readFileSync, realpathSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import {
  evaluateNodeHealth,
  type ParseResult,
  parseDcgmDiagJson,
  parseDcgmDiagText,
  parseDcgmDiscovery,
  parseDcgmHealthJson,
  parseNvidiaSmiQText,
  parseNvidiaSmiQueryCsv,
  parseNvidiaSmiTable,
  parseNvidiaSmiXml,
  parseXidLog,
} from '@cabinet/gpu'
import { createNodeState, cudaVersionFor, renderNvidiaSmiXml, viewNode } from '@cabinet/gpu-sim'

export const ROOT = resolve(import.meta.dirname, '..')
const FIXTURES = resolve(ROOT, 'packages/gpu/test/fixtures')
/** The driver the simulated fleet runs, here and in the probe phase. */
export const SIM_DRIVER = '570.133.20'

export interface ParseCase {
  format: string
  input: string
  text: string
  parse: (text: string) => ParseResult<unknown>
}

export interface Throughput {
  docs: number
  seconds: number
  docsPerSecond: number
  mbPerSecond: number
}

export interface ParseFigures {
  format: string
  input: string
  bytes: number
  ours: Throughput
  /** JSON.parse of a JSON document of exactly the same byte size. */
  jsonParse: Throughput
  ratioToJsonParse: number
  /** XML only: fast-xml-parser's XMLParser.parse, with our parser's options, of the same input. */
  xmlParser?: Throughput
  ratioToXmlParser?: number
  /** XML only: fast-xml-parser's XMLValidator.validate alone, which our parser runs before parsing. */
  xmlValidator?: Throughput
}

const fixture = (path: string): string => readFileSync(join(FIXTURES, path), 'utf8')

/** One command's output from an nvidia_gpu_exporter capture, cut out under its `# <section>` banner. */
function captureSection(path: string, section: string): string {
  const lines = fixture(`utkuozdemir+nvidia_gpu_exporter/${path}`).split('\n')
  const rule = /^#{80}$/
  const title = lines.indexOf(`# ${section}`)
  if (title < 0) throw new Error(`no section "${section}" in ${path}`)
  const start = lines.findIndex((line, index) => index > title && rule.test(line)) + 1
  const end = lines.findIndex((line, index) => index >= start && rule.test(line))
  return lines.slice(start, end < 0 ? undefined : end).join('\n')
}

const SIM_NOW = new Date('2026-11-27T12:00:00Z')
const simulatedH100 = () =>
  createNodeState({ hostname: 'bench-h100', model: 'H100', gpus: 8, driver: SIM_DRIVER }, SIM_NOW)

/** `nvidia-smi -q -x` of an 8-GPU H100 node, from the simulator's renderer (shaped after the real captures). */
function simulatedH100Xml(): string {
  return renderNvidiaSmiXml(viewNode(simulatedH100(), SIM_NOW))
}

export function parseCases(): ParseCase[] {
  const H100 = 'linux-x86_64__nvidia-h100-80gb-hbm3__590.48.01.txt'
  return [
    {
      format: 'nvidia-smi-xml',
      input: `gpu-sim 8x H100, driver ${SIM_DRIVER}`,
      text: simulatedH100Xml(),
      parse: parseNvidiaSmiXml,
    },
    {
      format: 'nvidia-smi-xml',
      input: 'telegraf a100-sxm4-v12.xml (1 GPU)',
      text: fixture('influxdata+telegraf/a100-sxm4-v12.xml'),
      parse: parseNvidiaSmiXml,
    },
    {
      format: 'nvidia-smi-q-text',
      input: 'Azure nvidia-smi-q.out (8x A100)',
      text: fixture('Azure+azhpc-diagnostics/nvidia-smi-q.out'),
      parse: parseNvidiaSmiQText,
    },
    {
      format: 'nvidia-smi-query-csv',
      input: 'VirtualClient query-gpu-4xT4.csv',
      text: fixture('microsoft+VirtualClient/query-gpu-4xT4.csv'),
      parse: (text) => parseNvidiaSmiQueryCsv(text),
    },
    {
      format: 'nvidia-smi-table',
      input: 'nvidia_gpu_exporter H100 table',
      text: captureSection(H100, 'load :: nvidia-smi (default table)'),
      parse: parseNvidiaSmiTable,
    },
    {
      format: 'dcgmi-diag-json',
      input: 'VirtualClient DCGMIDiag_r3_results.json',
      text: fixture('microsoft+VirtualClient/DCGMIDiag_r3_results.json'),
      parse: parseDcgmDiagJson,
    },
    {
      format: 'dcgmi-diag-text',
      input: 'DCGM 4.4.1 8x B200 diag -r 2',
      text: fixture('extra/NVIDIA+DCGM/issue-253-dcgm-4.4.1-b200-diag-r2.txt'),
      parse: parseDcgmDiagText,
    },
    {
      format: 'dcgmi-health-json',
      input: 'VirtualClient DCGMIHealthCheckResults.json',
      text: fixture('microsoft+VirtualClient/DCGMIHealthCheckResults.json'),
      parse: parseDcgmHealthJson,
    },
    {
      format: 'dcgmi-discovery',
      input: 'VirtualClient DCGMIDiscoveryResults.txt',
      text: fixture('microsoft+VirtualClient/DCGMIDiscoveryResults.txt'),
      parse: parseDcgmDiscovery,
    },
    {
      format: 'kernel-log-xid',
      input: 'gpud dmesg-with-xid-119.log',
      text: fixture('extra/kernel-xid/leptonai+gpud__dmesg-with-xid-119.log'),
      parse: parseXidLog,
    },
  ]
}

/**
 * A JSON document of exactly `bytes` bytes: an array of small records like the readings a probe holds,
 * padded with one string. JSON.parse is the cheapest structured parse Node has, so it is the yardstick.
 */
export function jsonOfSize(bytes: number): string {
  const records: unknown[] = []
  let size = Buffer.byteLength(JSON.stringify({ records, pad: '' }))
  for (let index = 0; ; index++) {
    const record = { index, name: 'temperature.gpu', value: 30 + (index % 50), unit: 'C', known: true }
    const added = Buffer.byteLength(JSON.stringify(record)) + (index > 0 ? 1 : 0)
    if (size + added > bytes) break
    records.push(record)
    size += added
  }
  const document = JSON.stringify({ records, pad: 'x'.repeat(Math.max(0, bytes - size)) })
  if (Buffer.byteLength(document) !== Math.max(bytes, size)) throw new Error(`jsonOfSize: wanted ${bytes} bytes`)
  return document
}

interface RawXmlParser {
  parse(xml: string): unknown
}
interface FastXmlParser {
  XMLParser: new (options: Record<string, unknown>) => RawXmlParser
  XMLValidator: { validate(xml: string): true | object }
}

/**
 * The very fast-xml-parser module packages/gpu imports (its ESM entry, found through the package's own
 * exports map), since bench/ does not depend on it.
 */
async function loadFastXmlParser(): Promise<FastXmlParser> {
  const fromGpu = createRequire(join(ROOT, 'packages/gpu/package.json'))
  // The require entry lies inside the package; its package.json names the import entry.
  for (let dir = dirname(fromGpu.resolve('fast-xml-parser')); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = readManifest(join(dir, 'package.json'))
    if (manifest?.name !== 'fast-xml-parser') continue
    const entry = realpathSync(join(dir, manifest.exports['.'].import.default))
    return (await import(pathToFileURL(entry).href)) as FastXmlParser
  }
  throw new Error('fast-xml-parser not found from packages/gpu')
}

interface Manifest {
  name?: string
  exports: { '.': { import: { default: string } } }
}

function readManifest(path: string): Manifest | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Manifest
  } catch {
    return null
  }
}

/** Calls `run` for `warmupS`, then as often as it can for `durationS`; `run` returns false on a wrong result. */
function throughput(bytes: number, run: () => boolean, durationS: number, warmupS: number): Throughput {
  const loop = (seconds: number) => {
    const started = performance.now()
    const until = started + seconds * 1000
    let docs = 0
    let now = started
    // Batches of 8 between clock reads keep the clock out of the figure for sub-microsecond documents.
    while (now < until) {
      for (let batch = 0; batch < 8; batch++) {
        if (!run()) throw new Error('a parse gave a wrong result during the benchmark')
      }
      docs += 8
      now = performance.now()
    }
    return { docs, seconds: (now - started) / 1000 }
  }
  loop(warmupS)
  const { docs, seconds } = loop(durationS)
  const docsPerSecond = docs / seconds
  return {
    docs,
    seconds: Math.round(seconds * 1000) / 1000,
    docsPerSecond: Math.round(docsPerSecond),
    mbPerSecond: Math.round(((docsPerSecond * bytes) / 1e6) * 10) / 10,
  }
}

const ratio = (ours: Throughput, baseline: Throughput) =>
  Math.round((ours.mbPerSecond / Math.max(baseline.mbPerSecond, 1e-9)) * 1000) / 1000

export async function measureParsing(durationS: number, warmupS: number): Promise<ParseFigures[]> {
  const fxp = await loadFastXmlParser()
  // The options of packages/gpu/src/nvidia-smi/xml/parse.ts, so the ratio is what validation and
  // normalisation into the model add, not a difference in parser settings.
  const repeated = new Set(['nvidia_smi_log.gpu', 'mig_device', 'process_info'])
  const xmlParser = new fxp.XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    parseAttributeValue: false,
    jPath: true,
    isArray: (tagName: string, jPath: unknown) =>
      repeated.has(tagName) || (typeof jPath === 'string' && repeated.has(jPath)),
  })
  const figures: ParseFigures[] = []
  for (const testCase of parseCases()) {
    const { text, parse } = testCase
    const bytes = Buffer.byteLength(text)
    const first = parse(text)
    if (!first.ok) throw new Error(`${testCase.input} does not parse: ${first.error.message}`)
    console.log(`  ${testCase.format} (${testCase.input}, ${(bytes / 1024).toFixed(1)} KiB)`)
    const ours = throughput(bytes, () => parse(text).ok, durationS, warmupS)
    const json = jsonOfSize(bytes)
    const jsonParse = throughput(bytes, () => typeof JSON.parse(json) === 'object', durationS, warmupS)
    const row: ParseFigures = {
      format: testCase.format,
      input: testCase.input,
      bytes,
      ours,
      jsonParse,
      ratioToJsonParse: ratio(ours, jsonParse),
    }
    if (testCase.format === 'nvidia-smi-xml') {
      row.xmlParser = throughput(bytes, () => typeof xmlParser.parse(text) === 'object', durationS, warmupS)
      row.ratioToXmlParser = ratio(ours, row.xmlParser)
      row.xmlValidator = throughput(bytes, () => fxp.XMLValidator.validate(text) === true, durationS, warmupS)
    }
    figures.push(row)
  }
  return figures
}

/** evaluateNodeHealth on the parsed 8x H100 snapshot, with the expectations the probe phase uses. */
export function measureHealth(
  durationS: number,
  warmupS: number,
): { gpus: number; perSecond: number; microseconds: number } {
  const state = simulatedH100()
  const parsed = parseNvidiaSmiXml(renderNvidiaSmiXml(viewNode(state, SIM_NOW)))
  if (!parsed.ok) throw new Error(parsed.error.message)
  const input = {
    snapshot: parsed.value,
    expected: {
      driverVersion: SIM_DRIVER,
      cudaVersion: cudaVersionFor(SIM_DRIVER),
      gpuCount: state.gpuCount,
      gpuUuids: state.gpus.map((gpu) => gpu.uuid),
    },
  }
  const { docsPerSecond } = throughput(1, () => evaluateNodeHealth(input).verdict === 'pass', durationS, warmupS)
  return { gpus: state.gpuCount, perSecond: docsPerSecond, microseconds: Math.round((1e6 / docsPerSecond) * 10) / 10 }
}
