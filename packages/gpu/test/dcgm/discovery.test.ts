// `dcgmi discovery -l` from real output: one Tesla T4 (microsoft/VirtualClient) and four H100s that DCGM
// 3.1.7 listed without names (NVIDIA/DCGM#229, lines padded with trailing spaces as pasted).
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { ParseResult } from '../../src/common/parse-error'
import { parseDcgmDiscovery } from '../../src/dcgm'

const fixture = (path: string) => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8')

function value<T>(result: ParseResult<T>): T {
  if (!result.ok) throw result.error
  return result.value
}

describe('parseDcgmDiscovery', () => {
  it('reads the GPU id, name, PCI bus id and UUID of the single T4, and stops before the NvSwitch table', () => {
    const result = parseDcgmDiscovery(fixture('microsoft+VirtualClient/DCGMIDiscoveryResults.txt'))
    expect(value(result)).toEqual([
      {
        gpuId: 0,
        name: 'Tesla T4',
        pciBusId: { known: true, value: '00000001:00:00.0' },
        uuid: { known: true, value: 'GPU-934a71d6-e50c-86a3-f752-3743a8c1bbb2' },
        deviceId: { known: false, raw: null },
      },
    ])
    expect(result.ok && result.warnings).toEqual([])
  })

  it('reads four H100s whose names DCGM printed as <<<NULL>>>, saying so rather than inventing a name', () => {
    const result = parseDcgmDiscovery(fixture('extra/NVIDIA+DCGM/issue-229-dcgm-3.1.7-discovery-h100-null-names.txt'))
    const gpus = value(result)
    expect(gpus.map((gpu) => gpu.gpuId)).toEqual([0, 1, 2, 3])
    expect(gpus.map((gpu) => gpu.name)).toEqual(['', '', '', ''])
    expect(gpus[2]?.pciBusId).toEqual({ known: true, value: '00000000:CC:00.0' })
    expect(gpus[3]?.uuid).toEqual({ known: true, value: 'GPU-5ea04b20-4cc3-4d84-0bb2-e4143be8e874' })
    expect(result.ok && result.warnings).toEqual(
      [0, 1, 2, 3].map((id) => `GPU ${id}: DCGM printed no name (<<<NULL>>>)`),
    )
  })

  it('refuses a listing cut after two of the four GPUs it announced', () => {
    const lines = fixture('extra/NVIDIA+DCGM/issue-229-dcgm-3.1.7-discovery-h100-null-names.txt').split('\n')
    const result = parseDcgmDiscovery(lines.slice(0, 13).join('\n'))
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.where).toBe('line 2')
    expect(result.error.message).toContain('says 4 GPU(s) found but the table lists 2')
  })

  it('refuses a row cut in the middle', () => {
    const text = fixture('microsoft+VirtualClient/DCGMIDiscoveryResults.txt')
    const result = parseDcgmDiscovery(text.slice(0, text.indexOf('GPU-934a71d6')))
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error).toMatchObject({ where: 'line 7', format: 'dcgmi-discovery' })
  })

  it('refuses the output of another dcgmi command (group -l)', () => {
    const result = parseDcgmDiscovery(fixture('microsoft+VirtualClient/DCGMIGroupResults.txt'))
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.message).toContain('not dcgmi discovery -l output')
  })
})
