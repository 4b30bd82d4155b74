// Runs the job catalog's queues: parses each payload, dispatches to its handler, keeps a heartbeat,
// and on shutdown lets running jobs finish within a grace period before handing them back.
import { type Job, Queue, Worker } from 'bullmq'
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import { JOB_QUEUES, JOBS, type JobName, type JobQueue } from '@cabinet/contracts'
import type { Db } from '@cabinet/db'
import { createJobProducer, type JobProducer } from '@cabinet/queue'
import { type HandlerDeps, type JobHandlers, jobHandlers } from './handlers'
import { measureJob, reportQueueDepthsFrom } from './metrics'

export interface WorkerDeps {
  db: Db
  /** Blocking connection for the workers; BullMQ needs maxRetriesPerRequest: null. */
  connection: Redis
  prefix: string
  concurrency: number
  /** Per-queue concurrency where a queue needs its own (the fleet's probes); `concurrency` elsewhere. */
  queueConcurrency?: Partial<Record<JobQueue, number>>
  heartbeatIntervalMs: number
  logger: Logger
  now?: () => Date
  /** What each job does: the catalog's handlers unless another implementation is given. */
  handlers?: JobHandlers
  /** Where handlers enqueue follow-up jobs: a producer on `connection` unless another is given. */
  jobs?: JobProducer
}

function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOBS, name)
}

export async function dispatch(
  job: Pick<Job, 'name' | 'data' | 'id'>,
  deps: HandlerDeps,
  handlers: JobHandlers = jobHandlers,
): Promise<unknown> {
  if (!isJobName(job.name)) throw new Error(`unknown job ${job.name}`)
  const payload = JOBS[job.name].payload.parse(job.data)
  // TypeScript cannot correlate the name with its payload across the union of jobs; the payload was
  // just parsed with this job's own schema, so it is the one its handler takes.
  const handler = handlers[job.name] as (payload: unknown, deps: HandlerDeps) => Promise<unknown>
  return handler(payload, deps)
}

export async function startWorker(deps: WorkerDeps) {
  // Unique per instance, so two workers in one process never share (and delete) one heartbeat.
  const id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
  const jobs = deps.jobs ?? createJobProducer({ connection: deps.connection, prefix: deps.prefix })
  const handlerDeps: HandlerDeps = { db: deps.db, now: deps.now ?? (() => new Date()), jobs, logger: deps.logger }
  reportQueueDepthsFrom({ jobs, logger: deps.logger })
  // Jobs in progress in this process, so a shutdown can say what it is waiting for.
  let running = 0
  const run = async (job: Job) => {
    running += 1
    try {
      return await measureJob(job.name, () => dispatch(job, handlerDeps, deps.handlers))
    } finally {
      running -= 1
    }
  }
  const workers = JOB_QUEUES.map(
    (queue) =>
      new Worker(queue, run, {
        connection: deps.connection,
        prefix: deps.prefix,
        concurrency: deps.queueConcurrency?.[queue] ?? deps.concurrency,
      }),
  )
  for (const worker of workers) {
    worker.on('failed', (job, error) => deps.logger.warn({ job: job?.name, jobId: job?.id, err: error }, 'job failed'))
    worker.on('completed', (job, result) => deps.logger.info({ job: job.name, jobId: job.id, result }, 'job completed'))
    worker.on('error', (error) => deps.logger.error({ err: error }, 'worker error'))
  }

  // Recurring jobs are declared once, here; upserting is idempotent across restarts and replicas.
  const queues = JOB_QUEUES.map((queue) => new Queue(queue, { connection: deps.connection, prefix: deps.prefix }))
  for (const [name, definition] of Object.entries(JOBS)) {
    if (!('every' in definition)) continue
    const queue = queues[JOB_QUEUES.indexOf(definition.queue)]
    // Each run gets the catalog's retry policy: a failed purge is retried, not dropped until the next hour.
    await queue?.upsertJobScheduler(
      name,
      { pattern: definition.every },
      {
        name,
        data: {},
        opts: { attempts: definition.attempts, backoff: { type: 'exponential', delay: definition.backoffMs } },
      },
    )
  }

  const heartbeatKey = `${deps.prefix}:workers:${id}`
  const beat = () =>
    deps.connection.set(heartbeatKey, new Date().toISOString(), 'PX', deps.heartbeatIntervalMs * 3).then(
      () => undefined,
      (error: unknown) => deps.logger.warn({ err: error }, 'heartbeat failed'),
    )
  await beat()
  const heartbeat = setInterval(beat, deps.heartbeatIntervalMs)
  deps.logger.info({ id, queues: JOB_QUEUES }, 'worker started')

  return {
    id,
    heartbeatKey,
    /** Stops taking jobs; running ones get `graceMs` to finish, then are handed back to the queue. */
    async stop(graceMs: number) {
      clearInterval(heartbeat)
      const graceful = Promise.all(workers.map((worker) => worker.close()))
      if (running > 0) deps.logger.info({ running, graceMs }, 'stopping: waiting for running jobs to finish')
      const timedOut = await Promise.race([
        graceful.then(() => false),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(true), graceMs).unref()),
      ])
      // Past the grace period, force-close: BullMQ's stalled-job check hands the jobs to another worker.
      if (timedOut) await Promise.all(workers.map((worker) => worker.close(true)))
      await Promise.all(queues.map((queue) => queue.close()))
      if (!deps.jobs) await jobs.close()
      await deps.connection.del(heartbeatKey)
    },
  }
}
