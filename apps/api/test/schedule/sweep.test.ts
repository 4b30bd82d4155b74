// The assistant's sweep over merged busy time and allowed (window) time: pure, so table-tested.
import { describe, expect, it } from 'vitest'
import { sweep } from '../../src/modules/schedule/conflicts.service'

const H = 3_600_000
const span = (start: number, end: number) => ({ start: start * H, end: end * H })

describe('sweep', () => {
  it.each([
    {
      name: 'nothing busy: back to back from the start',
      busy: [],
      allowed: null,
      expected: [
        [0, 2],
        [2, 4],
        [4, 6],
        [6, 8],
        [8, 10],
      ],
    },
    {
      name: 'skips over busy time',
      busy: [span(1, 3), span(5, 6)],
      allowed: null,
      expected: [
        [3, 5],
        [6, 8],
        [8, 10],
        [10, 12],
        [12, 14],
      ],
    },
    {
      name: 'only inside allowed windows, and only where the whole slot fits',
      busy: [span(24, 25)],
      allowed: [span(10, 11), span(20, 23), span(24, 30), span(40, 44)],
      expected: [
        [20, 22],
        [25, 27],
        [27, 29],
        [40, 42],
        [42, 44],
      ],
    },
    { name: 'stops at the end of the search', busy: [span(0, 95)], allowed: null, expected: [] },
  ])('$name', ({ busy, allowed, expected }) => {
    const slots = sweep(0, 96 * H, 2 * H, busy, allowed)
    expect(slots.map((slot) => [slot.start / H, slot.end / H])).toEqual(expected)
  })
})
