// Enqueues jobs from the job catalog. The API and the worker both enqueue through this, so every job
// gets the catalog's attempts, backoff and payload check, whoever sends it.
//
// The database is the source of truth; a job only says "look at this now". Services enqueue after
// their transaction commits, so a worker never sees a job for a row that was rolled back, and a job
// lost to a Redis outage is recovered by the recurring sweep of its domain.
import { type JobsOptions, Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import { JOB_QUEUES, JOBS, type JobName, type JobPayload, type JobQueue } from '@cabinet/contracts'

export interface EnqueueOptions {
  /**
   * A deterministic id makes enqueueing idempotent: BullMQ ignores a second job with the id of one it
   * still holds. BullMQ refuses ids containing ':', so build them with '.' or '-' (see jobId()).
   */
  jobId?: string
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number
}

export interface JobProducer {
  enqueue<N extends JobName>(name: N, payload: JobPayload<N>, options?: EnqueueOptions): Promise<void>
  enqueueBulk<N extends JobName>(
    name: N,
    jobs: ReadonlyArray<{ payload: JobPayload<N>; options?: EnqueueOptions }>,
  ): Promise<void>
  /** Jobs waiting, delayed or running per queue: what /metrics and tests read. */
  counts(queue: JobQueue): Promise<Record<string, number>>
  close(): Promise<void>
}

/** Joins the parts of a deterministic job id with a separator BullMQ accepts. */
export function jobId(...parts: Array<string | number>): string {
  return parts.map((part) => String(part).replaceAll(':', '.')).join('-')
}

export function createJobProducer(options: { connection: Redis; prefix: string }): JobProducer {
  const queues = new Map<JobQueue, Queue>()
  const queueFor = (name: JobQueue) => {
    let queue = queues.get(name)
    if (!queue) {
      queue = new Queue(name, { connection: options.connection, prefix: options.prefix })
      queues.set(name, queue)
    }
    return queue
  }

  function jobOptions(name: JobName, extra: EnqueueOptions | undefined): JobsOptions {
    const definition = JOBS[name]
    return {
      jobId: extra?.jobId,
      delay: extra?.delayMs && extra.delayMs > 0 ? extra.delayMs : undefined,
      attempts: definition.attempts,
      backoff: { type: 'exponential', delay: definition.backoffMs },
      // Finished jobs are history the database already keeps; Redis holds only a short tail.
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 5000 },
    }
  }

  return {
    async enqueue(name, payload, extra) {
      const data = JOBS[name].payload.parse(payload)
      await queueFor(JOBS[name].queue).add(name, data, jobOptions(name, extra))
    },
    async enqueueBulk(name, jobs) {
      if (jobs.length === 0) return
      const schema = JOBS[name].payload
      await queueFor(JOBS[name].queue).addBulk(
        jobs.map((job) => ({ name, data: schema.parse(job.payload), opts: jobOptions(name, job.options) })),
      )
    },
    async counts(queue) {
      if (!JOB_QUEUES.includes(queue)) throw new Error(`unknown queue ${queue}`)
      return queueFor(queue).getJobCounts('waiting', 'delayed', 'active', 'failed', 'completed', 'prioritized')
    },
    async close() {
      await Promise.all([...queues.values()].map((queue) => queue.close()))
      queues.clear()
    },
  }
}
