// `nvidia-smi -q -x` input that is broken, and real fixtures edited to carry error counts the captured
// machines did not have (the edits are named in each test), to prove how counters add up.
import { describe, expect, it } from 'vitest'
import { parseNvidiaSmiXml } from '../../src/nvidia-smi'
import { errorOf, fixture, isKnown, isUnknown, parsedValue } from './fixtures'

const t4 = fixture('influxdata+telegraf/tesla-t4.xml')

describe('parseNvidiaSmiXml on broken input', () => {
  it('rejects an empty string', () => {
    const error = errorOf(parseNvidiaSmiXml(''))
    expect(error.format).toBe('nvidia-smi-xml')
    expect(error.where).toBe('line 1')
    expect(error.message).toMatch(/empty input/)
  })

  it('rejects a fixture cut in half, naming where the input ends and the elements left open', () => {
    const half = t4.slice(0, Math.floor(t4.length / 2))
    const lines = half.trimEnd().split('\n')
    const error = errorOf(parseNvidiaSmiXml(half))
    expect(error.where).toBe(`line ${lines.length}, column ${(lines.at(-1)?.length ?? 0) + 1} (end of input)`)
    expect(error.message).toMatch(/truncated XML: input ends inside <nvidia_smi_log>\/<gpu>\/<supported_clocks>/)
    expect(error.excerpt).toBe(lines.at(-1)?.trim())
  })

  it('rejects a document cut just before its closing root tag', () => {
    const error = errorOf(parseNvidiaSmiXml(t4.replace('</nvidia_smi_log>', '')))
    expect(error.message).toMatch(/Unclosed tag 'nvidia_smi_log'/)
    expect(error.where).toBe('line 3, column 1')
  })

  it('rejects a document with a closing tag missing in the middle, at the line where it noticed', () => {
    const error = errorOf(parseNvidiaSmiXml(t4.replace('</pci>', '')))
    expect(error.where).toBe('line 346, column 5')
    expect(error.message).toMatch(/Expected closing tag 'pci' \(opened in line 54, col 9\)/)
  })

  it('rejects well-formed XML whose root is not nvidia_smi_log', () => {
    const error = errorOf(parseNvidiaSmiXml('<?xml version="1.0"?>\n<dcgm_log><gpu id="0"/></dcgm_log>'))
    expect(error.where).toBe('<dcgm_log>')
    expect(error.message).toMatch(/root element is <dcgm_log>, expected <nvidia_smi_log>/)
  })

  it('rejects binary garbage without throwing', () => {
    const garbage = String.fromCharCode(...Array.from({ length: 512 }, (_, index) => (index * 97 + 13) % 256))
    const error = errorOf(parseNvidiaSmiXml(garbage))
    expect(error.where).toBe('line 1')
    expect(error.message).toMatch(/not XML/)
  })

  it('rejects binary garbage that happens to start with "<"', () => {
    const error = errorOf(parseNvidiaSmiXml('<\u0000\u0001\u00ff\u00fe garbage'))
    expect(error.where).toMatch(/^line 1, column \d+$/)
  })

  it('reports nvidia-smi failing instead of printing XML', () => {
    const error = errorOf(
      parseNvidiaSmiXml(
        "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.\n",
      ),
    )
    expect(error.where).toBe('line 1')
    expect(error.message).toMatch(/nvidia-smi reported a failure: NVIDIA-SMI has failed/)
  })

  it('rejects a log that lists no GPU and does not say none are attached', () => {
    const error = errorOf(
      parseNvidiaSmiXml('<nvidia_smi_log><driver_version>535.54.03</driver_version></nvidia_smi_log>'),
    )
    expect(error.where).toBe('nvidia_smi_log')
    expect(error.message).toMatch(/no <gpu> elements/)
  })

  it('accepts a log that says 0 GPUs are attached, with no GPU', () => {
    const value = parsedValue(parseNvidiaSmiXml('<nvidia_smi_log><attached_gpus>0</attached_gpus></nvidia_smi_log>'))
    expect(value.attachedGpus).toEqual(isKnown(0))
    expect(value.gpus).toEqual([])
  })
})

describe('parseNvidiaSmiXml counter layouts (real fixtures with edited counts)', () => {
  it('old single/double-bit layout: the printed totals, edited into quadro-p400.xml', () => {
    const edited = fixture('influxdata+telegraf/quadro-p400.xml').replace(
      /<volatile>\s*<single_bit>([\s\S]*?)<total>N\/A<\/total>\s*<\/single_bit>\s*<double_bit>([\s\S]*?)<total>N\/A<\/total>/,
      '<volatile><single_bit>$1<total>7</total></single_bit><double_bit>$2<total>2</total>',
    )
    const [gpu] = parsedValue(parseNvidiaSmiXml(edited)).gpus
    expect(gpu?.ecc.volatile).toEqual({ correctable: isKnown(7), uncorrectable: isKnown(2) })
    expect(gpu?.ecc.aggregate).toEqual({ correctable: isUnknown('N/A'), uncorrectable: isUnknown('N/A') })
  })

  it('old layout without a readable total: per-unit counts add up (device memory 3 + register file 1)', () => {
    const edited = fixture('influxdata+telegraf/quadro-p400.xml').replace(
      /<aggregate>\s*<single_bit>\s*<device_memory>N\/A<\/device_memory>\s*<register_file>N\/A<\/register_file>/,
      '<aggregate><single_bit><device_memory>3</device_memory><register_file>1</register_file>',
    )
    const result = parseNvidiaSmiXml(edited)
    const [gpu] = parsedValue(result).gpus
    // The other units are still N/A: 4 is a floor, enough to fail a gate, and the warning says so.
    expect(gpu?.ecc.aggregate.correctable).toEqual(isKnown(4))
    expect(result.ok && result.warnings.some((warning) => warning.includes('ECC aggregate single_bit'))).toBe(true)
  })

  it('570+ layout: SRAM parity and SEC-DED uncorrectable counts add to DRAM, edited into rtx-3080-v13.xml', () => {
    const edited = fixture('influxdata+telegraf/rtx-3080-v13.xml').replace(
      /<aggregate>[\s\S]*?<\/aggregate>/,
      `<aggregate>
        <sram_correctable>12</sram_correctable>
        <sram_uncorrectable_parity>1</sram_uncorrectable_parity>
        <sram_uncorrectable_secded>2</sram_uncorrectable_secded>
        <dram_correctable>3</dram_correctable>
        <dram_uncorrectable>4</dram_uncorrectable>
        <sram_threshold_exceeded>No</sram_threshold_exceeded>
      </aggregate>`,
    )
    const [gpu] = parsedValue(parseNvidiaSmiXml(edited)).gpus
    expect(gpu?.ecc.aggregate).toEqual({ correctable: isKnown(15), uncorrectable: isKnown(7) })
    expect(gpu?.ecc.volatile.uncorrectable).toEqual(isUnknown('N/A'))
  })

  it('retired pages pending and remapped rows pending or failed, edited into tesla-t4.xml and a10g.xml', () => {
    const retired = t4
      .replace(/(<double_bit_retirement>\s*<retired_count>)0/, '$12')
      .replace('<pending_retirement>No</pending_retirement>', '<pending_retirement>Yes</pending_retirement>')
    const [t4Gpu] = parsedValue(parseNvidiaSmiXml(retired)).gpus
    expect(t4Gpu?.retiredPages).toEqual({
      singleBit: isKnown(0),
      doubleBit: isKnown(2),
      pendingRetirement: isKnown(true),
    })

    const remapped = fixture('influxdata+telegraf/a10g.xml')
      .replace('<remapped_row_unc>0</remapped_row_unc>', '<remapped_row_unc>1</remapped_row_unc>')
      .replace('<remapped_row_pending>No</remapped_row_pending>', '<remapped_row_pending>Yes</remapped_row_pending>')
    const [a10g] = parsedValue(parseNvidiaSmiXml(remapped)).gpus
    expect(a10g?.remappedRows).toEqual({
      correctable: isKnown(0),
      uncorrectable: isKnown(1),
      pending: isKnown(true),
      failure: isKnown(false),
    })
  })

  it('reads reset required from a recovery action of Reset, and from "GPU requires reset" in place of values', () => {
    const recovery = fixture('influxdata+telegraf/rtx-3080-v13.xml').replace(
      '<gpu_recovery_action>None</gpu_recovery_action>',
      '<gpu_recovery_action>Reset</gpu_recovery_action>',
    )
    expect(parsedValue(parseNvidiaSmiXml(recovery)).gpus[0]?.resetRequired).toEqual(isKnown(true))

    const lost = t4.replace('<gpu_temp>40 C</gpu_temp>', '<gpu_temp>GPU requires reset</gpu_temp>')
    const result = parseNvidiaSmiXml(lost)
    const [gpu] = parsedValue(result).gpus
    expect(gpu?.temperatureC).toEqual(isUnknown('GPU requires reset'))
    expect(gpu?.resetRequired).toEqual(isKnown(true))
  })

  it('reads one <gpu> and many alike (arrays forced), and decodes entities in process names', () => {
    const twice = t4
      .replace(/(<gpu id="[^"]+">[\s\S]*<\/gpu>)/, '$1\n$1')
      .replace('<process_name>python</process_name>', '<process_name>train &amp; eval</process_name>')
    const value = parsedValue(parseNvidiaSmiXml(twice))
    expect(value.gpus.map((gpu) => gpu.index)).toEqual([0, 1])
    expect(value.gpus[0]?.processes.map((process) => process.name)).toEqual(['/usr/lib/xorg/Xorg', 'train & eval'])
    expect(value.gpus[1]?.processes.map((process) => process.name)).toEqual(['/usr/lib/xorg/Xorg', 'python'])
  })
})
