// Hand-built snapshots for the health tests: every Reading known and healthy by default, so each test row
// states only what it breaks (a value, or an unknown in its place).
import { known, type Reading, unknown } from '../../src/common/readings'
import type { DiagReport, GpuSnapshot, NodeSnapshot, XidEvent } from '../../src/model'

export const NA: Reading<never> = unknown('N/A')

export function gpu(index: number): GpuSnapshot {
  return {
    index,
    uuid: known(`GPU-0000000${index}-aaaa-bbbb-cccc-dddddddddddd`),
    name: known('NVIDIA H100 80GB HBM3'),
    pciBusId: known(`00000000:${(0x18 + index * 0x10).toString(16).toUpperCase()}:00.0`),
    serial: known(`13240000000${index}`),
    vbiosVersion: known('96.00.99.00.01'),
    temperatureC: known(40),
    temperatureLimitsC: { slowdown: known(87), shutdown: known(92), maxOperating: known(85) },
    powerDrawW: known(120),
    powerLimitW: known(700),
    memoryTotalMiB: known(81559),
    memoryUsedMiB: known(0),
    utilizationGpuPercent: known(0),
    clockEventReasons: {
      idle: known(true),
      applicationsClocksSetting: known(false),
      swPowerCap: known(false),
      hwSlowdown: known(false),
      hwThermalSlowdown: known(false),
      hwPowerBrakeSlowdown: known(false),
      syncBoost: known(false),
      swThermalSlowdown: known(false),
      displayClockSetting: known(false),
    },
    ecc: {
      volatile: { correctable: known(0), uncorrectable: known(0) },
      aggregate: { correctable: known(0), uncorrectable: known(0) },
    },
    retiredPages: { singleBit: known(0), doubleBit: known(0), pendingRetirement: known(false) },
    remappedRows: { correctable: known(0), uncorrectable: known(0), pending: known(false), failure: known(false) },
    resetRequired: known(false),
    migMode: known(false),
    migDevices: [],
    processes: [],
  }
}

/** A healthy node on driver 570.124.06 / CUDA 12.8 with `count` GPUs. */
export function snapshot(count = 4): NodeSnapshot {
  return {
    timestamp: known('Mon Jun  2 10:00:00 2031'),
    driverVersion: known('570.124.06'),
    cudaVersion: known('12.8'),
    attachedGpus: known(count),
    gpus: Array.from({ length: count }, (_, index) => gpu(index)),
  }
}

/** The GPU at `index`, for a row's edit; throws so a wrong index cannot silently edit nothing. */
export function gpuAt(node: NodeSnapshot, index: number): GpuSnapshot {
  const found = node.gpus.find((candidate) => candidate.index === index)
  if (!found) throw new Error(`no GPU ${index} in the test snapshot`)
  return found
}

export function xid(xidCode: number, pciBusId: string, at: string | null = '2031-06-02T10:30:00Z'): XidEvent {
  return { at, pciBusId, xid: xidCode, pid: null, processName: null, message: `Xid ${xidCode}`, line: 1 }
}

export function diag(overrides: Partial<DiagReport> = {}): DiagReport {
  return {
    level: known(3),
    dcgmVersion: known('4.2.3'),
    driverVersion: known('570.124.06'),
    gpuIds: [0, 1, 2, 3],
    tests: [
      { category: 'Hardware', name: 'Memory', verdict: 'pass', gpus: [], info: [], warnings: [] },
      { category: 'Stress', name: 'Targeted Stress', verdict: 'pass', gpus: [], info: [], warnings: [] },
    ],
    overall: 'pass',
    ...overrides,
  }
}
