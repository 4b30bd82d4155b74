// NVIDIA's minimum-driver table as Cabinet holds it, pinned row by row, and the version arithmetic under it:
// each release passes at exactly its minimum and fails one patch below.
import { describe, expect, it } from 'vitest'
import {
  CUDA_DRIVER_TABLE,
  CudaCompatError,
  checkDriverForCuda,
  compareDriverVersions,
  findCudaRelease,
  formatCudaVersion,
  minimumDriverFor,
  parseCudaVersion,
} from '../../src/compat'

/** Every release the issue names, with the Linux x86_64 minimum from NVIDIA's Table 3. */
const EXPECTED_MINIMUMS: [cuda: string, driver: string][] = [
  ['11.8', '520.61.05'],
  ['12.0', '525.60.13'],
  ['12.0.1', '525.85.12'],
  ['12.1', '530.30.02'],
  ['12.1.1', '530.30.02'],
  ['12.2', '535.54.03'],
  ['12.2.1', '535.86.09'],
  ['12.2.2', '535.104.05'],
  ['12.3', '545.23.06'],
  ['12.3.1', '545.23.08'],
  ['12.4', '550.54.14'],
  ['12.4.1', '550.54.15'],
  ['12.5', '555.42.02'],
  ['12.5.1', '555.42.06'],
  ['12.6', '560.28.03'],
  ['12.6.1', '560.35.03'],
  ['12.6.2', '560.35.03'],
  ['12.6.3', '560.35.05'],
  ['12.8', '570.26'],
  ['12.8.1', '570.124.06'],
  ['12.9', '575.51.03'],
  ['12.9.1', '575.57.08'],
  ['13.0', '580.65.06'],
  ['13.0.1', '580.82.07'],
  ['13.0.2', '580.95.05'],
  ['13.1', '590.44.01'],
  ['13.1.1', '590.48.01'],
]

/** 550.54.14 -> 550.54.13, 530.30.02 -> 530.30.01 (keeps the printed width of the last part). */
function onePatchBelow(driver: string): string {
  const parts = driver.split('.')
  const last = parts.pop() ?? '0'
  return [...parts, String(Number(last) - 1).padStart(last.length, '0')].join('.')
}

describe('minimumDriverFor', () => {
  it.each(EXPECTED_MINIMUMS)('CUDA %s needs driver %s', (cuda, driver) => {
    expect(minimumDriverFor(cuda)).toBe(driver)
  })

  it('holds exactly the pinned rows, newest first', () => {
    expect(CUDA_DRIVER_TABLE.map((row) => formatCudaVersion(row.cuda))).toEqual(
      EXPECTED_MINIMUMS.map(([cuda]) => formatCudaVersion(parseCudaVersion(cuda))).reverse(),
    )
  })

  it('marks the one row not read from NVIDIA itself', () => {
    const vendored = CUDA_DRIVER_TABLE.filter((row) => row.source !== 'nvidia-release-notes')
    expect(vendored.map((row) => formatCudaVersion(row.cuda))).toEqual(['13.1.1'])
  })

  it.each([
    ['12.4', '12.4.0'],
    ['12.4.1', '12.4.1'],
    ['CUDA 12.4 Update 1', '12.4.1'],
    ['12.4 GA', '12.4.0'],
    ['  13.0 update 2 ', '13.0.2'],
  ])('reads %j as %s', (text, version) => {
    expect(formatCudaVersion(findCudaRelease(text).cuda)).toBe(version)
  })

  it.each([
    ['12.7', 'UNKNOWN_CUDA_VERSION', /CUDA 12\.7 GA .*Cabinet knows CUDA 11\.8 to 13\.1/],
    ['12.3.2', 'UNKNOWN_CUDA_VERSION', /CUDA 12\.3 Update 2 \(12\.3\.2\).*known 12\.3 releases: 12\.3\.1, 12\.3\.0/],
    ['11.7', 'UNKNOWN_CUDA_VERSION', /11\.7/],
    ['14.0', 'UNKNOWN_CUDA_VERSION', /14\.0/],
    ['twelve', 'INVALID_CUDA_VERSION', /"twelve" is not a CUDA version/],
    ['12', 'INVALID_CUDA_VERSION', /not a CUDA version/],
  ])('refuses CUDA %j with %s and a clear message', (cuda, code, message) => {
    const attempt = () => minimumDriverFor(cuda)
    expect(attempt).toThrow(CudaCompatError)
    expect(attempt).toThrow(message)
    try {
      attempt()
    } catch (error) {
      expect(error).toMatchObject({ code })
    }
  })
})

describe('every release at its boundary', () => {
  it.each(EXPECTED_MINIMUMS)('CUDA %s: %s runs it natively, one patch below does not', (cuda, driver) => {
    const gpuModel = 'NVIDIA H100 80GB HBM3'
    expect(checkDriverForCuda({ driver, cuda, gpuModel })).toMatchObject({ compatible: true, mode: 'native' })
    const below = onePatchBelow(driver)
    expect(compareDriverVersions(below, driver)).toBe(-1)
    expect(checkDriverForCuda({ driver: below, cuda, gpuModel })).toMatchObject({
      compatible: false,
      mode: 'incompatible',
      code: 'DRIVER_TOO_OLD',
      requiredDriver: driver,
    })
  })
})

describe('compareDriverVersions', () => {
  it.each([
    ['535.104.05', '535.86.09', 1],
    ['535.86.09', '535.104.05', -1],
    ['560.35.03', '560.35.05', -1],
    ['570.26', '570.26.0', 0],
    ['570.26', '570.124.06', -1],
    ['580.65.06', '575.57.08', 1],
    ['525.60.13', ' 525.60.13 ', 0],
  ])('%s vs %s is %i', (a, b, expected) => {
    expect(compareDriverVersions(a, b)).toBe(expected)
  })

  it.each(['latest', '550.54.x', '', 'v550.54.14'])('refuses %j as a driver version', (driver) => {
    expect(() => compareDriverVersions(driver, '550.54.14')).toThrow(/is not an NVIDIA driver version/)
  })
})
