// The key property: every output of the simulated node, run as a child process, parses with @cabinet/gpu's
// parsers and says what the node's state says (driver, CUDA, GPUs), across driver branches and models, and a
// healthy simulated node passes every health gate.
import {
  evaluateNodeHealth,
  type NodeSnapshot,
  parseDcgmDiagJson,
  parseDcgmDiscovery,
  parseDcgmHealthJson,
  parseNvidiaSmiQueryCsv,
  parseNvidiaSmiTable,
  parseNvidiaSmiXml,
  parseXidLog,
} from '@cabinet/gpu'
import { afterAll, describe, expect, it } from 'vitest'
import { GPU_MODELS } from '../src/hardware/models'
import { knownValue, newNode, type NodeInit, ok, parsedValue, removeTempDirs, type Status, status } from './helpers'

afterAll(removeTempDirs)

interface Case extends NodeInit {
  cuda: string
  dtd: string
  reasons: 'clocks_event_reasons' | 'clocks_throttle_reasons'
}

const CASES: Case[] = [
  {
    driver: '525.60.13',
    model: 'A100',
    gpus: 2,
    hostname: 'a100-old',
    cuda: '12.0',
    dtd: 'v12',
    reasons: 'clocks_throttle_reasons',
  },
  {
    driver: '535.104.05',
    model: 'A100',
    gpus: 8,
    hostname: 'a100-01',
    cuda: '12.2',
    dtd: 'v12',
    reasons: 'clocks_event_reasons',
  },
  {
    driver: '550.54.15',
    model: 'H100',
    gpus: 8,
    hostname: 'h100-01',
    cuda: '12.4',
    dtd: 'v12',
    reasons: 'clocks_event_reasons',
  },
  {
    driver: '570.124.06',
    model: 'H200',
    gpus: 4,
    hostname: 'h200-01',
    cuda: '12.8',
    dtd: 'v12',
    reasons: 'clocks_event_reasons',
  },
  {
    driver: '580.95.05',
    model: 'L40S',
    gpus: 2,
    hostname: 'l40s-01',
    cuda: '13.0',
    dtd: 'v13',
    reasons: 'clocks_event_reasons',
  },
  {
    driver: '590.48.01',
    model: 'H100',
    gpus: 1,
    hostname: 'h100-02',
    cuda: '13.1',
    dtd: 'v13',
    reasons: 'clocks_event_reasons',
  },
]

/** Fields the CSV parser reads; queried with and without header and units. */
const CSV_FIELDS = [
  'timestamp',
  'driver_version',
  'count',
  'index',
  'name',
  'uuid',
  'serial',
  'pci.bus_id',
  'vbios_version',
  'temperature.gpu',
  'power.draw',
  'power.limit',
  'memory.total',
  'memory.used',
  'utilization.gpu',
  'ecc.mode.current',
  'ecc.errors.uncorrected.volatile.total',
  'ecc.errors.uncorrected.aggregate.total',
  'remapped_rows.pending',
  'remapped_rows.failure',
  'clocks_throttle_reasons.hw_slowdown',
  'clocks_throttle_reasons.gpu_idle',
  'mig.mode.current',
]

/** The per-GPU identity every nvidia-smi format must agree on with `cabinet-node status`. */
function expectGpus(snapshot: NodeSnapshot, node: Status, productName: string, fields: 'full' | 'table'): void {
  expect(snapshot.gpus).toHaveLength(node.gpuCount)
  snapshot.gpus.forEach((gpu, position) => {
    const expected = node.gpus[position]
    expect(gpu.index).toBe(position)
    expect(knownValue(gpu.name)).toBe(productName)
    expect(knownValue(gpu.pciBusId)).toBe(expected?.pciBusId)
    expect(knownValue(gpu.ecc.volatile.uncorrectable)).toBe(0)
    if (fields === 'table') return
    expect(knownValue(gpu.uuid)).toBe(expected?.uuid)
    expect(knownValue(gpu.serial)).toBe(expected?.serial)
    expect(knownValue(gpu.ecc.aggregate.uncorrectable)).toBe(0)
    expect(gpu.eccEnabled).toEqual({ known: true, value: true })
    expect(gpu.clockEventReasons.hwSlowdown).toEqual({ known: true, value: false })
    expect(gpu.clockEventReasons.idle).toEqual({ known: true, value: true })
    expect(gpu.remappedRows.pending).toEqual({ known: true, value: false })
  })
}

describe.concurrent('every output of a healthy node parses to its state', () => {
  for (const node of CASES) {
    it(`${node.model} x${node.gpus} on ${node.driver} (CUDA ${node.cuda})`, async () => {
      const stateDir = await newNode(node)
      const options = { stateDir }
      const state = await status(stateDir)
      const productName = GPU_MODELS[node.model].productName
      expect(state.driver).toMatchObject({ installed: node.driver, loaded: node.driver, cuda: node.cuda })

      const xml = await ok('nvidia-smi', ['-q', '-x'], options)
      expect(xml).toContain(`<!DOCTYPE nvidia_smi_log SYSTEM "nvsmi_device_${node.dtd}.dtd">`)
      expect(xml).toContain(`<${node.reasons}>`)
      const fromXml = parsedValue(parseNvidiaSmiXml(xml))
      expect(knownValue(fromXml.driverVersion)).toBe(node.driver)
      expect(knownValue(fromXml.cudaVersion)).toBe(node.cuda)
      expect(knownValue(fromXml.attachedGpus)).toBe(node.gpus)
      expectGpus(fromXml, state, productName, 'full')
      for (const gpu of fromXml.gpus) {
        expect(knownValue(gpu.vbiosVersion)).toBe(GPU_MODELS[node.model].vbios)
        expect(knownValue(gpu.memoryTotalMiB)).toBe(GPU_MODELS[node.model].memoryTotalMiB)
        expect(knownValue(gpu.powerLimitW)).toBe(GPU_MODELS[node.model].powerLimitW)
        expect(gpu.resetRequired).toEqual({ known: true, value: false })
      }

      const csv = await ok('nvidia-smi', [`--query-gpu=${CSV_FIELDS.join(',')}`, '--format=csv'], options)
      const fromCsv = parsedValue(parseNvidiaSmiQueryCsv(csv))
      expect(knownValue(fromCsv.driverVersion)).toBe(node.driver)
      expect(knownValue(fromCsv.attachedGpus)).toBe(node.gpus)
      expectGpus(fromCsv, state, productName, 'full')

      const bare = await ok(
        'nvidia-smi',
        [`--query-gpu=${CSV_FIELDS.join(',')}`, '--format=csv,noheader,nounits'],
        options,
      )
      expect(bare).not.toContain('MiB')
      const fromBare = parsedValue(parseNvidiaSmiQueryCsv(bare, { fields: CSV_FIELDS }))
      expectGpus(fromBare, state, productName, 'full')
      const first = fromBare.gpus[0]
      expect(first && knownValue(first.memoryTotalMiB)).toBe(GPU_MODELS[node.model].memoryTotalMiB)

      const table = parsedValue(parseNvidiaSmiTable(await ok('nvidia-smi', [], options)))
      expect(knownValue(table.driverVersion)).toBe(node.driver)
      expect(knownValue(table.cudaVersion)).toBe(node.cuda)
      expectGpus(table, state, productName, 'table')

      const diag = parsedValue(parseDcgmDiagJson(await ok('dcgmi', ['diag', '-r', '3', '-j'], options)))
      expect(diag.overall).toBe('pass')
      expect(diag.level).toEqual({ known: true, value: 3 })
      expect(diag.gpuIds).toEqual(state.gpus.map((gpu) => gpu.slot))
      expect(knownValue(diag.driverVersion)).toBe(node.driver)
      expect(diag.deviceIds).toEqual(state.gpus.map(() => GPU_MODELS[node.model].pciDeviceId.slice(0, 4)))

      const health = parsedValue(parseDcgmHealthJson(await ok('dcgmi', ['health', '-c', '-j'], options)))
      expect(health).toEqual({ overall: 'healthy', incidents: [] })

      const discovered = parsedValue(parseDcgmDiscovery(await ok('dcgmi', ['discovery', '-l'], options)))
      expect(discovered.map((gpu) => gpu.name)).toEqual(state.gpus.map(() => productName))
      expect(discovered.map((gpu) => knownValue(gpu.uuid))).toEqual(state.gpus.map((gpu) => gpu.uuid))
      expect(discovered.map((gpu) => knownValue(gpu.pciBusId))).toEqual(state.gpus.map((gpu) => gpu.pciBusId))

      const xids = parsedValue(parseXidLog(await ok('cabinet-node', ['dmesg'], options)))
      expect(xids).toEqual([])

      const verdict = evaluateNodeHealth({
        snapshot: fromXml,
        expected: {
          driverVersion: node.driver,
          cudaVersion: node.cuda,
          gpuCount: node.gpus,
          gpuUuids: state.gpus.map((gpu) => gpu.uuid),
          diagLevel: 3,
        },
        xids: { events: xids },
        diag,
      })
      expect(
        verdict.gates.filter((gate) => gate.verdict !== 'pass'),
        JSON.stringify(verdict.gates, null, 1),
      ).toEqual([])
      expect(verdict.verdict).toBe('pass')
    }, 90_000)
  }
})
