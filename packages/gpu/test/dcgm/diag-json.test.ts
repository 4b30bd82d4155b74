// `dcgmi diag -j` read from real output: DCGM 2.x/3.x documents from microsoft/VirtualClient, and a DCGM 4.x
// test object quoted in NVIDIA/DCGM#215. Provenance: test/fixtures/PROVENANCE.tsv and fixtures/extra/PROVENANCE.md.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { ParseResult } from '../../src/common/parse-error'
import { parseDcgmDiagJson } from '../../src/dcgm'

const fixture = (path: string) => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8')

function value<T>(result: ParseResult<T>): T {
  if (!result.ok) throw result.error
  return result.value
}

describe('parseDcgmDiagJson on DCGM 2.x/3.x documents ("DCGM GPU Diagnostic")', () => {
  it('reads every test of the level-3 run with its category and per-GPU verdicts', () => {
    const result = parseDcgmDiagJson(fixture('microsoft+VirtualClient/DCGMIDiag_r3_results.json'))
    const report = value(result)
    expect(result.ok && result.warnings).toEqual([])
    expect(report.tests).toHaveLength(16)
    expect(report.tests.map((test) => test.category)).toEqual([
      ...Array(9).fill('Deployment'),
      'Integration',
      ...Array(3).fill('Hardware'),
      ...Array(3).fill('Stress'),
    ])
    expect(report.gpuIds).toEqual([0])
    const pcie = report.tests.find((test) => test.name === 'PCIe')
    expect(pcie?.verdict).toBe('pass')
    expect(pcie?.gpus).toHaveLength(1)
    expect(pcie?.gpus[0]?.gpuId).toBe(0)
    expect(pcie?.gpus[0]?.info[0]).toContain('GPU 0 GPU 0 GPU to Host bandwidth:\t\t13.15 GB/s')
    const power = report.tests.find((test) => test.name === 'Targeted Power')
    expect(power?.gpus[0]?.info).toEqual(['GPU 0 GPU 0 power average:\t70 W'])
    // Deployment checks are node-wide in 3.x: a verdict, no GPU.
    const denylist = report.tests.find((test) => test.name === 'Denylist')
    expect(denylist).toMatchObject({ verdict: 'pass', gpus: [], warnings: [] })
  })

  it('keeps a skipped test skipped and still passes a run where everything else passed', () => {
    const report = value(parseDcgmDiagJson(fixture('microsoft+VirtualClient/DCGMIDiag_r3_results.json')))
    const eud = report.tests.find((test) => test.name === 'EUD Test')
    expect(eud).toMatchObject({ category: 'Hardware', verdict: 'skip' })
    expect(eud?.gpus).toEqual([{ gpuId: 0, verdict: 'skip', info: [] }])
    expect(report.overall).toBe('pass')
  })

  it('infers the run level from the tests present, because dcgmi does not print it', () => {
    const r3 = value(parseDcgmDiagJson(fixture('microsoft+VirtualClient/DCGMIDiag_r3_results.json')))
    expect(r3.level).toEqual({ known: true, value: 3 })
    expect(r3.levelInferred).toBe(true)
    const r2 = value(parseDcgmDiagJson(fixture('extra/microsoft+VirtualClient/DCGMIDiag_r2_results.json')))
    expect(r2.level).toEqual({ known: true, value: 2 })
  })

  it('leaves versions unknown when the document does not carry them', () => {
    const report = value(parseDcgmDiagJson(fixture('microsoft+VirtualClient/DCGMIDiag_r3_results.json')))
    expect(report.dcgmVersion).toEqual({ known: false, raw: null })
    expect(report.driverVersion).toEqual({ known: false, raw: null })
  })

  it('reads the level-2 run: eleven tests, GPU memory info for GPU 0', () => {
    const report = value(parseDcgmDiagJson(fixture('extra/microsoft+VirtualClient/DCGMIDiag_r2_results.json')))
    expect(report.tests).toHaveLength(11)
    const memory = report.tests.find((test) => test.name === 'GPU Memory')
    expect(memory?.gpus).toEqual([{ gpuId: 0, verdict: 'pass', info: ['GPU 0 Allocated 15206918958 bytes (97.3%)'] }])
    expect(report.overall).toBe('pass')
  })

  it('refuses the VirtualClient error-path document whose "DCGM GPU Diagnostic" is an array', () => {
    const result = parseDcgmDiagJson(fixture('extra/microsoft+VirtualClient/DCGMIIncorrectresults.json'))
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.where).toBe('$["DCGM GPU Diagnostic"]')
    expect(result.error.message).toContain('expected an object, found an array')
  })
})

describe('parseDcgmDiagJson on the DCGM 4.x layout ("DCGM Diagnostic", entities, test_summary)', () => {
  const excerpt = fixture('extra/NVIDIA+DCGM/issue-215-dcgm4-diag-json-test-excerpt.txt')

  it('refuses the excerpt on its own: it is one test object followed by a comma, not a document', () => {
    const result = parseDcgmDiagJson(excerpt)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.where).toBe('line 75 column 42')
  })

  // The real test object, placed in the document layout of NVIDIA's testing/python3/dcgm_diag_schema.json.
  const document = JSON.stringify({
    'DCGM Diagnostic': {
      test_categories: [{ category: 'Hardware', tests: [JSON.parse(excerpt.trim().replace(/,$/, ''))] }],
    },
  })

  it('reads one verdict per GPU entity and the info lines DCGM 4 gives as a list', () => {
    const report = value(parseDcgmDiagJson(document))
    expect(report.gpuIds).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    const diagnostic = report.tests[0]
    expect(diagnostic).toMatchObject({ name: 'diagnostic', category: 'Hardware', verdict: 'pass' })
    expect(diagnostic?.gpus).toHaveLength(8)
    expect(diagnostic?.gpus[1]?.info).toEqual([
      'Allocated space for 138 output matricies from 76077622886 bytes available.',
      'Running with precisions: FP64 1, FP32 1, FP16 1',
      'GPU 1 calculated at approximately 859.08 gigaflops during this test',
    ])
    // The DCGM 4 regression the issue reports: info stops after 16 messages, GPUs 3-7 have none.
    expect(diagnostic?.gpus[3]).toEqual({ gpuId: 3, verdict: 'pass', info: [] })
    expect(report.level).toEqual({ known: true, value: 3 })
  })
})

describe('parseDcgmDiagJson when the diagnostic did not run', () => {
  // Shape from dcgmi/Diag.cpp HelperDisplayFailureMessage, message text from the same file; no captured
  // output with a runtime_error was found, so this one is assembled from the source.
  const runtimeError = JSON.stringify({
    'DCGM GPU Diagnostic': { runtime_error: 'Error: Diagnostic could not be run while DCGM is paused.' },
  })

  it("keeps dcgmi's error and reports nothing run, which is not a pass", () => {
    const report = value(parseDcgmDiagJson(runtimeError))
    expect(report.runtimeError).toBe('Error: Diagnostic could not be run while DCGM is paused.')
    expect(report.tests).toEqual([])
    expect(report.overall).toBe('not-run')
    expect(report.level).toEqual({ known: false, raw: null })
  })
})
