// The critical XIDs of DESIGN.md's health gate, and Xid 63's dependence on a pending row remap.
import { describe, expect, it } from 'vitest'
import { CRITICAL_XIDS, xidSeverity } from '../../src/xid'

describe('CRITICAL_XIDS', () => {
  it('holds exactly the XIDs the design names, each with a one-line meaning', () => {
    expect([...CRITICAL_XIDS.keys()]).toEqual([48, 62, 63, 64, 74, 79, 94, 95, 109, 119, 120, 140, 143])
    for (const entry of CRITICAL_XIDS.values()) {
      expect(entry.meaning).not.toBe('')
      expect(entry.meaning).not.toContain('\n')
    }
    expect(CRITICAL_XIDS.get(79)?.meaning).toContain('fallen off the bus')
  })

  it.each([
    [79, null, 'critical'],
    [48, false, 'critical'],
    [63, true, 'critical'],
    [63, false, 'not-critical'],
    [63, null, 'inconclusive'],
    [43, null, 'not-critical'],
    [13, true, 'not-critical'],
  ] as const)('Xid %i with row remap pending %s is %s', (xid, pending, severity) => {
    expect(xidSeverity(xid, pending)).toBe(severity)
  })
})
