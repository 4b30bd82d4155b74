// DCGM's result words in every spelling its versions print ("Pass", "Skip - All", "Fail - GPUs: 0, 2",
// "" for not run), how verdicts combine, and the run level a set of tests implies.
import type { DiagTestResult, DiagVerdict } from '../model'

const VERDICT_WORDS: Record<string, DiagVerdict> = {
  pass: 'pass',
  passed: 'pass',
  fail: 'fail',
  failed: 'fail',
  failure: 'fail',
  error: 'fail',
  warn: 'warn',
  warning: 'warn',
  skip: 'skip',
  skipped: 'skip',
  'not run': 'not-run',
  'not-run': 'not-run',
  notrun: 'not-run',
  '': 'not-run',
}

/** A verdict word, or null when DCGM printed something this parser does not know. */
export function readVerdict(raw: string): DiagVerdict | null {
  const word = raw
    .trim()
    .toLowerCase()
    .replace(/\s+-\s+all$/, '')
  return VERDICT_WORDS[word] ?? null
}

/** "Pass - GPUs: 1, 2, 3" / "Fail - GPU: 0" (DCGM 3.x), or null when the text is not that shape. */
export function readGpuListVerdict(raw: string): { verdict: DiagVerdict; gpuIds: number[] } | null {
  const match = /^(\w+(?: \w+)?) - GPUs?: ([\d,\s]+)$/.exec(raw.trim())
  if (!match?.[1] || !match[2]) return null
  const verdict = readVerdict(match[1])
  if (!verdict) return null
  const gpuIds = match[2]
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map(Number)
  return { verdict, gpuIds }
}

const RANK: Record<DiagVerdict, number> = { fail: 4, warn: 3, pass: 2, skip: 1, 'not-run': 0 }

/** The worse of the verdicts: fail > warn > pass > skip > not run. */
export function worstVerdict(verdicts: Iterable<DiagVerdict>): DiagVerdict {
  let worst: DiagVerdict = 'not-run'
  for (const verdict of verdicts) if (RANK[verdict] > RANK[worst]) worst = verdict
  return worst
}

/**
 * Fail if any test failed, warn if any warned, pass only if some test ran and passed; a report where
 * every test was skipped is 'skip', one where nothing ran is 'not-run' — neither is a pass.
 */
export function overallVerdict(tests: readonly DiagTestResult[]): DiagVerdict {
  return worstVerdict(tests.flatMap((test) => [test.verdict, ...test.gpus.map((gpu) => gpu.verdict)]))
}

// Which run level first includes each test (DCGM user guide, "Run levels and tests"); names are
// compared without case, spaces or underscores so 3.x "Targeted Stress" and 4.x "targeted_stress" agree.
const LEVEL_OF_TEST: Record<string, number> = {
  software: 1,
  denylist: 1,
  nvmllibrary: 1,
  cudamainlibrary: 1,
  permissionsandosblocks: 1,
  persistencemode: 1,
  environmentvariables: 1,
  'pageretirement/rowremap': 1,
  graphicsprocesses: 1,
  inforom: 1,
  pcie: 2,
  memory: 2,
  gpumemory: 2,
  diagnostic: 3,
  targetedstress: 3,
  targetedpower: 3,
  memorybandwidth: 3,
  memtest: 4,
  pulsetest: 4,
}

export const testKey = (name: string): string => name.toLowerCase().replace(/[\s_]+/g, '')

/**
 * dcgmi prints no run level, so it is inferred: the highest level whose own tests appear. A level-3 run
 * that skipped every level-3 test still lists them, so the inference does not undercount skips.
 */
export function impliedLevel(tests: readonly DiagTestResult[]): number | null {
  let level: number | null = null
  for (const test of tests) {
    const testLevel = LEVEL_OF_TEST[testKey(test.name)]
    if (testLevel !== undefined && (level === null || testLevel > level)) level = testLevel
  }
  return level
}
