// One queue of the worker under test on the test Redis, with its events, under a private key prefix:
// what the BullMQ-level worker tests share. close() removes every key the prefix holds.
import { Queue, QueueEvents } from 'bullmq'
import { Redis } from 'ioredis'
import { testRedisUrl } from '../../../api/test/support/test-env'

export interface QueueHarness {
  connection: Redis
  queue: Queue
  queueEvents: QueueEvents
  close(): Promise<void>
}

export async function openQueueHarness(queueName: string, prefix: string, label: string): Promise<QueueHarness> {
  const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null, connectionName: `${prefix}-${label}` })
  const queue = new Queue(queueName, { connection, prefix })
  // QueueEvents blocks on its connection, so it gets one of its own and closes it itself.
  const redisUrl = new URL(testRedisUrl())
  const queueEvents = new QueueEvents(queueName, {
    connection: { host: redisUrl.hostname, port: Number(redisUrl.port || 6379), maxRetriesPerRequest: null },
    prefix,
  })
  await queueEvents.waitUntilReady()
  return {
    connection,
    queue,
    queueEvents,
    async close() {
      await queueEvents.close()
      await queue.close()
      const keys = await connection.keys(`${prefix}:*`)
      if (keys.length > 0) await connection.del(...keys)
      await connection.quit()
    },
  }
}
