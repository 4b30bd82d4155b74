// In-process and exhaustive where the child-process tests sample: every driver in the compatibility table
// (from 525) and a few between its rows, on every model, renders outputs that parse without a warning, report
// the CUDA release the table gives, and use the element names of that driver's layout.
import {
  CUDA_DRIVER_TABLE,
  compareDriverVersions,
  parseDcgmDiagJson,
  parseNvidiaSmiQueryCsv,
  parseNvidiaSmiTable,
  parseNvidiaSmiXml,
} from '@cabinet/gpu'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { cudaVersionFor, OLDEST_SIMULATED_DRIVER } from '../src/hardware/driver'
import { GPU_MODEL_KEYS, GPU_MODELS } from '../src/hardware/models'
import { renderDiagJson, renderHealthJson } from '../src/render/dcgm'
import { renderNvidiaSmiXml } from '../src/render/nvidia-smi-xml'
import { renderQueryGpuCsv } from '../src/render/query-csv'
import { renderNvidiaSmiTable } from '../src/render/table'
import { createNodeState } from '../src/state/lifecycle'
import { viewNode } from '../src/state/view'
import { knownValue } from './helpers'

const NOW = new Date('2026-03-02T10:15:00Z')
const TABLE_DRIVERS = CUDA_DRIVER_TABLE.map((row) => row.minimumDriver).filter(
  (driver) => compareDriverVersions(driver, OLDEST_SIMULATED_DRIVER) >= 0,
)
/** Drivers between table rows, including branches with no row of their own (545 has one, 560.x, 575, 595). */
const BETWEEN = ['535.54.03', '535.183.01', '550.163.01', '560.35.03', '570.172.08', '575.57.08', '595.58.03']
const DRIVERS = [...new Set([...TABLE_DRIVERS, ...BETWEEN])]

function render(model: (typeof GPU_MODEL_KEYS)[number], driver: string) {
  const view = viewNode(createNodeState({ hostname: `matrix-${model}`, model, gpus: 8, driver }, NOW), NOW)
  return { view, xml: renderNvidiaSmiXml(view) }
}

describe('render matrix', () => {
  it('reports, for each table row, the CUDA release whose minimum driver that row names', () => {
    for (const row of CUDA_DRIVER_TABLE.filter((candidate) => TABLE_DRIVERS.includes(candidate.minimumDriver))) {
      const cuda = cudaVersionFor(row.minimumDriver)
      const [major, minor] = cuda.split('.').map(Number)
      // Several rows share a driver (12.6.1/12.6.2, 12.1 GA/Update 1): the newest release wins, same major.minor.
      expect([major, minor], row.minimumDriver).toEqual([row.cuda.major, row.cuda.minor])
    }
    expect(cudaVersionFor('595.58.03')).toBe('13.1')
    expect(cudaVersionFor('550.54.14')).toBe('12.4')
    expect(cudaVersionFor('550.54.13')).toBe('12.3')
  })

  for (const model of GPU_MODEL_KEYS) {
    it(`${model}: every driver's outputs parse cleanly and agree`, () => {
      for (const driver of DRIVERS) {
        const { view, xml } = render(model, driver)
        const where = `${model} ${driver}`
        const fromXml = parseNvidiaSmiXml(xml)
        if (!fromXml.ok) expect.fail(`${where}: ${fromXml.error.message}`)
        expect(fromXml.warnings, where).toEqual([])
        expect(knownValue(fromXml.value.cudaVersion), where).toBe(cudaVersionFor(driver))
        expect(fromXml.value.gpus.map((gpu) => knownValue(gpu.uuid))).toEqual(view.gpus.map((gpu) => gpu.uuid))
        const gpu = fromXml.value.gpus[0]
        if (!gpu) expect.fail(`${where}: no GPU`)
        expect(gpu.resetRequired, where).toEqual({ known: true, value: false })
        expect(gpu.clockEventReasons.hwSlowdown, where).toEqual({ known: true, value: false })
        expect(knownValue(gpu.powerDrawW), where).toBeGreaterThan(0)
        const thermal = GPU_MODELS[model].reportsTlimit && compareDriverVersions(driver, '550') >= 0
        if (thermal) expect(gpu.temperatureMarginC?.slowdown, where).toEqual({ known: true, value: -2 })
        else expect(knownValue(gpu.temperatureLimitsC.slowdown), where).toBe(GPU_MODELS[model].thresholdsC.slowdown)

        const at = (branch: string) => compareDriverVersions(driver, branch) >= 0
        expect(xml.includes('nvsmi_device_v13.dtd'), where).toBe(at('580'))
        expect(xml.includes('<clocks_event_reasons>'), where).toBe(at('535'))
        expect(xml.includes('<clocks_throttle_reasons>'), where).toBe(!at('535'))
        expect(xml.includes('<gpu_power_readings>'), where).toBe(at('535'))
        expect(xml.includes('<average_power_draw>'), where).toBe(at('550'))
        expect(xml.includes('<sram_uncorrectable_parity>'), where).toBe(at('570'))
        expect(xml.includes('<gpu_recovery_action>'), where).toBe(at('570'))
        expect(xml.includes('<gpu_reset_status>'), where).toBe(!at('580'))

        const fields = 'index,uuid,driver_version,name,ecc.errors.uncorrected.volatile.total,power.draw'
        const csv = parseNvidiaSmiQueryCsv(renderQueryGpuCsv(view, fields, { header: true, units: true }))
        if (!csv.ok) expect.fail(`${where}: ${csv.error.message}`)
        expect(csv.warnings, where).toEqual([])
        expect(knownValue(csv.value.driverVersion)).toBe(driver)

        const table = parseNvidiaSmiTable(renderNvidiaSmiTable(view))
        if (!table.ok) expect.fail(`${where}: ${table.error.message}`)
        expect(table.warnings, where).toEqual([])
        expect(knownValue(table.value.cudaVersion)).toBe(cudaVersionFor(driver))

        for (const level of [1, 2, 3, 4]) {
          const diag = parseDcgmDiagJson(renderDiagJson(view, level))
          if (!diag.ok) expect.fail(`${where} r${level}: ${diag.error.message}`)
          expect(diag.warnings, where).toEqual([])
          expect(diag.value.level, where).toEqual({ known: true, value: level })
          expect(diag.value.overall, where).toBe('pass')
        }
      }
    })
  }

  it('refuses a query field the loaded driver does not know, with nvidia-smi exit status 2', () => {
    const old = render('A100', '525.147.05').view
    expect(() => renderQueryGpuCsv(old, 'clocks_event_reasons.hw_slowdown', { header: true, units: true })).toThrow(
      'Field "clocks_event_reasons.hw_slowdown" is not a valid field to query.',
    )
    expect(() => renderQueryGpuCsv(old, 'gpu_recovery_action', { header: true, units: true })).toThrow(/not a valid/)
    const current = render('H100', '590.48.01').view
    expect(renderQueryGpuCsv(current, 'gpu_recovery_action', { header: false, units: true })).toBe('None\n'.repeat(8))
    expect(() => renderQueryGpuCsv(current, 'reset_status.reset_required', { header: true, units: true })).toThrow(
      /not a valid/,
    )
  })

  it('prints the plain table and the healthy health check byte for byte as the captures do', () => {
    const fixture = (path: string) =>
      readFileSync(new URL(`../../gpu/test/fixtures/${path}`, import.meta.url), 'utf8').replace(/\r\n/g, '\n')
    const capturedAt = new Date(2026, 6, 14, 8, 12, 38)
    const state = createNodeState({ hostname: 'capture', model: 'H100', gpus: 1, driver: '590.48.01' }, capturedAt)
    const view = viewNode(state, capturedAt)
    // The capture's own readings for the values the simulator spreads per board.
    view.gpus = view.gpus.map((gpu) => ({ ...gpu, pciBusId: '00000000:00:09.0', temperatureC: 41, powerDrawW: 69.4 }))
    const capture = fixture('utkuozdemir+nvidia_gpu_exporter/linux-x86_64__nvidia-h100-80gb-hbm3__590.48.01.txt')
    const start = capture.indexOf('Tue Jul 14 08:12:38 2026       \n')
    const table = renderNvidiaSmiTable(view)
    expect(start).toBeGreaterThan(0)
    expect(capture.slice(start, start + table.length)).toBe(table)

    const healthy = fixture('microsoft+VirtualClient/DCGMIHealthCheckResults.json')
    expect(renderHealthJson(view)).toBe(healthy.endsWith('\n') ? healthy : `${healthy}\n`)
  })
})
