// Database access shared by the API, the worker, the seed and the benchmarks.
export * from './audit'
export * from './audit-export-reader'
export * from './audit-manifest'
export * from './audit-verify'
export * from './client'
export * from './generated/prisma/client'
