// Every plain `nvidia-smi` table fixture (the 79-column 460 layout with an infoROM warning, and the
// 91-column 590/591/595 layouts with MIG and Windows process tables) read with values from that file.
import { describe, expect, it } from 'vitest'
import { parseNvidiaSmiTable } from '../../src/nvidia-smi'
import { captureSection, errorOf, fixture, isKnown, isUnknown, parsedValue } from './fixtures'

const INFOROM = fixture('Azure+azhpc-diagnostics/nvidia-smi-inforom.out')

describe('nvidia-smi table: Azure NDv2, 8x V100 on 460.32.03 with a corrupted infoROM', () => {
  it('reads the banner, 8 GPUs with truncated names, volatile uncorrectable ECC and the infoROM warning', () => {
    const result = parseNvidiaSmiTable(INFOROM)
    const node = parsedValue(result)
    expect(node.timestamp).toEqual(isKnown('Fri Jun 11 19:27:00 2021'))
    expect(node.driverVersion).toEqual(isKnown('460.32.03'))
    expect(node.cudaVersion).toEqual(isKnown('11.2'))
    // The table does not say how many GPUs are attached.
    expect(node.attachedGpus).toEqual(isUnknown(null))
    expect(node.gpus.map((gpu) => gpu.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    // "Tesla V100-SXM2..." is what the table kept of the name; the full name is not known.
    expect(node.gpus.map((gpu) => gpu.name)).toEqual(Array(8).fill(isUnknown('Tesla V100-SXM2...')))
    expect(node.gpus.map((gpu) => gpu.temperatureC)).toEqual([40, 40, 43, 39, 38, 42, 42, 41].map(isKnown))
    expect(node.gpus.map((gpu) => gpu.powerDrawW)).toEqual([43, 43, 44, 41, 40, 42, 42, 42].map(isKnown))
    expect(node.gpus.map((gpu) => gpu.ecc.volatile.uncorrectable)).toEqual(Array(8).fill(isKnown(0)))
    expect(node.gpus[7]?.pciBusId).toEqual(isKnown('00000008:00:00.0'))
    expect(node.gpus[0]?.powerLimitW).toEqual(isKnown(300))
    expect(node.gpus[0]?.memoryTotalMiB).toEqual(isKnown(32510))
    expect(node.gpus[0]?.memoryUsedMiB).toEqual(isKnown(0))
    expect(node.gpus[0]?.utilizationGpuPercent).toEqual(isKnown(0))
    expect(node.gpus[0]?.migMode).toEqual(isUnknown('N/A'))
    // Not in the table: unknown, never "not throttled" or "no errors".
    expect(node.gpus[0]?.clockEventReasons.hwSlowdown).toEqual(isUnknown(null))
    expect(node.gpus[0]?.ecc.aggregate.uncorrectable).toEqual(isUnknown(null))
    expect(node.gpus.every((gpu) => gpu.processes.length === 0)).toBe(true)
    expect(result.ok && result.warnings).toContain('nvidia-smi: WARNING: infoROM is corrupted at gpu 0008:00:00.0')
  })
})

const H100 = 'linux-x86_64__nvidia-h100-80gb-hbm3__590.48.01.txt'
const H100_MIG = 'linux-x86_64__nvidia-h100-mig__590.48.01.txt'
const H200 = 'linux-x86_64__nvidia-h200__590.48.01.txt'
const L40S = 'linux-x86_64__nvidia-l40s__595.80.txt'
const RTX2080 = 'windows-x86_64__nvidia-geforce-rtx-2080-super__591.86.txt'
const table = (file: string, phase: string) =>
  parsedValue(parseNvidiaSmiTable(captureSection(file, `${phase} :: nvidia-smi (default table)`)))

describe('nvidia-smi table in the nvidia_gpu_exporter captures', () => {
  it.each([
    [H100, 'idle', '590.48.01', '13.1', 'NVIDIA H100 80GB HBM3', 41, 69, 700, 0, 81559, isKnown(0), 0],
    [H100, 'load', '590.48.01', '13.1', 'NVIDIA H100 80GB HBM3', 59, 629, 700, 19818, 81559, isKnown(100), 3],
    [H100_MIG, 'idle', '590.48.01', '13.1', 'NVIDIA H100 80GB HBM3', 42, 98, 700, 59, 81559, isUnknown('N/A'), 0],
    [H100_MIG, 'load', '590.48.01', '13.1', 'NVIDIA H100 80GB HBM3', 52, 432, 700, 11125, 81559, isUnknown('N/A'), 3],
    [H200, 'idle', '590.48.01', '13.1', 'NVIDIA H200', 28, 77, 700, 0, 143771, isKnown(0), 0],
    [H200, 'load', '590.48.01', '13.1', 'NVIDIA H200', 52, 628, 700, 32362, 143771, isKnown(100), 3],
    [L40S, 'idle', '595.80', '13.2', 'NVIDIA L40S', 64, 242, 350, 0, 46068, isKnown(100), 0],
    [L40S, 'load', '595.80', '13.2', 'NVIDIA L40S', 54, 110, 350, 1235, 46068, isKnown(9), 2],
  ])(
    '%s %s: driver %s CUDA %s, %s at %i C',
    (file, phase, driver, cuda, name, temp, watts, cap, used, total, util, processes) => {
      const node = table(file, phase)
      expect(node.driverVersion).toEqual(isKnown(driver))
      expect(node.cudaVersion).toEqual(isKnown(cuda))
      expect(node.gpus).toHaveLength(1)
      const [gpu] = node.gpus
      expect(gpu?.name).toEqual(isKnown(name))
      expect(gpu?.temperatureC).toEqual(isKnown(temp))
      expect(gpu?.powerDrawW).toEqual(isKnown(watts))
      expect(gpu?.powerLimitW).toEqual(isKnown(cap))
      expect(gpu?.memoryUsedMiB).toEqual(isKnown(used))
      expect(gpu?.memoryTotalMiB).toEqual(isKnown(total))
      expect(gpu?.utilizationGpuPercent).toEqual(util)
      expect(gpu?.processes).toHaveLength(processes)
    },
  )

  it('H100 load: ECC 0, MIG Disabled, processes with GI/CI N/A', () => {
    const [gpu] = table(H100, 'load').gpus
    expect(gpu?.ecc.volatile.uncorrectable).toEqual(isKnown(0))
    expect(gpu?.migMode).toEqual(isKnown(false))
    expect(gpu?.pciBusId).toEqual(isKnown('00000000:00:09.0'))
    expect(gpu?.processes).toEqual([
      { pid: 11327, name: '/root/tools/memhog', type: isKnown('C'), usedMemoryMiB: isKnown(2566) },
      { pid: 11328, name: '/root/tools/memhog', type: isKnown('C'), usedMemoryMiB: isKnown(1542) },
      { pid: 11345, name: './gpu_burn', type: isKnown('C'), usedMemoryMiB: isKnown(15690) },
    ])
  })

  it('H100 MIG load: the MIG devices table, and "On" in the ECC column read as unknown, not a count', () => {
    const [gpu] = table(H100_MIG, 'load').gpus
    expect(gpu?.migMode).toEqual(isKnown(true))
    expect(gpu?.ecc.volatile.uncorrectable).toEqual(isUnknown('On'))
    expect(gpu?.migDevices).toEqual([
      { index: 0, gpuInstanceId: isKnown(2), computeInstanceId: isKnown(0), memoryTotalMiB: isKnown(40448) },
      { index: 1, gpuInstanceId: isKnown(3), computeInstanceId: isKnown(0), memoryTotalMiB: isKnown(20096) },
      { index: 2, gpuInstanceId: isKnown(9), computeInstanceId: isKnown(0), memoryTotalMiB: isKnown(9984) },
      { index: 3, gpuInstanceId: isKnown(10), computeInstanceId: isKnown(0), memoryTotalMiB: isKnown(9984) },
    ])
    expect(gpu?.processes.map((process) => [process.pid, process.usedMemoryMiB])).toEqual([
      [21180, isKnown(2296)],
      [21181, isKnown(1272)],
      [21198, isKnown(7484)],
    ])
  })

  it.each([
    ['idle', 40, 38, 702, 10],
    ['load', 45, 97, 1296, 12],
  ])(
    'RTX 2080 SUPER Windows %s: WDDM driver model column, fan %%, truncated name, process memory N/A',
    (phase, temp, watts, used, processes) => {
      const result = parseNvidiaSmiTable(captureSection(RTX2080, `${phase} :: nvidia-smi (default table)`))
      const node = parsedValue(result)
      expect(node.driverVersion).toEqual(isKnown('591.86'))
      expect(node.cudaVersion).toEqual(isKnown('13.1'))
      const [gpu] = node.gpus
      expect(gpu?.name).toEqual(isUnknown('NVIDIA GeForce RTX 2080 ...'))
      expect(result.ok && result.warnings).toContain(
        'line 9: GPU 0 name truncated by nvidia-smi: "NVIDIA GeForce RTX 2080 ..."',
      )
      expect(gpu?.temperatureC).toEqual(isKnown(temp))
      expect(gpu?.powerDrawW).toEqual(isKnown(watts))
      expect(gpu?.memoryUsedMiB).toEqual(isKnown(used))
      expect(gpu?.ecc.volatile.uncorrectable).toEqual(isUnknown('N/A'))
      expect(gpu?.processes).toHaveLength(processes)
      expect(gpu?.processes[1]).toEqual({
        pid: 4680,
        name: '...e Experience\\NVIDIA Share.exe',
        type: isKnown('C+G'),
        usedMemoryMiB: isUnknown('N/A'),
      })
    },
  )
})

// The pre-450 layout: two rows per GPU (no MIG column) and processes without GI/CI columns.
const PRE_450 = `Thu Jan  9 10:00:00 2020
+-----------------------------------------------------------------------------+
| NVIDIA-SMI 418.87.01    Driver Version: 418.87.01    CUDA Version: 10.1     |
|-------------------------------+----------------------+----------------------+
| GPU  Name        Persistence-M| Bus-Id        Disp.A | Volatile Uncorr. ECC |
| Fan  Temp  Perf  Pwr:Usage/Cap|         Memory-Usage | GPU-Util  Compute M. |
|===============================+======================+======================|
|   0  Tesla P100-PCIE...  Off  | 00000000:3B:00.0 Off |                    2 |
| N/A   34C    P0    31W / 250W |   1024MiB / 16280MiB |     45%      Default |
+-------------------------------+----------------------+----------------------+
|   1  Tesla P100-PCIE...  Off  | 00000000:D8:00.0 Off |                    0 |
| N/A   ERR!   P0   ERR! / 250W |      0MiB / 16280MiB |      0%      Default |
+-------------------------------+----------------------+----------------------+

+-----------------------------------------------------------------------------+
| Processes:                                                       GPU Memory |
|  GPU       PID   Type   Process name                             Usage      |
|=============================================================================|
|    0     12345      C   python train.py                             1013MiB |
+-----------------------------------------------------------------------------+
`

describe('nvidia-smi table: older layout and broken input', () => {
  it('reads two-row GPU blocks, an ECC count, ERR! as unknown with a warning, and GI/CI-less processes', () => {
    const result = parseNvidiaSmiTable(PRE_450)
    const node = parsedValue(result)
    expect(node.driverVersion).toEqual(isKnown('418.87.01'))
    expect(node.gpus.map((gpu) => gpu.ecc.volatile.uncorrectable)).toEqual([isKnown(2), isKnown(0)])
    expect(node.gpus[0]?.migMode).toEqual(isUnknown(null))
    expect(node.gpus[1]?.temperatureC).toEqual(isUnknown('ERR!'))
    expect(node.gpus[1]?.powerDrawW).toEqual(isUnknown('ERR!'))
    expect(result.ok && result.warnings).toContain('line 11: GPU 1 shows ERR! (nvidia-smi could not read it)')
    expect(node.gpus[0]?.processes).toEqual([
      { pid: 12345, name: 'python train.py', type: isKnown('C'), usedMemoryMiB: isKnown(1013) },
    ])
  })

  it('rejects an empty string, text without a banner, and binary garbage', () => {
    expect(errorOf(parseNvidiaSmiTable('')).where).toBe('line 1')
    expect(errorOf(parseNvidiaSmiTable('total 0\ndrwxr-xr-x 2 root root 40 .\n')).message).toMatch(/no "NVIDIA-SMI/)
    const garbage = String.fromCharCode(...Array.from({ length: 300 }, (_, index) => (index * 71 + 5) % 256))
    expect(errorOf(parseNvidiaSmiTable(garbage)).format).toBe('nvidia-smi-table')
  })

  it('rejects a table cut right after its header, and a GPU row it cannot read', () => {
    const cut = INFOROM.split('|   0  Tesla')[0] ?? ''
    expect(errorOf(parseNvidiaSmiTable(cut)).message).toMatch(/lists no GPU/)
    const garbled = INFOROM.replace('|   0  Tesla V100-SXM2...  Off  |', '|   zero  Tesla V100-SXM2...   |')
    const error = errorOf(parseNvidiaSmiTable(garbled))
    expect(error.where).toBe('line 9')
    expect(error.message).toMatch(/GPU row not understood/)
  })

  it('reports nvidia-smi failing instead of printing a table', () => {
    const error = errorOf(
      parseNvidiaSmiTable(
        "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.\n\n",
      ),
    )
    expect(error.message).toMatch(/nvidia-smi reported a failure/)
  })
})
