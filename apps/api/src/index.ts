// What other workspace packages (the benchmarks) may use to build an API in-process.
export { type AppDeps, buildApp } from './app'
export { type ApiConfig, readConfig } from './config/env'
export { systemClock } from './infra/clock'
export { createRedis } from './infra/redis'
