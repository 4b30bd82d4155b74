// Garbled, truncated, empty, binary or foreign input is a typed error that says where, for every DCGM
// parser: never a throw, never an empty report that a health gate could mistake for a pass.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { ParseResult } from '../../src/common/parse-error'
import { GpuParseError } from '../../src/common/parse-error'
import { parseDcgmDiagJson, parseDcgmDiagText, parseDcgmDiscovery, parseDcgmHealthJson } from '../../src/dcgm'

const fixture = (path: string) => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8')

const r3Json = fixture('microsoft+VirtualClient/DCGMIDiag_r3_results.json')
const healthJson = fixture('microsoft+VirtualClient/DCGMIHealthCheckResults.json')
const diagText = fixture('extra/NVIDIA+DCGM/issue-253-dcgm-4.4.1-b200-diag-r2.txt')
const binary = Buffer.from([
  0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0xff, 0xfe, 0x10, 0x03,
]).toString('latin1')

function errorOf(result: ParseResult<unknown>): GpuParseError {
  expect(result.ok).toBe(false)
  if (result.ok) throw new Error('expected a parse error')
  expect(result.error).toBeInstanceOf(GpuParseError)
  return result.error
}

const parsers = [
  ['parseDcgmDiagJson', parseDcgmDiagJson],
  ['parseDcgmDiagText', parseDcgmDiagText],
  ['parseDcgmHealthJson', parseDcgmHealthJson],
  ['parseDcgmDiscovery', parseDcgmDiscovery],
] as const

describe.each(parsers)('%s', (_name, parse) => {
  it('refuses empty and blank output', () => {
    expect(errorOf(parse('')).where).toBe('input')
    expect(errorOf(parse(' \n\t\n')).message).toContain('empty output')
  })

  it('refuses binary garbage', () => {
    expect(errorOf(parse(binary)).message).toContain('binary data')
  })

  it('refuses plain prose', () => {
    errorOf(parse('command not found: dcgmi\n'))
  })
})

describe('parseDcgmDiagJson errors', () => {
  it('says where truncated JSON ends', () => {
    const error = errorOf(parseDcgmDiagJson(r3Json.slice(0, 1500)))
    expect(error.message).toContain('JSON ends early')
    expect(error.where).toMatch(/^line \d+ column \d+$/)
  })

  it('says where JSON is malformed', () => {
    const broken = r3Json.replace('"category" : "Integration",', '"category" "Integration",')
    const error = errorOf(parseDcgmDiagJson(broken))
    expect(error.message).toContain('invalid JSON')
    expect(error.where).toBe(
      `line ${r3Json.split('\n').findIndex((line) => line.includes('"Integration"')) + 1} column 16`,
    )
  })

  it('refuses JSON of another shape: the health report is not a diag report', () => {
    expect(errorOf(parseDcgmDiagJson(healthJson)).where).toBe('$')
  })

  it('says which result is malformed', () => {
    const error = errorOf(parseDcgmDiagJson(r3Json.replace('"status" : "Skip"', '"status" : 7')))
    expect(error.where).toBe('$["DCGM GPU Diagnostic"].test_categories[2].tests[2].results[0].status')
  })

  it('never reads an unknown status word as a pass', () => {
    const result = parseDcgmDiagJson(r3Json.replace('"status" : "Skip"', '"status" : "Inconclusive"'))
    expect(result.ok && result.value.overall).toBe('warn')
    expect(result.ok && result.warnings[0]).toContain('unrecognised status "Inconclusive"')
  })

  it("passes dcgmi's own error through", () => {
    // Wording from dcgmi/Diag.cpp.
    const error = errorOf(parseDcgmDiagJson('Error: Diagnostic could not be run while DCGM is paused.\n'))
    expect(error.message).toContain('Diagnostic could not be run while DCGM is paused')
  })
})

describe('parseDcgmDiagText errors', () => {
  it('refuses a table cut in the middle of a row', () => {
    const cut = diagText.slice(0, diagText.indexOf("'Output of child process") + 10)
    const error = errorOf(parseDcgmDiagText(cut))
    expect(error.where).toBe('line 31')
    expect(error.message).toContain('cut short')
  })

  it('refuses a table that stops after a complete row', () => {
    const lines = diagText.split('\n')
    expect(errorOf(parseDcgmDiagText(lines.slice(0, 20).join('\n'))).message).toContain('closing border')
  })

  it('refuses JSON given to the text parser', () => {
    expect(errorOf(parseDcgmDiagText(r3Json)).message).toContain('no "Diagnostic | Result" table')
  })
})

describe('parseDcgmHealthJson errors', () => {
  it('says where truncated JSON ends', () => {
    expect(errorOf(parseDcgmHealthJson(healthJson.slice(0, 40))).message).toContain('JSON ends early')
  })
})
