// Durations as pipelines write them for `cabinet gate wait --timeout/--interval`.
import { describe, expect, it } from 'vitest'
import { parseDuration } from '../src/duration'

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['15s', 15_000],
    ['2h', 7_200_000],
    ['1h30m', 5_400_000],
    ['1d', 86_400_000],
  ])('%s is %i ms', (text, ms) => {
    expect(parseDuration(text, '--timeout')).toBe(ms)
  })

  it.each(['', '2', 'two hours', '2h ', '-5s', '1.5h'])('refuses %j naming the flag', (text) => {
    expect(() => parseDuration(text, '--interval')).toThrow(/^--interval must be a duration/)
  })
})
