// The fleet's job handlers: probe one node, sweep for stale nodes, prune raw output. Each is
// idempotent: a probe's job id is stored with its run, and the sweeps only converge.
import { readFleetConfig } from '../fleet/config'
import { type ProbeNodeOutcome, probeNode } from '../fleet/probe-node'
import { enqueueStaleProbes, probeJobId, pruneRawOutput } from '../fleet/sweeps'
import type { DomainHandlers } from '../handler-types'
import { probeDurationSeconds, probeFailuresTotal } from '../metrics'

/**
 * Counts a stored run in the worker's metrics: its duration, and a failure by why (the probe errored,
 * timed out, or ran and a health gate failed). A redelivered job that did nothing counts nothing.
 */
export function recordProbeMetrics(outcome: ProbeNodeOutcome): void {
  if (outcome.outcome !== 'probed') return
  probeDurationSeconds.observe({ status: outcome.status }, outcome.durationMs / 1000)
  if (outcome.status !== 'ok') probeFailuresTotal.inc({ reason: outcome.status })
  else if (outcome.verdict === 'fail') probeFailuresTotal.inc({ reason: 'gate_failed' })
}

export const fleetHandlers = {
  async 'fleet.probe-node'(payload, { db, now, logger }) {
    const outcome = await probeNode(
      { db, now, logger, config: readFleetConfig() },
      { ...payload, jobId: probeJobId(payload.nodeId, payload.requestId) },
    )
    recordProbeMetrics(outcome)
    if (outcome.outcome === 'probed' && outcome.verdict !== 'pass') {
      logger.info({ nodeId: payload.nodeId, ...outcome }, 'probe found a node not healthy')
    }
    return outcome
  },
  async 'fleet.probe-stale'(_payload, deps) {
    return enqueueStaleProbes(deps, readFleetConfig())
  },
  async 'fleet.prune-raw'(_payload, { db }) {
    return pruneRawOutput(db, readFleetConfig())
  },
} satisfies DomainHandlers<'fleet.probe-node' | 'fleet.probe-stale' | 'fleet.prune-raw'>
