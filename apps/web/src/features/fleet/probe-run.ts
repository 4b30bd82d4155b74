// Progress of a "Probe now" request, read from the node rows themselves: each node in scope is done
// once its last-probed time differs from what it was when the request was sent. Comparing with the
// node's own earlier value needs no agreement between the browser's clock and the server's.
import type { FleetNodeRow } from '@cabinet/contracts'

/** After this long the console stops polling even if some probes never reported back. */
export const PROBE_RUN_TIMEOUT_MS = 3 * 60_000
/** How often summary and table are refetched while probes run. */
export const PROBE_POLL_MS = 2_500

export interface ProbeRun {
  /** What was probed, in words ("3 selected nodes", "cluster dgx-a"). */
  scope: string
  /** Nodes the API accepted for probing. */
  requested: number
  /** Each watched node's last-probed time when the request went out. */
  baseline: ReadonlyMap<string, string | null>
  startedAt: number
}

export function startProbeRun(
  scope: string,
  requested: number,
  watched: readonly FleetNodeRow[],
  startedAt: number,
): ProbeRun {
  return { scope, requested, baseline: new Map(watched.map((row) => [row.id, row.lastProbedAt])), startedAt }
}

/** Watched nodes whose latest probe is newer than when the request went out. */
export function probedSince(run: ProbeRun, rows: readonly FleetNodeRow[]): number {
  let done = 0
  for (const row of rows) {
    if (!run.baseline.has(row.id)) continue
    if (row.lastProbedAt !== null && row.lastProbedAt !== run.baseline.get(row.id)) done += 1
  }
  return done
}
