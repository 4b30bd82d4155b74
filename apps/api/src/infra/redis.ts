// The API's Redis connection (rate limits; job producers later); every connection opened here is closed by its owner.
import { Redis } from 'ioredis'

export function createRedis(url: string, name: string): Redis {
  return new Redis(url, {
    connectionName: name,
    // The API answers people: while Redis is down a command waits for one reconnection attempt and
    // then fails (a 503), instead of hanging the request and /readyz until Redis returns. Only BullMQ's
    // blocking workers need `maxRetriesPerRequest: null`; they open their own connections (apps/worker).
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    enableReadyCheck: true,
    lazyConnect: false,
  })
}
