// `cabinet probe` on real outputs: the verdict, the reasons, the JSON and the exit status.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { type CliIo, PROBE_EXIT, runProbe } from '../src/probe'

const fixtures = fileURLToPath(new URL('../../../packages/gpu/test/fixtures/', import.meta.url))
const BAD_NODE = `${fixtures}Azure+azurehpc-health-checks/bad_nvsmi8_output.txt`
const H200 = `${fixtures}utkuozdemir+nvidia_gpu_exporter/linux-x86_64__nvidia-h200__590.48.01.txt`

function run(args: string[], stdin = '') {
  const out: string[] = []
  const err: string[] = []
  const io: CliIo = {
    readFile: (path) => readFileSync(path, 'utf8'),
    readStdin: () => stdin,
    out: (text) => out.push(text),
    err: (text) => err.push(text),
  }
  const status = runProbe(args, io)
  return { status, out: out.join('\n'), err: err.join('\n') }
}

describe('cabinet probe', () => {
  it('fails a node with pages pending retirement, says why, and exits 1', () => {
    const result = run([BAD_NODE])
    expect(result.status).toBe(PROBE_EXIT.fail)
    expect(result.out).toMatch(/^FAIL {2}\(node-snapshot\)/)
    expect(result.out).toContain('page-retirement: pages are pending retirement')
  })

  it('passes a healthy H200 capture and exits 0', () => {
    const result = run([H200])
    expect(result).toMatchObject({ status: PROBE_EXIT.pass })
    expect(result.out).toMatch(/^PASS/)
  })

  it('judges against expectations: the wrong driver fails the driver gate', () => {
    const result = run([H200, '--expect-driver', '580.95.05', '--json'])
    const report = JSON.parse(result.out) as { verdict: string; reasons: string[]; parsed: { driverVersion: unknown } }
    expect(result.status).toBe(PROBE_EXIT.fail)
    expect(report.verdict).toBe('fail')
    expect(report.reasons[0]).toMatch(/^driver-version:/)
    expect(report.parsed.driverVersion).toEqual({ known: true, value: '590.48.01' })
  })

  it('reads standard input with "-"', () => {
    const result = run(
      ['-', '--json'],
      readFileSync(`${fixtures}microsoft+VirtualClient/DCGMIDiag_r3_results.json`, 'utf8'),
    )
    expect(result.status).toBe(PROBE_EXIT.pass)
    expect(JSON.parse(result.out)).toMatchObject({ format: 'dcgm-diag', verdict: 'pass' })
  })

  it('reports unreadable input with where it gave up, and exits 3', () => {
    const truncated = readFileSync(`${fixtures}influxdata+telegraf/tesla-t4.xml`, 'utf8').slice(0, 4000)
    const result = run(['-', '--json'], truncated)
    expect(result.status).toBe(PROBE_EXIT.unreadable)
    expect(JSON.parse(result.out)).toMatchObject({ error: { format: 'nvidia-smi-xml' } })
  })

  it('refuses bad usage with 64', () => {
    expect(run([]).status).toBe(PROBE_EXIT.usage)
    expect(run([H200, '--expect-gpus', 'eight']).err).toContain('--expect-gpus must be a whole number')
    expect(run([H200, '--frobnicate']).status).toBe(PROBE_EXIT.usage)
  })

  it('runs as a real command through bin/cabinet', () => {
    const bin = fileURLToPath(new URL('../bin/cabinet', import.meta.url))
    const stdout = execFileSync(bin, ['probe', H200], { encoding: 'utf8' })
    expect(stdout).toMatch(/^PASS/)
    let status = 0
    try {
      execFileSync(bin, ['probe', BAD_NODE], { encoding: 'utf8' })
    } catch (error) {
      status = (error as { status: number }).status
    }
    expect(status).toBe(PROBE_EXIT.fail)
  })
})
