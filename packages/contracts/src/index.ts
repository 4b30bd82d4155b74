// zod schemas for every request and response, shared by the API, the console and the CLI.
export * from './auth'
export * from './catalog'
export * from './changes'
export * from './common'
export * from './fleet'
export * from './health'
export * from './jobs'
export * from './vocabulary'
