// Any supported output, handed over without saying which tool printed it, is recognised and judged.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { judgeProbeOutput, parseProbeOutput } from '../../src'

const fixture = (path: string) => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8')

describe('parseProbeOutput and judgeProbeOutput', () => {
  it.each([
    ['influxdata+telegraf/tesla-t4.xml', 'node-snapshot'],
    ['microsoft+VirtualClient/query-gpu-4xT4.csv', 'node-snapshot'],
    ['Azure+azhpc-diagnostics/nvidia-smi-q.out', 'node-snapshot'],
    ['utkuozdemir+nvidia_gpu_exporter/linux-x86_64__nvidia-h100-80gb-hbm3__590.48.01.txt', 'node-snapshot'],
    ['microsoft+VirtualClient/DCGMIDiag_r3_results.json', 'dcgm-diag'],
    ['extra/NVIDIA+DCGM/issue-253-dcgm-4.4.1-b200-diag-r2.txt', 'dcgm-diag'],
    ['microsoft+VirtualClient/DCGMIHealthCheckResults.json', 'dcgm-health'],
    ['microsoft+VirtualClient/DCGMIDiscoveryResults.txt', 'dcgm-discovery'],
    ['extra/kernel-xid/nvidia+nvsentinel-155__xid79.log', 'kernel-log'],
    // dmesg lines start with "[ 1234.5]": a kernel log, not JSON.
    ['extra/kernel-xid/leptonai+gpud__dmesg-with-xid-119.log', 'kernel-log'],
  ])('recognises %s as %s', (path, kind) => {
    const result = parseProbeOutput(fixture(path))
    expect(result.ok && result.value.kind).toBe(kind)
  })

  it.each([
    ['Azure+azurehpc-health-checks/bad_nvsmi8_output.txt', 'fail', /page-retirement: pages are pending retirement/],
    ['utkuozdemir+nvidia_gpu_exporter/linux-x86_64__nvidia-h200__590.48.01.txt', 'pass', null],
    ['influxdata+telegraf/rtx-4000-sff-ada-v13.xml', 'inconclusive', /ECC is disabled/],
    ['extra/NVIDIA+DCGM/issue-253-dcgm-4.4.1-b200-diag-r2.txt', 'fail', /pcie: fail/],
    ['microsoft+VirtualClient/DCGMIDiag_r3_results.json', 'pass', null],
    ['extra/kernel-xid/nvidia+nvsentinel-155__xid79.log', 'fail', /Xid 79 on 0000:44:00/],
    ['extra/kernel-xid/stas00+ml-engineering__xid63.log', 'inconclusive', /Xid 63/],
    ['extra/kernel-xid/nvidia+nvsentinel-155__fallen-off-bus.log', 'inconclusive', /fallen off the bus/],
  ])('judges %s as %s', (path, verdict, reason) => {
    const result = parseProbeOutput(fixture(path))
    if (!result.ok) throw result.error
    const judged = judgeProbeOutput(result.value, {}, result.warnings)
    expect(judged.verdict).toBe(verdict)
    if (reason) expect(judged.reasons[0]).toMatch(reason)
  })

  it('judges a snapshot against what the caller expects', () => {
    const result = parseProbeOutput(fixture('utkuozdemir+nvidia_gpu_exporter/linux-x86_64__nvidia-h200__590.48.01.txt'))
    if (!result.ok) throw result.error
    const judged = judgeProbeOutput(result.value, { driverVersion: '580.95.05' })
    expect(judged.verdict).toBe('fail')
    expect(judged.reasons[0]).toMatch(/^driver-version:/)
  })

  it.each([
    ['', 'empty input'],
    ['{"unrelated": true}', 'JSON of another tool'],
    ['hello world\nthis is not GPU output\n', 'prose'],
  ])('refuses %j (%s) with a typed error', (input) => {
    const result = parseProbeOutput(input)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.name).toBe('GpuParseError')
  })
})
