// Measures the GPU side of Cabinet against baselines measured in the same run: parse throughput per output
// format (beside JSON.parse, and fast-xml-parser alone for XML), and probing a fleet of simulated nodes
// through the local transport (beside spawning the same simulator with a trivial command). Run with
// `pnpm bench:gpu`; see docs/benchmarks.md.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createFleet, type PhaseFigures, probePhase, spawnBaselinePhase } from './gpu-bench-fleet'
import { measureHealth, measureParsing, type ParseFigures, ROOT, SIM_DRIVER } from './gpu-bench-parse'

function setting(name: string, fallback: number, integer: boolean): number {
  const raw = process.env[name]
  const value = raw === undefined || raw === '' ? fallback : Number(raw)
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new Error(`${name} must be a positive ${integer ? 'whole ' : ''}number, got ${JSON.stringify(raw)}`)
  }
  return value
}

const NODES = setting('BENCH_GPU_NODES', 1000, true)
const CONCURRENCY = setting('BENCH_GPU_CONCURRENCY', 32, true)
const PARSE_S = setting('BENCH_GPU_PARSE_S', 2, false)
const PARSE_WARMUP_S = setting('BENCH_GPU_PARSE_WARMUP_S', 0.5, false)
const RESULT_FILE = resolve(ROOT, '.data/bench/gpu.json')
/** Beyond this a full run is long enough to say so before it starts. */
const LONG_RUN_S = 300

function printTable(header: string[], lines: string[][], leftColumns = 1) {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => line[column]?.length ?? 0)),
  )
  const format = (cells: string[]) =>
    cells.map((cell, column) =>
      column < leftColumns ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
    )
  console.log(`\n  ${format(header).join('  ')}`)
  console.log(`  ${widths.map((width) => '-'.repeat(width)).join('  ')}`)
  for (const line of lines) console.log(`  ${format(line).join('  ')}`)
}

function printParseTable(rows: ParseFigures[]) {
  printTable(
    ['format', 'input', 'KiB', 'docs/s', 'MB/s', 'JSON.parse MB/s', 'ratio', 'fast-xml-parser MB/s', 'ratio'],
    rows.map((row) => [
      row.format,
      row.input,
      (row.bytes / 1024).toFixed(1),
      String(row.ours.docsPerSecond),
      row.ours.mbPerSecond.toFixed(1),
      row.jsonParse.mbPerSecond.toFixed(1),
      row.ratioToJsonParse.toFixed(3),
      row.xmlParser ? row.xmlParser.mbPerSecond.toFixed(1) : '',
      row.ratioToXmlParser === undefined ? '' : row.ratioToXmlParser.toFixed(3),
    ]),
    2,
  )
  for (const row of rows) {
    if (!row.xmlValidator) continue
    console.log(
      `  ${row.input}: XMLValidator.validate alone ${row.xmlValidator.mbPerSecond.toFixed(1)} MB/s ` +
        '(our parser validates first, then parses, then reads the tree into the model)',
    )
  }
}

function printProbeTable(rows: PhaseFigures[]) {
  printTable(
    [
      'phase',
      'nodes',
      'in flight',
      'seconds',
      'nodes/s',
      'p50 ms',
      'p99 ms',
      'max ms',
      'failures',
      'parent CPU %',
      'parent CPU ms/node',
      'child CPU s/spawn',
    ],
    rows.map((row) => [
      row.phase,
      String(row.nodes),
      String(row.concurrency),
      row.seconds.toFixed(1),
      row.nodesPerSecond.toFixed(2),
      String(row.p50Ms),
      String(row.p99Ms),
      String(row.maxMs),
      String(row.failures),
      String(row.parentCpuPercent),
      row.parentCpuMsPerNode.toFixed(1),
      row.childCpuSecondsPerSpawn === null ? 'n/a' : row.childCpuSecondsPerSpawn.toFixed(2),
    ]),
  )
}

/** Which code was measured: the commit, and whether the working tree differed from it. */
function sourceVersion(): { commit: string; dirty: boolean } {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim()
    return { commit: git('rev-parse', '--short', 'HEAD'), dirty: git('status', '--porcelain').length > 0 }
  } catch {
    return { commit: 'unknown', dirty: false }
  }
}

async function main() {
  const loadBefore = loadavg()[0] ?? 0
  console.log(
    `[bench] ${cpus().length} CPUs, load average ${loadBefore.toFixed(2)} before the run; ` +
      `${NODES} simulated nodes at ${CONCURRENCY} in flight; parsing ${PARSE_S} s per measurement after ${PARSE_WARMUP_S} s of warm-up`,
  )
  const fleetDir = mkdtempSync(join(tmpdir(), 'cabinet-bench-gpu-'))
  const cleanUp = () => rmSync(fleetDir, { recursive: true, force: true })
  // Ctrl-C during a long run must not leave a thousand state folders behind.
  const onSignal = (signal: NodeJS.Signals) => {
    cleanUp()
    process.kill(process.pid, signal)
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  let failed = false
  try {
    const fleetStarted = performance.now()
    const fleet = createFleet(fleetDir, NODES)
    const fleetSeconds = Math.round(performance.now() - fleetStarted) / 1000
    console.log(`[bench] wrote ${NODES} node state folders (8x H100, driver ${SIM_DRIVER}) in ${fleetSeconds} s`)

    // Warm-up: one round of spawns, untimed in the results, which also warms tsx's cache and gives the projection.
    const warmup = await spawnBaselinePhase(fleet.slice(0, Math.min(CONCURRENCY, NODES)), CONCURRENCY)
    if (warmup.failures > 0) throw new Error(`the simulator does not start: ${warmup.sampleFailure}`)
    const projectedS = Math.round((2 * NODES) / Math.max(warmup.nodesPerSecond, 1e-6))
    console.log(
      `[bench] note: each spawn is a Node + tsx start (${warmup.childCpuSecondsPerSpawn ?? '~0.4'} s CPU measured here), ` +
        `so the probe phase measures orchestration (transport, parsing, health) against spawn cost on ${cpus().length} cores`,
    )
    console.log(
      `[bench] projected: ~${Math.round(projectedS / 6) / 10} min for the two ${NODES}-node phases ` +
        `(${warmup.nodesPerSecond} spawns/s in the warm-up)` +
        (projectedS > LONG_RUN_S ? '; set BENCH_GPU_NODES=200 (or fewer) for a shorter run' : ''),
    )

    console.log('[bench] parse throughput')
    const parsing = await measureParsing(PARSE_S, PARSE_WARMUP_S)
    const health = measureHealth(PARSE_S, PARSE_WARMUP_S)

    console.log(`[bench] spawning the simulator ${NODES} times (baseline)`)
    const baseline = await spawnBaselinePhase(fleet, CONCURRENCY)
    console.log(`[bench] probing ${NODES} nodes`)
    const probe = await probePhase(fleet, CONCURRENCY)
    const loadAfter = loadavg()[0] ?? 0

    const phases = [baseline, probe].map(({ parseAndHealthMs: _, ...figures }) => figures)
    printParseTable(parsing)
    console.log(
      `  evaluateNodeHealth on the parsed 8x H100 snapshot: ${health.perSecond} nodes/s (${health.microseconds} µs each)`,
    )
    printProbeTable(phases)
    const ratio = Math.round((probe.nodesPerSecond / Math.max(baseline.nodesPerSecond, 1e-9)) * 1000) / 1000
    console.log(`\n  probe/baseline nodes/s: ${ratio}`)
    console.log(
      `  parse + health: ${probe.parseAndHealthWallMsMean} ms wall per node in this process (waiting for a core ` +
        'behind the simulators included; parent CPU ms/node is the cost without the wait)',
    )
    console.log(`  load average ${loadBefore.toFixed(2)} before the run, ${loadAfter.toFixed(2)} after`)

    mkdirSync(resolve(RESULT_FILE, '..'), { recursive: true })
    writeFileSync(
      RESULT_FILE,
      `${JSON.stringify(
        {
          at: new Date().toISOString(),
          machine: {
            cpus: cpus().length,
            cpuModel: cpus()[0]?.model ?? 'unknown',
            node: process.version,
            loadAverageBefore: loadBefore,
            loadAverageAfter: loadAfter,
          },
          source: sourceVersion(),
          settings: {
            nodes: NODES,
            concurrency: CONCURRENCY,
            parseSeconds: PARSE_S,
            parseWarmupSeconds: PARSE_WARMUP_S,
            simulatedNode: { model: 'H100', gpus: 8, driver: SIM_DRIVER },
          },
          parsing,
          health,
          fleet: { nodes: NODES, writeSeconds: fleetSeconds, projectedSeconds: projectedS },
          probing: { phases, ratio },
        },
        null,
        2,
      )}\n`,
    )
    console.log(`  written to ${RESULT_FILE}`)

    for (const phase of phases) {
      if (phase.failures === 0) continue
      failed = true
      console.error(`\n[bench] FAILED: ${phase.phase}: ${phase.failures} of ${phase.nodes} nodes failed`)
      if (phase.sampleFailure) console.error(`  sample: ${phase.sampleFailure}`)
    }
  } finally {
    cleanUp()
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
  if (failed) process.exitCode = 1
}

main().catch((error: unknown) => {
  console.error(`[bench] ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
})
