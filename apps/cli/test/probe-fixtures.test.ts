// `cabinet probe` on every real capture in packages/gpu/test/fixtures/PROVENANCE.tsv: each file in a
// supported format prints a verdict line naming what it read (issue 5, "Done means"); the DCGM outputs
// the CLI does not read (dmon, modules, group) are refused as unreadable, never judged. There is no P100
// capture among the fixtures; the one with injected retired-page errors is the failing node.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { type CliIo, PROBE_EXIT, runProbe } from '../src/probe'

const fixtures = fileURLToPath(new URL('../../../packages/gpu/test/fixtures/', import.meta.url))
const files = readFileSync(`${fixtures}PROVENANCE.tsv`, 'utf8')
  .split('\n')
  .slice(1)
  .map((line) => line.split('\t')[0] ?? '')
  .filter((file) => file !== '')
/** Outputs of dcgmi commands the issue does not ask the CLI to read. */
const NOT_READ = new Set([
  'microsoft+VirtualClient/DCGMIDmonResults.txt',
  'microsoft+VirtualClient/DCGMIModulesResults.txt',
  'microsoft+VirtualClient/DCGMIGroupResults.txt',
])

function probe(file: string) {
  const out: string[] = []
  const io: CliIo = {
    readFile: (path) => readFileSync(path, 'utf8'),
    readStdin: () => '',
    out: (text) => out.push(text),
    err: (text) => out.push(text),
  }
  const status = runProbe([`${fixtures}${file}`], io)
  return { status, out: out.join('\n') }
}

describe('cabinet probe on every fixture', () => {
  it('knows the fixtures: more than thirty captures', () => {
    expect(files.length).toBeGreaterThan(30)
    expect(files.some((file) => /p100/i.test(file))).toBe(false)
  })

  it.each(files.filter((file) => !NOT_READ.has(file)))('%s prints a verdict', (file) => {
    const result = probe(file)
    expect([PROBE_EXIT.pass, PROBE_EXIT.fail, PROBE_EXIT.inconclusive]).toContain(result.status)
    expect(result.out).toMatch(/^(PASS|FAIL|INCONCLUSIVE) {2}\([a-z-]+\)/)
  })

  it.each([...NOT_READ])('%s is refused as unreadable', (file) => {
    const result = probe(file)
    expect(result.status).toBe(PROBE_EXIT.unreadable)
    expect(result.out).toMatch(/unreadable/)
  })

  it('fails only the node with retired-page errors among the nvidia-smi -q captures of one machine', () => {
    expect(probe('Azure+azurehpc-health-checks/bad_nvsmi8_output.txt').status).toBe(PROBE_EXIT.fail)
    expect(probe('Azure+azurehpc-health-checks/orig_nvsmi8_output.txt').status).not.toBe(PROBE_EXIT.fail)
  })
})
