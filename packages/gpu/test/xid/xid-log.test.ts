// XID lines as real kernel logs print them: dmesg with uptime stamps, dmesg -T, syslog, journalctl, the
// pre-R450 "Xid (0000:01:00)" form, pid='<unknown>'. Each fixture's source is in fixtures/extra/PROVENANCE.md.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { ParseResult } from '../../src/common/parse-error'
import { parseXidLog } from '../../src/xid'

const log = (name: string) => readFileSync(new URL(`../fixtures/extra/kernel-xid/${name}`, import.meta.url), 'utf8')

function value<T>(result: ParseResult<T>): T {
  if (!result.ok) throw result.error
  return result.value
}

describe('parseXidLog on real kernel logs', () => {
  it('finds the five Xid 119 (GSP timeout) lines among 43 lines of dmesg -T, with process and wall clock', () => {
    const result = parseXidLog(log('leptonai+gpud__dmesg-with-xid-119.log'))
    const events = value(result)
    expect(events.map((event) => [event.line, event.xid, event.pid, event.processName])).toEqual([
      [3, 119, 2024380, 'nvidia-smi'],
      [38, 119, 2024380, 'nvidia-smi'],
      [40, 119, 2024380, 'nvidia-smi'],
      [42, 119, 1263500, 'cache_mgr_main'],
      [43, 119, 1240590, 'gpud'],
    ])
    expect(events[0]).toMatchObject({ at: 'Sun Feb 23 16:24:18 2025', pciBusId: '0000:9b:00' })
    expect(events[0]?.message).toBe(
      'Timeout after 6s of waiting for RPC response from GPU4 GSP! Expected function 103 (GSP_RM_ALLOC) (0x2081 0x4).',
    )
    expect(result.ok && result.warnings).toEqual([])
  })

  it("reads syslog lines with both a wall clock and uptime, and pid='<unknown>' as no process", () => {
    const events = value(parseXidLog(log('nvidia+gpu-operator-1146__syslog-xid48-64.log')))
    expect(events).toHaveLength(2)
    expect(events[0]).toEqual({
      at: 'Dec  2 11:38:47',
      sinceBootSeconds: 219.470994,
      pciBusId: '0000:07:00',
      xid: 48,
      pid: null,
      processName: null,
      message:
        'An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at physAddr 0x7fffa8860 partition 7, subpartition 1.',
      line: 4,
    })
    expect(events[1]).toMatchObject({ xid: 64, line: 5 })
    expect(events[1]?.message).toMatch(/^Dynamic Page Retirement: Blacklisting failed\./)
  })

  it('reads dmesg -T lines: Xid 43, an MMU fault (31) and a contained ECC error (94) without a process', () => {
    const events = value(parseXidLog(log('akash-network+support-244__dmesg-T-xid43-31-94.log')))
    expect(events.map((event) => [event.xid, event.pciBusId])).toEqual([
      [43, '0000:00:05'],
      [43, '0000:00:05'],
      [31, '0000:00:07'],
      [94, '0000:00:08'],
    ])
    expect(events[2]).toMatchObject({ at: 'Mon Aug  5 03:54:13 2024', pid: 2512125, processName: 'python3.10' })
    expect(events[3]).toMatchObject({
      pid: null,
      processName: null,
      message: 'Contained: SM (0x1). RST: No, D-RST: No',
    })
  })

  it('reads journal lines without a clock, and a process name next to "caused by previous Xid"', () => {
    const events = value(parseXidLog(log('nvidia+open-gpu-kernel-modules-1150__journal-xid45.log')))
    expect(events).toHaveLength(7)
    expect(events[0]).toMatchObject({ at: null, xid: 45, pid: 1818990, processName: 'python3', pciBusId: '0000:dc:00' })
    expect(events[0]?.message).toBe('Ch 00000001 caused by previous Xid 149')
  })

  it('reads the pre-R450 form without "PCI:" and without a process', () => {
    const events = value(parseXidLog(log('bumblebee-project+bumblebee-329__kern-log-old-format-xid16.log')))
    expect(events.map((event) => event.xid)).toEqual([16, 16, 16, 16, 16, 16, 16, 16, 8])
    expect(events[0]).toMatchObject({
      pciBusId: '0000:01:00',
      pid: null,
      message: 'Head 00000000 Count 00000000',
      line: 2,
    })
  })

  it('reads bare dmesg uptime stamps', () => {
    const events = value(parseXidLog(log('bumblebee-project+bumblebee-677__dmesg-xid32-31.log')))
    expect(events[0]).toMatchObject({ at: '24128.828315', sinceBootSeconds: 24128.828315, xid: 32 })
    expect(events[2]).toMatchObject({ xid: 31, message: 'Ch 00000003, engmask 00000101, intr 10000000' })
  })

  it('reads Xid 13 and the context-switch timeout (109) from dmesg --ctime', () => {
    const events = value(parseXidLog(log('leptonai+gpud-pr46__dmesg-ctime-xid13-109.log')))
    expect(events.map((event) => event.xid)).toEqual([13, 13, 13, 109])
    expect(events[3]).toMatchObject({
      pid: 1797828,
      processName: 'pt_main_thread',
      message: 'Ch 00000008, errorString CTX SWITCH TIMEOUT, Info 0x58005',
    })
  })

  it('reads GSP errors (120), a micro-controller halt (62) and recovery actions (154) from the journal', () => {
    const events = value(parseXidLog(log('nvidia-forums-364958__journal-xid120-62-154.log')))
    expect(events.map((event) => event.xid)).toEqual([120, 154, 62, 154, 45])
    expect(events[0]?.at).toBe('Mar 29 15:38:59')
    expect(events[2]?.message).toBe('223b6a66 00002100 00000000 20662342 20662ba6 20664272 2065f7ca 2063f48c')
    expect(events[4]).toMatchObject({ pid: 12542, processName: 'VLLM::Worker', message: 'channel 0x00000002' })
  })

  it('reads NVLink5 Xid 149 lines on PCI domains other than 0000', () => {
    const events = value(parseXidLog(log('leptonai+gpud__kmsg-xid149-154.log')))
    expect(events.map((event) => [event.xid, event.pciBusId])).toEqual([
      [149, '0009:01:00'],
      [154, '0009:01:00'],
      [149, '0008:01:00'],
      [154, '0019:01:00'],
    ])
  })

  it('reads Xid 79 and Xid 63 with a pid but no process name', () => {
    expect(value(parseXidLog(log('nvidia+nvsentinel-155__xid79.log')))).toEqual([
      {
        at: null,
        pciBusId: '0000:44:00',
        xid: 79,
        pid: null,
        processName: null,
        message: 'GPU has fallen off the bus',
        line: 1,
      },
    ])
    expect(value(parseXidLog(log('stas00+ml-engineering__xid63.log')))[0]).toMatchObject({
      xid: 63,
      pid: 1896,
      processName: null,
      message: 'Row Remapper: New row marked for remapping, reset gpu to activate.',
    })
  })

  it('warns about a GPU reported fallen off the bus without an Xid 79, unless the Xid is there too', () => {
    const alone = parseXidLog(log('nvidia+nvsentinel-155__fallen-off-bus.log'))
    expect(value(alone)).toEqual([])
    expect(alone.ok && alone.warnings).toHaveLength(1)
    expect(alone.ok && alone.warnings[0]).toContain('GPU fallen off the bus without an Xid 79 line (line 3:')
    const both = parseXidLog(log('nvidia+nvsentinel-155__fallen-off-bus.log') + log('nvidia+nvsentinel-155__xid79.log'))
    expect(both.ok && both.warnings).toEqual([])
  })

  it('reads CRLF line endings the same way', () => {
    const text = log('akash-network+support-244__dmesg-T-xid43-31-94.log').replace(/\n/g, '\r\n')
    expect(value(parseXidLog(text)).map((event) => event.xid)).toEqual([43, 43, 31, 94])
  })
})

describe('parseXidLog on logs it cannot fully read', () => {
  it('gives an empty log an empty list', () => {
    expect(parseXidLog('')).toEqual({ ok: true, value: [], warnings: [] })
  })

  it('ignores NVRM lines that are not Xids', () => {
    const lines = log('nvidia+gpu-operator-1146__syslog-xid48-64.log').split('\n')
    expect(parseXidLog(lines.slice(0, 3).join('\n'))).toEqual({ ok: true, value: [], warnings: [] })
  })

  it('warns about an Xid line cut short instead of skipping it silently', () => {
    const lines = log('nvidia+gpu-operator-1146__syslog-xid48-64.log').split('\n')
    const cut = lines[3]?.slice(0, lines[3].indexOf('(PCI:0000:07:') + 12) ?? ''
    const result = parseXidLog([cut, lines[4]].join('\n'))
    expect(value(result).map((event) => [event.xid, event.line])).toEqual([[64, 2]])
    expect(result.ok && result.warnings).toEqual([`line 1: mentions an Xid but could not be read: ${cut.trim()}`])
  })

  it('refuses binary data', () => {
    const result = parseXidLog(Buffer.from([0x00, 0x01, 0x02, 0x03, 0x4e, 0x56, 0x52, 0x4d]).toString('latin1'))
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error).toMatchObject({ format: 'kernel-log-xid', where: 'input' })
  })
})
