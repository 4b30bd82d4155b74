// Time comes from one place so tests can pin it and the domain stays pure.
export interface Clock {
  now(): Date
}
export const systemClock: Clock = { now: () => new Date() }
