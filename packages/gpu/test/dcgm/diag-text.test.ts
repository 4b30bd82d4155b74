// `dcgmi diag` box tables copied from real runs: DCGM 4.4.1 on 8x B200 and 4.2.3 (NVIDIA/DCGM#253), the
// DCGM 4.0.0 example in NVIDIA's user guide, DCGM 3.3.9 on 8x H100 (GoogleCloudPlatform/ramble), excerpts
// from stas00/ml-engineering. Provenance: test/fixtures/extra/PROVENANCE.md.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { ParseResult } from '../../src/common/parse-error'
import { parseDcgmDiagText } from '../../src/dcgm'
import { joinWrapped } from '../../src/dcgm/diag-text'

const fixture = (path: string) => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8')

function value<T>(result: ParseResult<T>): T {
  if (!result.ok) throw result.error
  return result.value
}

const EIGHT_GPUS = [0, 1, 2, 3, 4, 5, 6, 7]

describe('parseDcgmDiagText on DCGM 4.x tables', () => {
  const b200 = fixture('extra/NVIDIA+DCGM/issue-253-dcgm-4.4.1-b200-diag-r2.txt')

  it('reads the metadata rows', () => {
    const report = value(parseDcgmDiagText(b200))
    expect(report.dcgmVersion).toEqual({ known: true, value: '4.4.1' })
    expect(report.driverVersion).toEqual({ known: true, value: '570.172.08' })
    expect(report.deviceIds).toEqual(Array(8).fill('2901'))
  })

  it("sets each test's category from the category rows and reads the GPU rows under it", () => {
    const report = value(parseDcgmDiagText(b200))
    expect(report.tests.map((test) => [test.category, test.name, test.verdict])).toEqual([
      ['Deployment', 'software', 'pass'],
      ['Hardware', 'memory', 'pass'],
      ['Integration', 'pcie', 'fail'],
    ])
    expect(report.gpuIds).toEqual(EIGHT_GPUS)
    expect(report.tests[0]?.gpus.map((gpu) => [gpu.gpuId, gpu.verdict])).toEqual(EIGHT_GPUS.map((id) => [id, 'pass']))
  })

  it('joins a warning dcgmi cut every 45 characters, mid-word, back into one message', () => {
    const pcie = value(parseDcgmDiagText(b200)).tests[2]
    expect(pcie?.warnings).toEqual([
      "There was an internal error during the test: 'Output of child process (11167) couldn't be parsed: " +
        "'* Line 1, Column 1   Syntax error: value, object or array expected. '' Check DCGM and system logs " +
        'for errors. Reset GPU. Restart DCGM. Rerun diagnostics.',
    ])
    // The test failed as a whole although every GPU row says Pass: the test row is not overruled.
    expect(pcie?.gpus.every((gpu) => gpu.verdict === 'pass')).toBe(true)
    expect(pcie?.verdict).toBe('fail')
  })

  it('derives the overall verdict: one failed test fails the run; level 2 from pcie and memory', () => {
    const report = value(parseDcgmDiagText(b200))
    expect(report.overall).toBe('fail')
    expect(report.level).toEqual({ known: true, value: 2 })
  })

  it("reads the DCGM 4.0.0 level-3 example from NVIDIA's user guide: seven tests in four categories", () => {
    const report = value(parseDcgmDiagText(fixture('extra/NVIDIA+DCGM/docs-feature-overview-dcgm-4.0.0-diag-r3.txt')))
    expect(report.tests.map((test) => `${test.category}/${test.name}`)).toEqual([
      'Deployment/software',
      'Hardware/memory',
      'Hardware/diagnostic',
      'Integration/pcie',
      'Stress/memory_bandwidth',
      'Stress/targeted_stress',
      'Stress/targeted_power',
    ])
    expect(report.driverVersion).toEqual({ known: true, value: '550.90.07' })
    expect(report.gpuIds).toEqual([0, 1, 2, 3])
    expect(report.level).toEqual({ known: true, value: 3 })
    expect(report.overall).toBe('pass')
  })

  it('refuses the DCGM 4.2.3 table pasted without its closing border: later categories may be missing', () => {
    const result = parseDcgmDiagText(fixture('extra/NVIDIA+DCGM/issue-253-dcgm-4.2.3-diag-r2-no-footer.txt'))
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.where).toBe('line 50')
    expect(result.error.message).toContain('closing border')
  })
})

describe('parseDcgmDiagText on DCGM 3.x tables', () => {
  const h100 = fixture('extra/GoogleCloudPlatform+ramble/dcgm-application-example-diag-r3-3.3.9.txt')

  it('reads "Pass - All" and "Skip - All" as node-wide verdicts', () => {
    const report = value(parseDcgmDiagText(h100))
    expect(report.dcgmVersion).toEqual({ known: true, value: '3.3.9' })
    expect(report.driverVersion).toEqual({ known: true, value: '570.133.20' })
    expect(report.deviceIds).toEqual(Array(8).fill('2335'))
    expect(report.tests).toHaveLength(16)
    expect(report.tests.find((test) => test.name === 'PCIe')).toMatchObject({
      category: 'Integration',
      verdict: 'pass',
      gpus: [],
    })
    expect(report.tests.find((test) => test.name === 'EUD Test')).toMatchObject({ category: 'Stress', verdict: 'skip' })
    expect(report.tests.find((test) => test.name === 'Page Retirement/Row Remap')?.category).toBe('Deployment')
    expect(report.level).toEqual({ known: true, value: 3 })
    expect(report.overall).toBe('pass')
  })

  // stas00/ml-engineering quotes only the rows of a faulty node's -r 2 run, without the table around them;
  // its cells are real dcgmi 3.x cells and exercise the joining of a wrapped warning on their own.
  const excerpt = fixture('extra/stas00+ml-engineering/dcgmi-diag-r2-faulty-node-excerpt.txt').split('\n')

  it('joins the 3.x thermal-violation warning from its real cells', () => {
    const cells = excerpt.slice(2, 8).map((line) => line.slice(30).replace(/\|$/, ''))
    expect(joinWrapped(cells)).toBe(
      'GPU 0 Thermal violations totaling 13.3 seconds started at 9.7 seconds into the test for GPU 0 Verify ' +
        'that the cooling on this machine is functional, including external, thermal material interface, fans, ' +
        'and any other components.',
    )
  })

  it('refuses the quoted rows as a table: there is no header', () => {
    const result = parseDcgmDiagText(excerpt.join('\n'))
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.message).toContain('no "Diagnostic | Result" table')
  })

  it('refuses the Xid 64 excerpt that ends after its first wrapped Error row', () => {
    const result = parseDcgmDiagText(fixture('extra/stas00+ml-engineering/dcgmi-diag-xid64-deployment-excerpt.txt'))
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.where).toBe('line 7')
  })
})
