// Every `nvidia-smi --query-gpu ... --format=csv` fixture read with values taken from that file, the CSV
// sections of the nvidia_gpu_exporter captures (~210 fields), and header-less, unit-less and broken CSV.
import { describe, expect, it } from 'vitest'
import { parseNvidiaSmiQueryCsv } from '../../src/nvidia-smi'
import { captureSection, errorOf, fixture, isKnown, isUnknown, parsedValue } from './fixtures'

const T4_CSV = fixture('microsoft+VirtualClient/query-gpu-4xT4.csv')

describe('--query-gpu CSV fixtures', () => {
  it('query-gpu-4xT4.csv: 4 Tesla T4 on Azure PCI domains 1-4, driver 510.108.03, units only in the header', () => {
    const node = parsedValue(parseNvidiaSmiQueryCsv(T4_CSV))
    expect(node.driverVersion).toEqual(isKnown('510.108.03'))
    expect(node.timestamp).toEqual(isKnown('2023/01/11 00:06:01.255'))
    // No CUDA version in --query-gpu, no `count` field queried.
    expect(node.cudaVersion).toEqual(isUnknown(null))
    expect(node.attachedGpus).toEqual(isUnknown(null))
    expect(node.gpus.map((gpu) => [gpu.index, gpu.name, gpu.pciBusId])).toEqual(
      [1, 2, 3, 4].map((domain, index) => [index, isKnown('Tesla T4'), isKnown(`0000000${domain}:00:00.0`)]),
    )
    expect(node.gpus.map((gpu) => gpu.temperatureC)).toEqual([48, 51, 53, 53].map(isKnown))
    expect(node.gpus.map((gpu) => gpu.memoryUsedMiB)).toEqual([257, 14, 14, 14].map(isKnown))
    expect(node.gpus[0]?.memoryTotalMiB).toEqual(isKnown(16384))
    expect(node.gpus[0]?.utilizationGpuPercent).toEqual(isKnown(0))
    // Not queried: unknown, not zero, not "not throttled".
    expect(node.gpus[0]?.ecc.volatile.uncorrectable).toEqual(isUnknown(null))
    expect(node.gpus[0]?.clockEventReasons.hwSlowdown).toEqual(isUnknown(null))
  })

  it('nvidia-smi-2.csv: 3 GPUs by uuid at full load near their 216 W limit, units in every value', () => {
    const node = parsedValue(parseNvidiaSmiQueryCsv(fixture('a0s+nvidia-smi-exporter/nvidia-smi-2.csv')))
    expect(node.driverVersion).toEqual(isUnknown(null))
    expect(node.gpus.map((gpu) => gpu.uuid)).toEqual(
      [
        'GPU-20fe89bc-c8ef-5a9f-078e-efa3324d790b',
        'GPU-68988cf6-8de9-6585-a263-d2e3ea96b75a',
        'GPU-90e3dab0-b59d-8bf6-d909-d4fab8d2f29b',
      ].map(isKnown),
    )
    expect(node.gpus.map((gpu) => gpu.powerDrawW)).toEqual([213.07, 187.04, 206.44].map(isKnown))
    expect(node.gpus.map((gpu) => gpu.powerLimitW)).toEqual([216, 216, 216].map(isKnown))
    expect(node.gpus.map((gpu) => gpu.memoryTotalMiB)).toEqual([8119, 4043, 8119].map(isKnown))
    expect(node.gpus.map((gpu) => gpu.utilizationGpuPercent)).toEqual([100, 100, 100].map(isKnown))
    expect(node.gpus[1]?.temperatureC).toEqual(isKnown(67))
    expect(node.gpus[0]?.name).toEqual(isUnknown(null))
  })

  it('sample-output.csv: RTX 2080 SUPER on Windows 471.11, idle throttle active, ECC and retired pages [N/A]', () => {
    const node = parsedValue(parseNvidiaSmiQueryCsv(fixture('utkuozdemir+nvidia_gpu_exporter/sample-output.csv')))
    expect(node.driverVersion).toEqual(isKnown('471.11'))
    expect(node.attachedGpus).toEqual(isKnown(1))
    const [gpu] = node.gpus
    expect(gpu?.name).toEqual(isKnown('NVIDIA GeForce RTX 2080 SUPER'))
    expect(gpu?.uuid).toEqual(isKnown('GPU-df6e7a7c-7314-46f8-abc4-b88b36dcf3aa'))
    expect(gpu?.pciBusId).toEqual(isKnown('00000000:0C:00.0'))
    expect(gpu?.vbiosVersion).toEqual(isKnown('90.04.7a.40.73'))
    expect(gpu?.serial).toEqual(isUnknown('[N/A]'))
    expect(gpu?.clockEventReasons.idle).toEqual(isKnown(true))
    expect(gpu?.clockEventReasons.swPowerCap).toEqual(isKnown(false))
    expect(gpu?.ecc).toEqual({
      volatile: { correctable: isUnknown('[N/A]'), uncorrectable: isUnknown('[N/A]') },
      aggregate: { correctable: isUnknown('[N/A]'), uncorrectable: isUnknown('[N/A]') },
    })
    expect(gpu?.retiredPages.doubleBit).toEqual(isUnknown('[N/A]'))
    expect(gpu?.temperatureC).toEqual(isKnown(36))
    expect(gpu?.powerDrawW).toEqual(isKnown(32.7))
    expect(gpu?.powerLimitW).toEqual(isKnown(250))
    expect(gpu?.memoryUsedMiB).toEqual(isKnown(876))
    expect(gpu?.migMode).toEqual(isUnknown('[N/A]'))
  })
})

const H100 = 'linux-x86_64__nvidia-h100-80gb-hbm3__590.48.01.txt'
const H100_MIG = 'linux-x86_64__nvidia-h100-mig__590.48.01.txt'
const H200 = 'linux-x86_64__nvidia-h200__590.48.01.txt'
const L40S = 'linux-x86_64__nvidia-l40s__595.80.txt'
const RTX2080 = 'windows-x86_64__nvidia-geforce-rtx-2080-super__591.86.txt'
const csvSection = (file: string, phase: string) =>
  captureSection(file, `${phase} :: query-gpu (csv, what the exporter parses)`)

describe('--query-gpu CSV in the nvidia_gpu_exporter captures (every field, 590/591/595)', () => {
  it.each([
    [H100, 'idle', '590.48.01', 'NVIDIA H100 80GB HBM3', 41, 46, 69.85, 0, isKnown(0), true],
    [H100, 'load', '590.48.01', 'NVIDIA H100 80GB HBM3', 59, 26, 631.95, 19818, isKnown(100), false],
    [H100_MIG, 'idle', '590.48.01', 'NVIDIA H100 80GB HBM3', 42, 45, 71.15, 59, isUnknown('[N/A]'), true],
    [H100_MIG, 'load', '590.48.01', 'NVIDIA H100 80GB HBM3', 53, 24, 433.78, 11125, isUnknown('[N/A]'), false],
    [H200, 'idle', '590.48.01', 'NVIDIA H200', 28, 59, 77.71, 0, isKnown(0), true],
    [H200, 'load', '590.48.01', 'NVIDIA H200', 52, 35, 627.4, 32362, isKnown(100), false],
    [L40S, 'idle', '595.80', 'NVIDIA L40S', 63, 25, 144.97, 0, isKnown(100), false],
    [L40S, 'load', '595.80', 'NVIDIA L40S', 54, 34, 110.23, 1235, isKnown(9), false],
    [RTX2080, 'idle', '591.86', 'NVIDIA GeForce RTX 2080 SUPER', 40, null, 38.92, 702, isKnown(0), true],
    [RTX2080, 'load', '591.86', 'NVIDIA GeForce RTX 2080 SUPER', 45, null, 97.43, 1296, isKnown(7), true],
  ])('%s %s: driver %s, %s at %i C', (file, phase, driver, name, temp, margin, watts, used, utilization, idle) => {
    const node = parsedValue(parseNvidiaSmiQueryCsv(csvSection(file, phase)))
    expect(node.driverVersion).toEqual(isKnown(driver))
    expect(node.attachedGpus).toEqual(isKnown(1))
    const [gpu] = node.gpus
    expect(gpu?.index).toBe(0)
    expect(gpu?.name).toEqual(isKnown(name))
    expect(gpu?.temperatureC).toEqual(isKnown(temp))
    expect(gpu?.temperatureMarginC?.current).toEqual(margin === null ? isUnknown('[N/A]') : isKnown(margin))
    expect(gpu?.powerDrawW).toEqual(isKnown(watts))
    expect(gpu?.memoryUsedMiB).toEqual(isKnown(used))
    expect(gpu?.utilizationGpuPercent).toEqual(utilization)
    expect(gpu?.clockEventReasons.idle).toEqual(isKnown(idle))
    expect(gpu?.clockEventReasons.hwThermalSlowdown).toEqual(isKnown(false))
    expect(gpu?.recoveryAction).toEqual(isKnown('None'))
    expect(gpu?.resetRequired).toEqual(isKnown(false))
  })

  it('H100 load: ECC totals zero with ECC on, remapped rows clear, retired pages [N/A], MIG off', () => {
    const [gpu] = parsedValue(parseNvidiaSmiQueryCsv(csvSection(H100, 'load'))).gpus
    expect(gpu?.eccEnabled).toEqual(isKnown(true))
    expect(gpu?.ecc).toEqual({
      volatile: { correctable: isKnown(0), uncorrectable: isKnown(0) },
      aggregate: { correctable: isKnown(0), uncorrectable: isKnown(0) },
    })
    expect(gpu?.remappedRows).toEqual({
      correctable: isKnown(0),
      uncorrectable: isKnown(0),
      pending: isKnown(false),
      failure: isKnown(false),
    })
    expect(gpu?.retiredPages.pendingRetirement).toEqual(isUnknown('[N/A]'))
    expect(gpu?.migMode).toEqual(isKnown(false))
    expect(gpu?.serial).toEqual(isKnown('0000000000000'))
    expect(gpu?.vbiosVersion).toEqual(isKnown('96.00.A5.00.01'))
  })

  it('H100 MIG idle: MIG on, remapped rows [N/A] under MIG', () => {
    const [gpu] = parsedValue(parseNvidiaSmiQueryCsv(csvSection(H100_MIG, 'idle'))).gpus
    expect(gpu?.migMode).toEqual(isKnown(true))
    expect(gpu?.remappedRows.pending).toEqual(isUnknown('[N/A]'))
  })

  it('RTX 2080 SUPER Windows: average power [N/A] so the instant draw is used; ECC [N/A]', () => {
    const [gpu] = parsedValue(parseNvidiaSmiQueryCsv(csvSection(RTX2080, 'idle'))).gpus
    expect(gpu?.powerDrawW).toEqual(isKnown(38.92))
    expect(gpu?.ecc.aggregate.uncorrectable).toEqual(isUnknown('[N/A]'))
  })
})

describe('--query-gpu CSV without a header, without units, and broken', () => {
  const [headerLine = '', ...dataLines] = T4_CSV.split('\n')
  const fields = headerLine.split(',').map((cell) => cell.replace(/\[.*\]/, '').trim())

  it('reads csv,noheader when given the field list', () => {
    const node = parsedValue(parseNvidiaSmiQueryCsv(dataLines.join('\n'), { fields }))
    expect(node.gpus).toHaveLength(4)
    expect(node.gpus[3]?.pciBusId).toEqual(isKnown('00000004:00:00.0'))
    expect(node.gpus[3]?.temperatureC).toEqual(isKnown(53))
  })

  it('reads csv,noheader,nounits with index and throttle fields', () => {
    const text =
      '0, NVIDIA A100-SXM4-80GB, 535.54.03, Active, 0, 1\n1, NVIDIA A100-SXM4-80GB, 535.54.03, Not Active, 2, 0\n'
    const node = parsedValue(
      parseNvidiaSmiQueryCsv(text, {
        fields: [
          'index',
          'name',
          'driver_version',
          'clocks_throttle_reasons.hw_slowdown',
          'ecc.errors.uncorrected.volatile.total',
          'retired_pages.double_bit.count',
        ],
      }),
    )
    expect(node.gpus.map((gpu) => gpu.clockEventReasons.hwSlowdown)).toEqual([isKnown(true), isKnown(false)])
    expect(node.gpus.map((gpu) => gpu.ecc.volatile.uncorrectable)).toEqual([isKnown(0), isKnown(2)])
    expect(node.gpus.map((gpu) => gpu.retiredPages.doubleBit)).toEqual([isKnown(1), isKnown(0)])
  })

  it('reads throttle reasons from the active bitmask when only the masks were queried', () => {
    const node = parsedValue(
      parseNvidiaSmiQueryCsv('0x00000000000000FF, 0x0000000000000048\n', {
        fields: ['clocks_throttle_reasons.supported', 'clocks_throttle_reasons.active'],
      }),
    )
    const reasons = node.gpus[0]?.clockEventReasons
    expect(reasons?.hwSlowdown).toEqual(isKnown(true))
    expect(reasons?.hwThermalSlowdown).toEqual(isKnown(true))
    expect(reasons?.idle).toEqual(isKnown(false))
    // 0x100 (display clock setting) is outside the supported mask: unknown, not "not active".
    expect(reasons?.displayClockSetting).toEqual(isUnknown('not supported (mask 0x00000000000000FF)'))
  })

  it('rejects csv,noheader without a field list, saying what to pass', () => {
    const error = errorOf(parseNvidiaSmiQueryCsv(dataLines.join('\n')))
    expect(error.format).toBe('nvidia-smi-query-csv')
    expect(error.where).toBe('line 1')
    expect(error.message).toMatch(/no header row and no field list/)
    expect(error.excerpt).toMatch(/^2023\/01\/11 00:06:01.255, Tesla T4/)
  })

  it('rejects a row shorter than the header, naming its line', () => {
    const short = T4_CSV.replace(
      '53, 0, 0, 16384, 15913, 14\n2023/01/11 00:06:01.271',
      '53, 0, 0, 16384\n2023/01/11 00:06:01.271',
    )
    const error = errorOf(parseNvidiaSmiQueryCsv(short))
    expect(error.where).toBe('line 4')
    expect(error.message).toMatch(/row has 11 values but the header names 13 fields/)
  })

  it('rejects a header with no rows, an empty string and binary garbage', () => {
    expect(errorOf(parseNvidiaSmiQueryCsv(`${headerLine}\n`)).message).toMatch(/header but no rows/)
    expect(errorOf(parseNvidiaSmiQueryCsv('')).where).toBe('line 1')
    const garbage = String.fromCharCode(...Array.from({ length: 400 }, (_, index) => (index * 53 + 3) % 256))
    expect(errorOf(parseNvidiaSmiQueryCsv(garbage)).where).toMatch(/^line \d+$/)
  })

  it('reports nvidia-smi failing instead of printing CSV', () => {
    const error = errorOf(parseNvidiaSmiQueryCsv('Failed to initialize NVML: Driver/library version mismatch\n'))
    expect(error.message).toMatch(/nvidia-smi reported a failure: Failed to initialize NVML/)
  })
})
