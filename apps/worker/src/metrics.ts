// The worker's Prometheus metrics, in one registry served on WORKER_METRICS_PORT: job durations and
// outcomes by job name, queue depths, and the counters job handlers increment (probe failures,
// rollout node states). Handlers import what they need from here; nothing else creates metrics.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'
import { JOB_QUEUES, JOBS } from '@cabinet/contracts'
import type { JobProducer } from '@cabinet/queue'
import type { Logger } from 'pino'

export const registry = new Registry()
collectDefaultMetrics({ register: registry, prefix: 'cabinet_worker_' })

export const jobDurationSeconds = new Histogram({
  name: 'cabinet_job_duration_seconds',
  help: 'How long each job ran, by job name and outcome (completed or failed)',
  labelNames: ['job', 'outcome'] as const,
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900],
  registers: [registry],
})

export const jobsTotal = new Counter({
  name: 'cabinet_jobs_total',
  help: 'Jobs run, by job name and outcome (completed or failed)',
  labelNames: ['job', 'outcome'] as const,
  registers: [registry],
})

/** Node probes that failed, by why (error, timeout, gate_failed): the fleet.probe-node job increments it. */
export const probeFailuresTotal = new Counter({
  name: 'cabinet_probe_failures_total',
  help: 'Node probes that failed, by reason',
  labelNames: ['reason'] as const,
  registers: [registry],
})

/** How long each node probe's commands ran (the run, not its storage), by the run's status (ok, error, timeout). */
export const probeDurationSeconds = new Histogram({
  name: 'cabinet_probe_duration_seconds',
  help: 'Node probe run time, by status (ok, error, timeout)',
  labelNames: ['status'] as const,
  buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
  registers: [registry],
})

/** Nodes of running rollouts in each executor state (pending, draining, applying, ..., failed): the rollout work sets it. */
export const rolloutNodeStates = new Gauge({
  name: 'cabinet_rollout_node_states',
  help: 'Nodes of active rollouts per executor state',
  labelNames: ['state'] as const,
  registers: [registry],
})

const QUEUE_STATES = ['waiting', 'delayed', 'active', 'prioritized', 'failed'] as const
let queueSource: { jobs: Pick<JobProducer, 'counts'>; logger: Logger } | null = null

/** Where the queue-depth gauge reads from at scrape time: the running worker's producer. */
export function reportQueueDepthsFrom(source: typeof queueSource) {
  queueSource = source
}

new Gauge({
  name: 'cabinet_queue_jobs',
  help: 'Jobs in each BullMQ queue by state, read at scrape time',
  labelNames: ['queue', 'state'] as const,
  registers: [registry],
  async collect() {
    this.reset()
    if (!queueSource) return
    for (const queue of JOB_QUEUES) {
      try {
        const counts = await queueSource.jobs.counts(queue)
        for (const state of QUEUE_STATES) this.set({ queue, state }, counts[state] ?? 0)
      } catch (error) {
        // Redis down: the scrape still reports job metrics; the missing series shows the outage.
        queueSource.logger.warn({ err: error, queue }, 'queue depth unavailable for /metrics')
      }
    }
  },
})

/** Runs one job and records its duration and outcome; the job's result or error passes through unchanged. */
export async function measureJob<T>(name: string, run: () => Promise<T>): Promise<T> {
  // Names outside the catalog are refused by dispatch; one label for them keeps the series bounded.
  const job = Object.hasOwn(JOBS, name) ? name : 'unknown'
  const stop = jobDurationSeconds.startTimer({ job })
  try {
    const result = await run()
    stop({ outcome: 'completed' })
    jobsTotal.inc({ job, outcome: 'completed' })
    return result
  } catch (error) {
    stop({ outcome: 'failed' })
    jobsTotal.inc({ job, outcome: 'failed' })
    throw error
  }
}

/** Serves GET /metrics on its own port (plain HTTP, no other routes). Port 0 in tests picks a free one. */
export async function startMetricsServer(options: { port: number; host: string; logger: Logger }) {
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n')
      return
    }
    registry.metrics().then(
      (body) => response.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (error: unknown) => {
        options.logger.error({ err: error }, 'metrics scrape failed')
        response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n')
      },
    )
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  options.logger.info({ port, host: options.host }, 'worker metrics listening')
  return {
    port,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  }
}
