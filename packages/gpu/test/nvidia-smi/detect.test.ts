// Telling nvidia-smi's formats apart by content, and parseNvidiaSmi handing each to its parser; other
// tools' output and garbage are errors, never an empty node.
import { describe, expect, it } from 'vitest'
import { detectNvidiaSmiFormat, parseNvidiaSmi, parseNvidiaSmiXml } from '../../src/nvidia-smi'
import { captureSection, errorOf, fixture, isKnown, parsedValue } from './fixtures'

const CAPTURE = 'linux-x86_64__nvidia-h100-mig__590.48.01.txt'

describe('detectNvidiaSmiFormat', () => {
  it.each([
    ['influxdata+telegraf/quadro-p400.xml', 'nvidia-smi-xml'],
    ['lampaa+nvidia-smi-rest/smi_test_5.xml', 'nvidia-smi-xml'],
    ['microsoft+VirtualClient/query-gpu-4xT4.csv', 'nvidia-smi-query-csv'],
    ['a0s+nvidia-smi-exporter/nvidia-smi-2.csv', 'nvidia-smi-query-csv'],
    ['utkuozdemir+nvidia_gpu_exporter/sample-output.csv', 'nvidia-smi-query-csv'],
    ['Azure+azhpc-diagnostics/nvidia-smi-q.out', 'nvidia-smi-q-text'],
    ['Azure+azurehpc-health-checks/orig_nvsmi8_output.txt', 'nvidia-smi-q-text'],
    ['Azure+azhpc-diagnostics/nvidia-smi-inforom.out', 'nvidia-smi-table'],
    ['microsoft+VirtualClient/DCGMIHealthCheckResults.json', null],
    ['microsoft+VirtualClient/DCGMIDiscoveryResults.txt', null],
    ['microsoft+VirtualClient/DCGMIDmonResults.txt', null],
  ])('%s is %s', (path, format) => {
    expect(detectNvidiaSmiFormat(fixture(path))).toBe(format)
  })

  it('tells apart the table, -q and CSV sections of one capture', () => {
    expect(detectNvidiaSmiFormat(captureSection(CAPTURE, 'load :: nvidia-smi (default table)'))).toBe(
      'nvidia-smi-table',
    )
    expect(detectNvidiaSmiFormat(captureSection(CAPTURE, 'load :: query (-q)'))).toBe('nvidia-smi-q-text')
    expect(detectNvidiaSmiFormat(captureSection(CAPTURE, 'load :: query-gpu (csv, what the exporter parses)'))).toBe(
      'nvidia-smi-query-csv',
    )
  })

  it('takes header-less CSV only when the caller says which fields it queried', () => {
    const rows = '0, Tesla T4, 48\n1, Tesla T4, 51\n'
    expect(detectNvidiaSmiFormat(rows)).toBeNull()
    expect(detectNvidiaSmiFormat(rows, { fields: ['index', 'name', 'temperature.gpu'] })).toBe('nvidia-smi-query-csv')
  })
})

describe('parseNvidiaSmi', () => {
  it('parses each format as its own parser does', () => {
    const xml = fixture('influxdata+telegraf/a100-sxm4-v12.xml')
    expect(parseNvidiaSmi(xml)).toEqual(parseNvidiaSmiXml(xml))
    expect(parsedValue(parseNvidiaSmi(fixture('Azure+azhpc-diagnostics/nvidia-smi-q.out'))).gpus).toHaveLength(8)
    expect(parsedValue(parseNvidiaSmi(fixture('Azure+azhpc-diagnostics/nvidia-smi-inforom.out'))).gpus).toHaveLength(8)
    expect(parsedValue(parseNvidiaSmi(fixture('microsoft+VirtualClient/query-gpu-4xT4.csv'))).gpus).toHaveLength(4)
    const mig = parsedValue(parseNvidiaSmi(captureSection(CAPTURE, 'idle :: query (-q)')))
    expect(mig.gpus[0]?.migDevices).toHaveLength(4)
    const rows = parsedValue(parseNvidiaSmi('0, Tesla T4, 48\n', { fields: ['index', 'name', 'temperature.gpu'] }))
    expect(rows.gpus[0]?.temperatureC).toEqual(isKnown(48))
  })

  it('rejects empty input, other tools output and garbage with an error that says where', () => {
    expect(errorOf(parseNvidiaSmi('')).message).toMatch(/empty input/)
    const json = errorOf(parseNvidiaSmi(fixture('microsoft+VirtualClient/DCGMIHealthCheckResults.json')))
    expect(json.where).toBe('line 1')
    expect(json.message).toMatch(/not nvidia-smi output/)
    const garbage = String.fromCharCode(...Array.from({ length: 256 }, (_, index) => (index * 89 + 1) % 256))
    expect(() => parseNvidiaSmi(garbage)).not.toThrow()
    expect(parseNvidiaSmi(garbage).ok).toBe(false)
  })

  it('reports nvidia-smi failures whatever format was asked for', () => {
    expect(errorOf(parseNvidiaSmi('No devices were found\n')).message).toMatch(/No devices were found/)
  })
})
