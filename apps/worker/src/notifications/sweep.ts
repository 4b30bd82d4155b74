// The safety net under the delivery jobs. A pending delivery is owed a job when its first attempt
// was never enqueued (a minute after it was written), or its next attempt (or a claimed attempt's
// deadline) is well past. Enqueueing uses the same job id as the normal path, so a job that does
// exist is not doubled, and the claim in deliver.ts keeps any POST from happening twice.
import { JOBS } from '@cabinet/contracts'
import { jobId } from '@cabinet/queue'
import type { HandlerDeps } from '../handler-types'

const GRACE_MS = 60_000
const BATCH = 500

export async function sweepDeliveries({ db, jobs, now }: HandlerDeps) {
  const cutoff = new Date(now().getTime() - GRACE_MS)
  const owed = await db.webhookDelivery.findMany({
    where: {
      status: 'pending',
      OR: [{ attemptCount: 0, nextAttemptAt: null, createdAt: { lt: cutoff } }, { nextAttemptAt: { lt: cutoff } }],
    },
    select: { id: true, attemptCount: true, attemptLimit: true },
    orderBy: { createdAt: 'asc' },
    take: BATCH,
  })
  let enqueued = 0
  let dead = 0
  for (const delivery of owed) {
    const attempt = delivery.attemptCount + 1
    if (attempt > delivery.attemptLimit) {
      // The lost attempt was the last one: nothing more may be tried without an admin's replay.
      const moved = await db.webhookDelivery.updateMany({
        where: { id: delivery.id, status: 'pending', attemptCount: delivery.attemptCount },
        data: { status: 'dead', lastError: 'the worker stopped during the last attempt', nextAttemptAt: null },
      })
      dead += moved.count
      continue
    }
    await jobs.enqueue(
      'notifications.deliver',
      { deliveryId: delivery.id, attempt },
      { jobId: jobId('webhook', delivery.id, String(attempt)) },
    )
    enqueued += 1
  }
  return { owed: owed.length, enqueued, dead, attemptsPerSet: JOBS['notifications.deliver'].attempts }
}
