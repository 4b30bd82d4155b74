// Every `nvidia-smi -q -x` fixture (DTD v10 to v13, drivers 418 to 595) read with values taken from
// that file, plus what a health gate depends on: N/A stays unknown, never 0.
import { describe, expect, it } from 'vitest'
import { parseNvidiaSmiXml } from '../../src/nvidia-smi'
import { fixture, isKnown, isUnknown, parsedValue } from './fixtures'

const xml = (path: string) => parseNvidiaSmiXml(fixture(path))
const node = (path: string) => parsedValue(xml(path))
const gpu = (path: string, index = 0) => {
  const found = node(path).gpus[index]
  if (!found) expect.fail(`${path} has no GPU ${index}`)
  return found
}

describe('nvidia-smi -q -x fixtures: node header and GPUs', () => {
  it.each([
    ['a0s+nvidia-smi-exporter/nvidia-smi-3.xml', '460.27.04', '11.2', 2, ['GeForce GTX 1080', 'GeForce GTX 1080']],
    ['influxdata+telegraf/a100-sxm4-v12.xml', '535.54.03', '12.2', 4, ['NVIDIA A100-SXM4-80GB']],
    ['influxdata+telegraf/a10g.xml', '515.105.01', '11.7', 1, ['NVIDIA A10G']],
    ['influxdata+telegraf/gt-1030.xml', '470.74', '11.4', 1, ['NVIDIA GeForce GT 1030']],
    ['influxdata+telegraf/quadro-p2000-v12.xml', '525.125.06', '12.0', 1, ['Quadro P2000']],
    ['influxdata+telegraf/quadro-p400.xml', '418.43', '10.1', 1, ['Quadro P400']],
    ['influxdata+telegraf/rtx-3060-v12.xml', '570.124.04', '12.8', 1, ['NVIDIA GeForce RTX 3060']],
    ['influxdata+telegraf/rtx-3080-v12.xml', '536.40', '12.2', 1, ['NVIDIA GeForce RTX 3080']],
    ['influxdata+telegraf/rtx-3080-v13.xml', '595.58.03', '13.2', 1, ['NVIDIA GeForce RTX 3080']],
    ['influxdata+telegraf/rtx-3090-v12.xml', '525.147.05', '12.0', 1, ['NVIDIA GeForce RTX 3090']],
    ['influxdata+telegraf/rtx-4000-sff-ada-v13.xml', '595.84', '13.2', 1, ['NVIDIA RTX 4000 SFF Ada Generation']],
    ['influxdata+telegraf/tesla-t4.xml', '515.105.01', '11.7', 1, ['Tesla T4']],
    ['influxdata+telegraf/tesla_p4.xml', '513.46', '11.6', 1, ['GRID P4-1Q']],
    ['lampaa+nvidia-smi-rest/smi_test_5.xml', '440.59', '10.2', 1, ['GeForce GT 730']],
    ['lampaa+nvidia-smi-rest/smi_test_6.xml', '450.80.02', '11.0', 1, ['Quadro P2200']],
  ])('%s: driver %s, CUDA %s, %i attached, names', (path, driver, cuda, attached, names) => {
    const result = node(path)
    expect(result.driverVersion).toEqual(isKnown(driver))
    expect(result.cudaVersion).toEqual(isKnown(cuda))
    expect(result.attachedGpus).toEqual(isKnown(attached))
    expect(result.gpus.map((each) => each.name)).toEqual(names.map(isKnown))
    expect(result.gpus.map((each) => each.index)).toEqual(names.map((_, index) => index))
  })
})

describe('nvidia-smi -q -x fixtures: per-file values', () => {
  it('GTX 1080 pair (v11, 460): SW power cap active on both GPUs, power draw against its cap, 2 processes each', () => {
    const { gpus, timestamp } = node('a0s+nvidia-smi-exporter/nvidia-smi-3.xml')
    expect(timestamp).toEqual(isKnown('Sat Feb 27 02:47:26 2021'))
    expect(gpus.map((each) => each.clockEventReasons.swPowerCap)).toEqual([isKnown(true), isKnown(true)])
    expect(gpus.map((each) => each.clockEventReasons.hwSlowdown)).toEqual([isKnown(false), isKnown(false)])
    expect(gpus[0]?.powerDrawW).toEqual(isKnown(211.86))
    expect(gpus[0]?.powerLimitW).toEqual(isKnown(216))
    expect(gpus[1]?.temperatureC).toEqual(isKnown(70))
    expect(gpus[0]?.processes[1]).toEqual({
      pid: 8991,
      name: '/opt/nbminer/nbminer',
      type: isKnown('C'),
      usedMemoryMiB: isKnown(2883),
    })
    // A consumer card: ECC counters are N/A, which must not read as "no errors".
    expect(gpus[0]?.ecc.aggregate.uncorrectable).toEqual(isUnknown('N/A'))
    expect(gpus[0]?.serial).toEqual(isUnknown('N/A'))
  })

  it('A100 SXM4 80GB (v12, 535): MIG on with 4 devices, SRAM/DRAM ECC zero, reset not required, one of 4 GPUs kept', () => {
    const result = xml('influxdata+telegraf/a100-sxm4-v12.xml')
    expect(result.ok && result.warnings).toContain('attached_gpus says 4 but the output holds 1 <gpu> elements')
    const a100 = gpu('influxdata+telegraf/a100-sxm4-v12.xml')
    expect(a100.migMode).toEqual(isKnown(true))
    expect(a100.migDevices).toEqual(
      [3, 4, 5, 6].map((instance, index) => ({
        index,
        gpuInstanceId: isKnown(instance),
        computeInstanceId: isKnown(0),
        memoryTotalMiB: isKnown(19968),
      })),
    )
    expect(a100.ecc).toEqual({
      volatile: { correctable: isKnown(0), uncorrectable: isKnown(0) },
      aggregate: { correctable: isKnown(0), uncorrectable: isKnown(0) },
    })
    expect(a100.eccEnabled).toEqual(isKnown(true))
    expect(a100.resetRequired).toEqual(isKnown(false))
    expect(a100.drainAndResetRecommended).toEqual(isKnown(false))
    expect(a100.clockEventReasons.hwSlowdown).toEqual(isKnown(false))
    expect(a100.temperatureLimitsC).toEqual({ slowdown: isKnown(89), shutdown: isKnown(92), maxOperating: isKnown(85) })
    expect(a100.powerDrawW).toEqual(isKnown(67.03))
    expect(a100.powerLimitW).toEqual(isKnown(500))
    // Utilization reads N/A under MIG; remapped rows and retired pages are N/A in this capture.
    expect(a100.utilizationGpuPercent).toEqual(isUnknown('N/A'))
    expect(a100.remappedRows.pending).toEqual(isUnknown('N/A'))
    expect(a100.retiredPages.doubleBit).toEqual(isUnknown('N/A'))
    expect(a100.serial).toEqual(isKnown('1650522003820'))
    expect(a100.uuid).toEqual(isKnown('GPU-513536b6-7d19-9063-b049-1e69664bb298'))
  })

  it('A10G (v11, 515): idle throttle active, remapped rows all clear, retired pages N/A, one Xorg process', () => {
    const a10g = gpu('influxdata+telegraf/a10g.xml')
    expect(a10g.clockEventReasons.idle).toEqual(isKnown(true))
    expect(a10g.remappedRows).toEqual({
      correctable: isKnown(0),
      uncorrectable: isKnown(0),
      pending: isKnown(false),
      failure: isKnown(false),
    })
    expect(a10g.retiredPages.singleBit).toEqual(isUnknown('N/A'))
    expect(a10g.ecc.volatile.uncorrectable).toEqual(isKnown(0))
    expect(a10g.processes).toEqual([
      { pid: 725, name: '/usr/lib/xorg/Xorg', type: isKnown('G'), usedMemoryMiB: isKnown(22) },
    ])
    expect(a10g.memoryTotalMiB).toEqual(isKnown(23028))
    expect(a10g.pciBusId).toEqual(isKnown('00000000:00:1E.0'))
  })

  it('GT 1030 (v11, 470): power draw N/A is unknown while its limit is read, 10 graphics processes', () => {
    const gt1030 = gpu('influxdata+telegraf/gt-1030.xml')
    expect(gt1030.powerDrawW).toEqual(isUnknown('N/A'))
    expect(gt1030.powerLimitW).toEqual(isKnown(30))
    expect(gt1030.processes).toHaveLength(10)
    expect(gt1030.processes.every((process) => process.type.known && process.type.value === 'G')).toBe(true)
    expect(gt1030.clockEventReasons.idle).toEqual(isKnown(true))
    expect(gt1030.ecc.volatile.correctable).toEqual(isUnknown('N/A'))
  })

  it('Quadro P2000 (v12, 525): old single/double-bit ECC layout all N/A, throttle reasons under the old names', () => {
    const p2000 = gpu('influxdata+telegraf/quadro-p2000-v12.xml')
    expect(p2000.ecc.volatile).toEqual({ correctable: isUnknown('N/A'), uncorrectable: isUnknown('N/A') })
    expect(p2000.clockEventReasons.idle).toEqual(isKnown(true))
    expect(p2000.clockEventReasons.swThermalSlowdown).toEqual(isKnown(false))
    expect(p2000.powerDrawW).toEqual(isKnown(4.61))
    expect(p2000.temperatureLimitsC.shutdown).toEqual(isKnown(104))
    expect(p2000.processes).toEqual([])
  })

  it('Quadro P400 (no DOCTYPE, 418): no remapped_rows or MIG elements at all, so those are unknown, not clear', () => {
    const p400 = gpu('influxdata+telegraf/quadro-p400.xml')
    expect(p400.remappedRows.pending).toEqual(isUnknown(null))
    expect(p400.migMode).toEqual(isUnknown(null))
    expect(p400.retiredPages.pendingRetirement).toEqual(isUnknown('N/A'))
    expect(p400.powerDrawW).toEqual(isUnknown('N/A'))
    expect(p400.clockEventReasons.idle).toEqual(isKnown(true))
    expect(p400.temperatureC).toEqual(isKnown(33))
  })

  it('RTX 3060 (v12, 570): average/instant power draws, SRAM uncorrectable split in parity and SEC-DED, reset from recovery action', () => {
    const rtx3060 = gpu('influxdata+telegraf/rtx-3060-v12.xml')
    expect(rtx3060.powerDrawW).toEqual(isKnown(11.6))
    expect(rtx3060.powerLimitW).toEqual(isKnown(170))
    expect(rtx3060.ecc.aggregate.uncorrectable).toEqual(isUnknown('N/A'))
    expect(rtx3060.recoveryAction).toEqual(isKnown('None'))
    // reset_required says "Requested functionality has been deprecated"; the recovery action decides.
    expect(rtx3060.resetRequired).toEqual(isKnown(false))
    expect(rtx3060.clockEventReasons.idle).toEqual(isKnown(true))
  })

  it('RTX 3080 Windows (v12, 536.40): gpu_power_readings with power_draw, 5 processes, reset not required', () => {
    const rtx3080 = gpu('influxdata+telegraf/rtx-3080-v12.xml')
    expect(rtx3080.powerDrawW).toEqual(isKnown(22.78))
    expect(rtx3080.powerLimitW).toEqual(isKnown(336))
    expect(rtx3080.processes.map((process) => process.pid)).toEqual([835, 1481, 2214, 4044, 42416])
    expect(rtx3080.resetRequired).toEqual(isKnown(false))
    expect(rtx3080.drainAndResetRecommended).toEqual(isUnknown('N/A'))
    expect(rtx3080.temperatureLimitsC.maxOperating).toEqual(isKnown(93))
  })

  it('RTX 3080 (v13, 595): clocks_event_reasons, under load at 65% with 142 W instant / 139.62 W average', () => {
    const rtx3080 = gpu('influxdata+telegraf/rtx-3080-v13.xml')
    expect(rtx3080.utilizationGpuPercent).toEqual(isKnown(65))
    expect(rtx3080.powerDrawW).toEqual(isKnown(139.62))
    expect(rtx3080.clockEventReasons.idle).toEqual(isKnown(false))
    expect(rtx3080.clockEventReasons.hwPowerBrakeSlowdown).toEqual(isKnown(false))
    expect(rtx3080.migDevices).toEqual([])
    expect(rtx3080.recoveryAction).toEqual(isKnown('None'))
    expect(rtx3080.resetRequired).toEqual(isKnown(false))
    expect(rtx3080.serial).toEqual(isKnown('REDACTED'))
  })

  it('RTX 3090 (v12, 525): enforced power limit 200 W below the 350 W default', () => {
    const rtx3090 = gpu('influxdata+telegraf/rtx-3090-v12.xml')
    expect(rtx3090.powerLimitW).toEqual(isKnown(200))
    expect(rtx3090.powerDrawW).toEqual(isKnown(27.23))
    expect(rtx3090.memoryTotalMiB).toEqual(isKnown(24576))
    expect(rtx3090.clockEventReasons.idle).toEqual(isKnown(true))
  })

  it('RTX 4000 SFF Ada (v13, 595): temperatures against T.Limit, ECC disabled so counters unknown, 4 processes', () => {
    const ada = gpu('influxdata+telegraf/rtx-4000-sff-ada-v13.xml')
    expect(ada.temperatureC).toEqual(isKnown(38))
    expect(ada.temperatureMarginC).toEqual({
      current: isKnown(49),
      slowdown: isKnown(-2),
      shutdown: isKnown(-7),
      maxOperating: isKnown(0),
    })
    // Only T.Limit-relative thresholds are printed; the absolute ones are absent, so unknown.
    expect(ada.temperatureLimitsC.shutdown).toEqual(isUnknown(null))
    expect(ada.eccEnabled).toEqual(isKnown(false))
    expect(ada.ecc.volatile.uncorrectable).toEqual(isUnknown('N/A'))
    expect(ada.remappedRows.failure).toEqual(isKnown(false))
    expect(ada.processes.map((process) => [process.pid, process.type])).toEqual([
      [1842, isKnown('G')],
      [3190, isKnown('G')],
      [4937, isKnown('C')],
      [34626, isKnown('C+G')],
    ])
  })

  it('Tesla T4 (v11, 515): ECC on with zero SRAM/DRAM counts, retired pages 0/0 and none pending', () => {
    const t4 = gpu('influxdata+telegraf/tesla-t4.xml')
    expect(t4.ecc.aggregate).toEqual({ correctable: isKnown(0), uncorrectable: isKnown(0) })
    expect(t4.retiredPages).toEqual({ singleBit: isKnown(0), doubleBit: isKnown(0), pendingRetirement: isKnown(false) })
    expect(t4.remappedRows.correctable).toEqual(isUnknown('N/A'))
    expect(t4.processes.map((process) => process.name)).toEqual(['/usr/lib/xorg/Xorg', 'python'])
    expect(t4.clockEventReasons.idle).toEqual(isKnown(false))
  })

  it('GRID P4-1Q vGPU guest (v11, 513): throttle section N/A, 13 processes with memory N/A', () => {
    const p4 = gpu('influxdata+telegraf/tesla_p4.xml')
    expect(p4.clockEventReasons.hwSlowdown).toEqual(isUnknown('N/A'))
    expect(p4.powerDrawW).toEqual(isUnknown('N/A'))
    expect(p4.processes).toHaveLength(13)
    expect(p4.processes.at(-1)).toEqual({
      pid: 15104,
      name: 'C:\\Windows\\explorer.exe',
      type: isKnown('C+G'),
      usedMemoryMiB: isUnknown('N/A'),
    })
  })

  it('GT 730 (v10, 440): oldest DTD, no MIG element, processes N/A, utilization N/A', () => {
    const gt730 = gpu('lampaa+nvidia-smi-rest/smi_test_5.xml')
    expect(gt730.migMode).toEqual(isUnknown(null))
    expect(gt730.processes).toEqual([])
    expect(gt730.utilizationGpuPercent).toEqual(isUnknown('N/A'))
    expect(gt730.clockEventReasons.idle).toEqual(isUnknown('N/A'))
    expect(gt730.temperatureC).toEqual(isKnown(44))
    expect(gt730.memoryTotalMiB).toEqual(isKnown(2001))
  })

  it('Quadro P2200 (v11, 450): one Plex transcoder process with a space in its name', () => {
    const p2200 = gpu('lampaa+nvidia-smi-rest/smi_test_6.xml')
    expect(p2200.processes).toEqual([
      { pid: 6439, name: '/usr/lib/plexmediaserver/Plex Transcoder', type: isKnown('C'), usedMemoryMiB: isKnown(1166) },
    ])
    expect(p2200.powerDrawW).toEqual(isKnown(28.35))
    expect(p2200.clockEventReasons.swPowerCap).toEqual(isKnown(false))
    expect(p2200.serial).toEqual(isKnown('1420820005026'))
  })
})
