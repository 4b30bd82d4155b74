// Running allow-listed commands on GPU nodes: locally as child processes, or remotely over SSH.
export * from './commands'
export * from './errors'
export { createLocalTransport, type LocalTransportOptions } from './local'
export { shellCommand, shellQuote } from './shell-quote'
export { createSshTransport, type SshTransport, type SshTransportOptions, sshFingerprint } from './ssh'
export type * from './types'
