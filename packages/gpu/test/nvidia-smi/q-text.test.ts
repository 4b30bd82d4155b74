// Every `nvidia-smi -q` text fixture (full -q, `-q -d PAGE_RETIREMENT`, and the -q sections of the
// nvidia_gpu_exporter captures) read with values taken from that file; then broken and older input.
import { describe, expect, it } from 'vitest'
import { parseNvidiaSmiQText } from '../../src/nvidia-smi'
import { captureSection, fixture, isKnown, isUnknown, parsedValue } from './fixtures'

const azure = () => parsedValue(parseNvidiaSmiQText(fixture('Azure+azhpc-diagnostics/nvidia-smi-q.out')))

describe('nvidia-smi -q: Azure ND A100 v4 (8x A100-SXM4-40GB, driver 460.32.03)', () => {
  it('reads the header and all 8 GPUs by bus id', () => {
    const node = azure()
    expect(node.timestamp).toEqual(isKnown('Mon Oct 25 22:06:14 2021'))
    expect(node.driverVersion).toEqual(isKnown('460.32.03'))
    expect(node.cudaVersion).toEqual(isKnown('11.2'))
    expect(node.attachedGpus).toEqual(isKnown(8))
    expect(node.gpus.map((gpu) => gpu.name)).toEqual(Array(8).fill(isKnown('A100-SXM4-40GB')))
    expect(node.gpus.map((gpu) => (gpu.pciBusId.known ? gpu.pciBusId.value.slice(0, 8) : null))).toEqual([
      '00000001',
      '00000002',
      '00000003',
      '00000004',
      '0000000B',
      '0000000C',
      '0000000D',
      '0000000E',
    ])
  })

  it('reads GPU 0: identity, Clocks Throttle Reasons, SRAM/DRAM ECC, remapped rows, temperatures, power', () => {
    const gpu = azure().gpus[0]
    expect(gpu?.serial).toEqual(isKnown('1323120035212'))
    expect(gpu?.uuid).toEqual(isKnown('GPU-b01e9f90-c60c-4ad1-2052-154833662357'))
    expect(gpu?.vbiosVersion).toEqual(isKnown('92.00.36.00.04'))
    expect(gpu?.clockEventReasons.idle).toEqual(isKnown(true))
    // Printed one level down, under "HW Slowdown".
    expect(gpu?.clockEventReasons.hwThermalSlowdown).toEqual(isKnown(false))
    expect(gpu?.clockEventReasons.hwPowerBrakeSlowdown).toEqual(isKnown(false))
    expect(gpu?.eccEnabled).toEqual(isKnown(true))
    expect(gpu?.ecc).toEqual({
      volatile: { correctable: isKnown(0), uncorrectable: isKnown(0) },
      aggregate: { correctable: isKnown(0), uncorrectable: isKnown(0) },
    })
    // Ampere retires no pages, it remaps rows: Retired Pages read N/A and stay unknown.
    expect(gpu?.retiredPages).toEqual({
      singleBit: isUnknown('N/A'),
      doubleBit: isUnknown('N/A'),
      pendingRetirement: isUnknown('N/A'),
    })
    expect(gpu?.remappedRows).toEqual({
      correctable: isKnown(0),
      uncorrectable: isKnown(0),
      pending: isKnown(false),
      failure: isKnown(false),
    })
    expect(gpu?.temperatureC).toEqual(isKnown(41))
    expect(gpu?.temperatureLimitsC).toEqual({ slowdown: isKnown(89), shutdown: isKnown(92), maxOperating: isKnown(85) })
    expect(gpu?.powerDrawW).toEqual(isKnown(55.63))
    expect(gpu?.powerLimitW).toEqual(isKnown(400))
    expect(gpu?.memoryTotalMiB).toEqual(isKnown(40536))
    expect(gpu?.utilizationGpuPercent).toEqual(isKnown(0))
    expect(gpu?.migMode).toEqual(isKnown(false))
    expect(gpu?.processes).toEqual([])
    // 460 prints no reset status and no recovery action.
    expect(gpu?.resetRequired).toEqual(isUnknown(null))
  })
})

describe('nvidia-smi -q -d PAGE_RETIREMENT: Azure 8-GPU node (535.86.10)', () => {
  it('orig_nvsmi8_output.txt: 8 GPUs, no pages retired, none pending; everything else absent so unknown', () => {
    const node = parsedValue(parseNvidiaSmiQText(fixture('Azure+azurehpc-health-checks/orig_nvsmi8_output.txt')))
    expect(node.driverVersion).toEqual(isKnown('535.86.10'))
    expect(node.cudaVersion).toEqual(isKnown('12.2'))
    expect(node.timestamp).toEqual(isKnown('Thu Mar 14 20:45:34 2024'))
    expect(node.gpus).toHaveLength(8)
    for (const gpu of node.gpus) {
      expect(gpu.retiredPages).toEqual({
        singleBit: isKnown(0),
        doubleBit: isKnown(0),
        pendingRetirement: isKnown(false),
      })
      expect(gpu.name).toEqual(isUnknown(null))
      expect(gpu.ecc.volatile.uncorrectable).toEqual(isUnknown(null))
    }
    expect(node.gpus[7]?.pciBusId).toEqual(isKnown('00000008:00:00.0'))
  })

  it('bad_nvsmi8_output.txt (counts edited in by its authors): retired pages and pending blacklist per GPU', () => {
    const node = parsedValue(parseNvidiaSmiQText(fixture('Azure+azurehpc-health-checks/bad_nvsmi8_output.txt')))
    expect(node.timestamp).toEqual(isKnown('Thu Mar 14 20:46:07 2024'))
    expect(node.gpus.map((gpu) => [gpu.retiredPages.singleBit, gpu.retiredPages.doubleBit])).toEqual(
      [
        [60, 5],
        [2, 61],
        [0, 0],
        [6, 0],
        [0, 0],
        [20, 45],
        [0, 0],
        [8, 56],
      ].map(([single, double]) => [isKnown(single), isKnown(double)]),
    )
    expect(node.gpus.map((gpu) => gpu.retiredPages.pendingRetirement)).toEqual(
      [false, true, false, true, false, true, false, true].map(isKnown),
    )
  })
})

const H100 = 'linux-x86_64__nvidia-h100-80gb-hbm3__590.48.01.txt'
const H100_MIG = 'linux-x86_64__nvidia-h100-mig__590.48.01.txt'
const H200 = 'linux-x86_64__nvidia-h200__590.48.01.txt'
const L40S = 'linux-x86_64__nvidia-l40s__595.80.txt'
const RTX2080 = 'windows-x86_64__nvidia-geforce-rtx-2080-super__591.86.txt'

describe('nvidia-smi -q in the nvidia_gpu_exporter captures (drivers 590/591/595)', () => {
  it.each([
    [H100, 'idle', '590.48.01', '13.1', 'NVIDIA H100 80GB HBM3', 41, 46, 69.85, 0, true, 0],
    [H100, 'load', '590.48.01', '13.1', 'NVIDIA H100 80GB HBM3', 59, 26, 629.45, 19818, false, 3],
    [H100_MIG, 'idle', '590.48.01', '13.1', 'NVIDIA H100 80GB HBM3', 42, 45, 71.27, 59, true, 0],
    [H100_MIG, 'load', '590.48.01', '13.1', 'NVIDIA H100 80GB HBM3', 53, 24, 432.21, 11125, false, 3],
    [H200, 'idle', '590.48.01', '13.1', 'NVIDIA H200', 28, 59, 77.67, 0, true, 0],
    [H200, 'load', '590.48.01', '13.1', 'NVIDIA H200', 52, 35, 627.32, 32362, false, 3],
    [L40S, 'idle', '595.80', '13.2', 'NVIDIA L40S', 64, 24, 183.28, 0, false, 0],
    [L40S, 'load', '595.80', '13.2', 'NVIDIA L40S', 54, 34, 110.24, 1235, false, 2],
    [RTX2080, 'idle', '591.86', '13.1', 'NVIDIA GeForce RTX 2080 SUPER', 40, null, 38.92, 702, true, 10],
    [RTX2080, 'load', '591.86', '13.1', 'NVIDIA GeForce RTX 2080 SUPER', 45, null, 97.49, 1296, false, 12],
  ])(
    '%s %s: driver %s CUDA %s, %s at %i C',
    (file, phase, driver, cuda, name, temp, margin, watts, used, idle, processes) => {
      const node = parsedValue(parseNvidiaSmiQText(captureSection(file, `${phase} :: query (-q)`)))
      expect(node.driverVersion).toEqual(isKnown(driver))
      expect(node.cudaVersion).toEqual(isKnown(cuda))
      expect(node.attachedGpus).toEqual(isKnown(1))
      const [gpu] = node.gpus
      expect(gpu?.name).toEqual(isKnown(name))
      expect(gpu?.temperatureC).toEqual(isKnown(temp))
      expect(gpu?.temperatureMarginC?.current).toEqual(margin === null ? isUnknown('N/A') : isKnown(margin))
      expect(gpu?.powerDrawW).toEqual(isKnown(watts))
      expect(gpu?.memoryUsedMiB).toEqual(isKnown(used))
      expect(gpu?.clockEventReasons.idle).toEqual(isKnown(idle))
      expect(gpu?.clockEventReasons.hwSlowdown).toEqual(isKnown(false))
      expect(gpu?.processes).toHaveLength(processes)
      expect(gpu?.recoveryAction).toEqual(isKnown('None'))
      expect(gpu?.resetRequired).toEqual(isKnown(false))
    },
  )

  it('H100 load: SRAM parity/SEC-DED and DRAM counters zero, remapped rows clear, T.Limit margins, 3 processes', () => {
    const [gpu] = parsedValue(parseNvidiaSmiQText(captureSection(H100, 'load :: query (-q)'))).gpus
    expect(gpu?.ecc.aggregate).toEqual({ correctable: isKnown(0), uncorrectable: isKnown(0) })
    expect(gpu?.remappedRows).toEqual({
      correctable: isKnown(0),
      uncorrectable: isKnown(0),
      pending: isKnown(false),
      failure: isKnown(false),
    })
    expect(gpu?.temperatureMarginC).toEqual({
      current: isKnown(26),
      slowdown: isKnown(-2),
      shutdown: isKnown(-8),
      maxOperating: isKnown(0),
    })
    expect(gpu?.temperatureLimitsC.shutdown).toEqual(isUnknown(null))
    expect(gpu?.powerLimitW).toEqual(isKnown(700))
    expect(gpu?.processes[2]).toEqual({
      pid: 11345,
      name: './gpu_burn',
      type: isKnown('C'),
      usedMemoryMiB: isKnown(15690),
    })
    expect(gpu?.migMode).toEqual(isKnown(false))
  })

  it('H100 MIG load: 4 MIG devices with instance ids and shared memory, utilization and remapped rows N/A', () => {
    const [gpu] = parsedValue(parseNvidiaSmiQText(captureSection(H100_MIG, 'load :: query (-q)'))).gpus
    expect(gpu?.migMode).toEqual(isKnown(true))
    expect(gpu?.migDevices).toEqual([
      { index: 0, gpuInstanceId: isKnown(2), computeInstanceId: isKnown(0), memoryTotalMiB: isKnown(40448) },
      { index: 1, gpuInstanceId: isKnown(3), computeInstanceId: isKnown(0), memoryTotalMiB: isKnown(20096) },
      { index: 2, gpuInstanceId: isKnown(9), computeInstanceId: isKnown(0), memoryTotalMiB: isKnown(9984) },
      { index: 3, gpuInstanceId: isKnown(10), computeInstanceId: isKnown(0), memoryTotalMiB: isKnown(9984) },
    ])
    expect(gpu?.utilizationGpuPercent).toEqual(isUnknown('N/A'))
    expect(gpu?.remappedRows.pending).toEqual(isUnknown('N/A'))
    expect(gpu?.ecc.volatile.uncorrectable).toEqual(isKnown(0))
    expect(gpu?.processes.map((process) => [process.pid, process.name, process.usedMemoryMiB])).toEqual([
      [21180, '/root/tools/memhog', isKnown(2296)],
      [21181, '/root/tools/memhog', isKnown(1272)],
      [21198, './gpu_burn', isKnown(7484)],
    ])
  })

  it('L40S idle: remapped rows with the extra Inactive lines, SW power capping counted but not active now', () => {
    const [gpu] = parsedValue(parseNvidiaSmiQText(captureSection(L40S, 'idle :: query (-q)'))).gpus
    expect(gpu?.remappedRows.correctable).toEqual(isKnown(0))
    expect(gpu?.remappedRows.failure).toEqual(isKnown(false))
    expect(gpu?.clockEventReasons.swPowerCap).toEqual(isKnown(false))
    expect(gpu?.migMode).toEqual(isUnknown('N/A'))
    expect(gpu?.temperatureMarginC?.shutdown).toEqual(isKnown(-5))
  })

  it('RTX 2080 SUPER on Windows: absolute thresholds, ECC N/A, WDDM process memory unknown', () => {
    const [gpu] = parsedValue(parseNvidiaSmiQText(captureSection(RTX2080, 'idle :: query (-q)'))).gpus
    expect(gpu?.temperatureLimitsC).toEqual({
      slowdown: isKnown(97),
      shutdown: isKnown(100),
      maxOperating: isKnown(89),
    })
    expect(gpu?.ecc.volatile.uncorrectable).toEqual(isUnknown('N/A'))
    expect(gpu?.eccEnabled).toEqual(isUnknown('N/A'))
    expect(gpu?.serial).toEqual(isUnknown('N/A'))
    expect(gpu?.processes[0]).toEqual({
      pid: 2056,
      name: 'C:\\Windows\\System32\\dwm.exe',
      type: isKnown('C+G'),
      usedMemoryMiB: isUnknown('Not available in WDDM driver model'),
    })
  })
})
