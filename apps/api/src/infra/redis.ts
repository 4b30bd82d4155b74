// Redis connections with the settings BullMQ requires; every connection opened here is closed by its owner.
import { Redis } from 'ioredis'

export function createRedis(url: string, name: string): Redis {
  return new Redis(url, {
    connectionName: name,
    // BullMQ blocks on commands: it must never get a "max retries" error mid-command.
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    lazyConnect: false,
  })
}
