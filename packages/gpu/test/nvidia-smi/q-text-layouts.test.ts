// `nvidia-smi -q` text that is broken, cut short, or in layouts no fixture has: the pre-450 per-unit
// ECC layout (shaped after the XML DTD's single_bit/double_bit groups) and the reset status section.
import { describe, expect, it } from 'vitest'
import { parseNvidiaSmiQText } from '../../src/nvidia-smi'
import { errorOf, fixture, isKnown, isUnknown, parsedValue } from './fixtures'

const OLD_LAYOUT = `
==============NVSMI LOG==============

Timestamp                           : Tue Mar  5 10:00:00 2019
Driver Version                      : 418.67
CUDA Version                        : 10.1

Attached GPUs                       : 1
GPU 00000000:3B:00.0
    Product Name                    : Tesla P100-PCIE-16GB
    Ecc Mode
        Current                     : Enabled
        Pending                     : Enabled
    ECC Errors
        Volatile
            Single Bit
                Device Memory       : 3
                Register File       : 0
                L1 Cache            : N/A
                L2 Cache            : 0
                Texture Memory      : 0
                Texture Shared      : 0
                CBU                 : N/A
                Total               : 3
            Double Bit
                Device Memory       : 1
                Register File       : 0
                L1 Cache            : N/A
                L2 Cache            : 0
                Texture Memory      : 0
                Texture Shared      : 0
                CBU                 : N/A
                Total               : 1
        Aggregate
            Single Bit
                Device Memory       : 12
                Register File       : 0
                L1 Cache            : N/A
                L2 Cache            : 0
                Texture Memory      : 0
                Texture Shared      : 0
                CBU                 : N/A
                Total               : N/A
            Double Bit
                Device Memory       : N/A
                Register File       : N/A
                L1 Cache            : N/A
                L2 Cache            : N/A
                Texture Memory      : N/A
                Texture Shared      : N/A
                CBU                 : N/A
                Total               : N/A
    Retired Pages
        Single Bit ECC              : 2
        Double Bit ECC              : 1
        Pending                     : Yes
    GPU Reset Status
        Reset Required              : Yes
        Drain and Reset Recommended : No
`

describe('parseNvidiaSmiQText layouts without a fixture', () => {
  it('pre-450 per-unit ECC: printed totals, summed units when the total is N/A, all-N/A stays unknown', () => {
    const result = parseNvidiaSmiQText(OLD_LAYOUT)
    const [gpu] = parsedValue(result).gpus
    expect(gpu?.name).toEqual(isKnown('Tesla P100-PCIE-16GB'))
    expect(gpu?.eccEnabled).toEqual(isKnown(true))
    expect(gpu?.ecc.volatile).toEqual({ correctable: isKnown(3), uncorrectable: isKnown(1) })
    expect(gpu?.ecc.aggregate).toEqual({ correctable: isKnown(12), uncorrectable: isUnknown('N/A') })
    expect(result.ok && result.warnings.some((warning) => warning.includes('aggregate'))).toBe(true)
  })

  it('old "Pending" retired-pages label and the GPU Reset Status section', () => {
    const [gpu] = parsedValue(parseNvidiaSmiQText(OLD_LAYOUT)).gpus
    expect(gpu?.retiredPages).toEqual({
      singleBit: isKnown(2),
      doubleBit: isKnown(1),
      pendingRetirement: isKnown(true),
    })
    expect(gpu?.resetRequired).toEqual(isKnown(true))
    expect(gpu?.drainAndResetRecommended).toEqual(isKnown(false))
    // Absent sections are unknown, not clear.
    expect(gpu?.remappedRows.pending).toEqual(isUnknown(null))
    expect(gpu?.clockEventReasons.hwSlowdown).toEqual(isUnknown(null))
  })

  it('a recovery action of Reboot means the GPU needs more than a reset: resetRequired is true', () => {
    const text = fixture('Azure+azurehpc-health-checks/orig_nvsmi8_output.txt').replace(
      'GPU 00000001:00:00.0\n',
      'GPU 00000001:00:00.0\n    GPU Recovery Action               : Reboot\n',
    )
    const [gpu, next] = parsedValue(parseNvidiaSmiQText(text)).gpus
    expect(gpu?.recoveryAction).toEqual(isKnown('Reboot'))
    expect(gpu?.resetRequired).toEqual(isKnown(true))
    expect(next?.resetRequired).toEqual(isUnknown(null))
  })

  it('warns about a GPU nvidia-smi could not reach, and keeps the ones it could', () => {
    const text = `${fixture('Azure+azurehpc-health-checks/orig_nvsmi8_output.txt')}Unable to determine the device handle for GPU 0000:3B:00.0: Unknown Error\n`
    const result = parseNvidiaSmiQText(text)
    expect(parsedValue(result).gpus).toHaveLength(8)
    expect(result.ok && result.warnings).toContain(
      'nvidia-smi: Unable to determine the device handle for GPU 0000:3B:00.0: Unknown Error',
    )
  })
})

describe('parseNvidiaSmiQText on broken input', () => {
  const azure = fixture('Azure+azhpc-diagnostics/nvidia-smi-q.out')

  it('rejects an empty string', () => {
    const error = errorOf(parseNvidiaSmiQText('  \n\n'))
    expect(error.format).toBe('nvidia-smi-q-text')
    expect(error.where).toBe('line 1')
  })

  it('reads what a cut-short output holds and warns that GPUs are missing', () => {
    const result = parseNvidiaSmiQText(azure.slice(0, Math.floor(azure.length / 2)))
    const node = parsedValue(result)
    expect(node.gpus.length).toBeLessThan(8)
    expect(node.gpus.length).toBeGreaterThan(0)
    expect(
      result.ok &&
        result.warnings.some((warning) => /Attached GPUs says 8 but the output holds \d GPU blocks/.test(warning)),
    ).toBe(true)
  })

  it('rejects output cut before the first GPU block', () => {
    const error = errorOf(parseNvidiaSmiQText(azure.split('GPU 00000001:00:00.0')[0] ?? ''))
    expect(error.message).toMatch(/no "GPU <bus id>" block/)
  })

  it('rejects binary garbage and text that is not nvidia-smi -q', () => {
    const garbage = String.fromCharCode(...Array.from({ length: 300 }, (_, index) => (index * 31 + 7) % 256))
    expect(errorOf(parseNvidiaSmiQText(garbage)).message).toMatch(/not nvidia-smi -q output/)
    expect(errorOf(parseNvidiaSmiQText('hello: world\n  nested: value\n')).where).toBe('line 1')
  })

  it('reports nvidia-smi failing instead of printing a log', () => {
    const error = errorOf(parseNvidiaSmiQText('No devices were found\n'))
    expect(error.message).toBe('nvidia-smi-q-text: nvidia-smi reported a failure: No devices were found (at line 1)')
  })
})
