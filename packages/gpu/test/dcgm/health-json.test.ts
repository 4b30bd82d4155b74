// `dcgmi health -c -j`. The only captured output found is microsoft/VirtualClient's healthy report; the
// report with incidents below is assembled from dcgmi's source (see the comment there) and says so.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { ParseResult } from '../../src/common/parse-error'
import { parseDcgmHealthJson } from '../../src/dcgm'

const fixture = (path: string) => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8')

function value<T>(result: ParseResult<T>): T {
  if (!result.ok) throw result.error
  return result.value
}

describe('parseDcgmHealthJson', () => {
  it('reads the VirtualClient report: overall Healthy, no incidents', () => {
    const result = parseDcgmHealthJson(fixture('microsoft+VirtualClient/DCGMIHealthCheckResults.json'))
    expect(value(result)).toEqual({ overall: 'healthy', incidents: [] })
    expect(result.ok && result.warnings).toEqual([])
  })

  // Tree shape: dcgmi/Health.cpp (HandleOneEntity, AddErrorMessage) written by dcgmi/DcgmiOutput.cpp
  // (DcgmiOutputJson: "children", "value", "overflow" holding the message cut at word boundaries). The
  // messages are the ones NVIDIA's DCGM user guide shows for `dcgmi health -g 1 -c`. Not a captured output.
  const withIncidents = JSON.stringify({
    body: {
      'Overall Health': { value: 'Warning' },
      GPU: {
        children: {
          '0': {
            value: 'Warning',
            children: {
              Errors: {
                children: {
                  'PCIe system': {
                    value: 'Warning',
                    overflow: ['Detected more than 8 PCIe replays per minute for GPU 0: 13'],
                  },
                },
              },
            },
          },
          '1': {
            value: 'Warning',
            children: {
              Errors: {
                children: {
                  'InfoROM system': { value: 'Warning', overflow: ['A corrupt InfoROM has been detected in GPU 1.'] },
                },
              },
            },
          },
        },
      },
    },
    header: ['Health Monitor Report'],
  })

  it('reads one incident per GPU and system, with its message', () => {
    expect(value(parseDcgmHealthJson(withIncidents))).toEqual({
      overall: 'warning',
      incidents: [
        {
          gpuId: 0,
          system: 'PCIe system',
          status: 'warning',
          message: 'Detected more than 8 PCIe replays per minute for GPU 0: 13',
          errorCode: null,
          entity: 'GPU 0',
        },
        {
          gpuId: 1,
          system: 'InfoROM system',
          status: 'warning',
          message: 'A corrupt InfoROM has been detected in GPU 1.',
          errorCode: null,
          entity: 'GPU 1',
        },
      ],
    })
  })

  it('refuses a diag report given in its place', () => {
    const result = parseDcgmHealthJson(fixture('microsoft+VirtualClient/DCGMIDiag_r3_results.json'))
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error).toMatchObject({ where: '$.body', format: 'dcgmi-health-json' })
  })

  it("turns dcgmi's own refusal into the error", () => {
    // The message dcgmi/Health.cpp prints when no watches are set.
    const result = parseDcgmHealthJson('Error: Health watches not enabled. Please enable watches. \n')
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.message).toContain('Health watches not enabled')
  })
})
