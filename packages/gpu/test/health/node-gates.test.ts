// Node-level gates (driver, CUDA, visible GPUs, critical XIDs, DCGM diag), each passing, failing and
// inconclusive: one edit of a healthy 4-GPU node per row.
import { describe } from 'vitest'
import { known, unknown } from '../../src/common/readings'
import { diag, NA, xid } from './builders'
import { type GateRow, gpu1, runGateRows } from './gate-table'

const ROWS: GateRow[] = [
  // driver-version
  { title: 'driver equals the target', gate: 'driver-version', verdict: 'pass', codes: [] },
  {
    title: 'driver equal with a trailing .0',
    gate: 'driver-version',
    expected: { driverVersion: '570.124.06.0' },
    verdict: 'pass',
    codes: [],
  },
  {
    title: 'driver differs',
    gate: 'driver-version',
    edit: (n) => {
      n.driverVersion = known('550.54.15')
    },
    verdict: 'fail',
    codes: ['DRIVER_VERSION_MISMATCH'],
  },
  {
    title: 'driver unreadable',
    gate: 'driver-version',
    edit: (n) => {
      n.driverVersion = NA
    },
    verdict: 'inconclusive',
    codes: ['DRIVER_VERSION_UNKNOWN'],
  },
  // cuda-version
  { title: 'CUDA equals the target', gate: 'cuda-version', verdict: 'pass', codes: [] },
  {
    title: 'CUDA 12.8 matches an expected 12.8.1',
    gate: 'cuda-version',
    expected: { cudaVersion: '12.8.1' },
    verdict: 'pass',
    codes: [],
  },
  {
    title: 'CUDA differs',
    gate: 'cuda-version',
    edit: (n) => {
      n.cudaVersion = known('12.4')
    },
    verdict: 'fail',
    codes: ['CUDA_VERSION_MISMATCH'],
  },
  {
    title: 'CUDA unreadable',
    gate: 'cuda-version',
    edit: (n) => {
      n.cudaVersion = unknown(null)
    },
    verdict: 'inconclusive',
    codes: ['CUDA_VERSION_UNKNOWN'],
  },
  // gpus-visible
  { title: 'all expected GPUs visible', gate: 'gpus-visible', verdict: 'pass', codes: [] },
  {
    title: 'expected UUIDs all visible',
    gate: 'gpus-visible',
    expected: { gpuUuids: ['GPU-00000000-aaaa-bbbb-cccc-dddddddddddd', 'gpu-00000003-AAAA-bbbb-cccc-dddddddddddd'] },
    verdict: 'pass',
    codes: [],
  },
  {
    title: 'a GPU fell off',
    gate: 'gpus-visible',
    edit: (n) => {
      n.gpus.pop()
      n.attachedGpus = known(3)
    },
    verdict: 'fail',
    codes: ['GPU_MISSING'],
  },
  {
    title: 'more GPUs than the inventory says',
    gate: 'gpus-visible',
    expected: { gpuCount: 2 },
    verdict: 'inconclusive',
    codes: ['GPU_COUNT_UNEXPECTED'],
  },
  {
    title: 'an expected UUID is gone',
    gate: 'gpus-visible',
    expected: { gpuUuids: ['GPU-ffffffff'] },
    verdict: 'fail',
    codes: ['GPU_UUID_MISSING'],
  },
  {
    title: 'an expected UUID cannot be verified',
    gate: 'gpus-visible',
    edit: (n) => {
      gpu1(n).uuid = NA
    },
    expected: { gpuUuids: ['GPU-ffffffff'] },
    verdict: 'inconclusive',
    codes: ['GPU_UUID_UNVERIFIABLE'],
  },
  {
    title: 'output lists fewer GPUs than attached',
    gate: 'gpus-visible',
    edit: (n) => {
      n.gpus.splice(2)
    },
    verdict: 'inconclusive',
    codes: ['GPU_DETAILS_TRUNCATED'],
  },
  {
    title: 'no GPU and none expected',
    gate: 'gpus-visible',
    edit: (n) => {
      n.gpus = []
      n.attachedGpus = known(0)
    },
    expected: { gpuCount: undefined },
    verdict: 'fail',
    codes: ['NO_GPUS'],
  },
  // critical-xid
  { title: 'no XID logged', gate: 'critical-xid', input: { xids: { events: [] } }, verdict: 'pass', codes: [] },
  {
    title: 'a non-critical XID (13)',
    gate: 'critical-xid',
    input: { xids: { events: [xid(13, '0000:28:00')] } },
    verdict: 'pass',
    codes: [],
  },
  {
    title: 'XID 79 fell off the bus',
    gate: 'critical-xid',
    input: { xids: { events: [xid(79, '0000:28:00')] } },
    verdict: 'fail',
    codes: ['XID_CRITICAL'],
  },
  {
    title: 'XID 48 before the change began',
    gate: 'critical-xid',
    input: {
      xids: { events: [xid(48, '0000:28:00', '2031-06-02T09:00:00Z')], since: new Date('2031-06-02T10:00:00Z') },
    },
    verdict: 'pass',
    codes: [],
  },
  {
    title: 'XID 48 after the change began',
    gate: 'critical-xid',
    input: {
      xids: { events: [xid(48, '0000:28:00', '2031-06-02T10:05:00Z')], since: new Date('2031-06-02T10:00:00Z') },
    },
    verdict: 'fail',
    codes: ['XID_CRITICAL'],
  },
  {
    title: 'XID 94 at an uptime, since as uptime',
    gate: 'critical-xid',
    input: { xids: { events: [xid(94, '0000:28:00', '[  812.33]')], since: { secondsSinceBoot: 600 } } },
    verdict: 'fail',
    codes: ['XID_CRITICAL'],
  },
  {
    title: 'XID 94 at an uptime, since as a date',
    gate: 'critical-xid',
    input: { xids: { events: [xid(94, '0000:28:00', '812.33')], since: new Date('2031-06-02T10:00:00Z') } },
    verdict: 'inconclusive',
    codes: ['XID_TIME_UNKNOWN'],
  },
  {
    title: 'XID 63 without a pending remap',
    gate: 'critical-xid',
    input: { xids: { events: [xid(63, '0000:28:00')] } },
    verdict: 'pass',
    codes: [],
  },
  {
    title: 'XID 63 with a pending remap',
    gate: 'critical-xid',
    edit: (n) => {
      gpu1(n).remappedRows.pending = known(true)
    },
    input: { xids: { events: [xid(63, '0000:28:00')] } },
    verdict: 'fail',
    codes: ['XID_CRITICAL'],
  },
  {
    title: 'XID 63, remap status unreadable',
    gate: 'critical-xid',
    edit: (n) => {
      gpu1(n).remappedRows.pending = NA
    },
    input: { xids: { events: [xid(63, '0000:28:00')] } },
    verdict: 'inconclusive',
    codes: ['XID_REMAP_STATUS_UNKNOWN'],
  },
  {
    title: 'XID 119 with seconds since boot from the parser',
    gate: 'critical-xid',
    input: {
      xids: {
        events: [{ ...xid(119, '0000:28:00', 'Jun 02 10:31:07'), sinceBootSeconds: 219.47 }],
        since: { secondsSinceBoot: 100 },
      },
    },
    verdict: 'fail',
    codes: ['XID_CRITICAL'],
  },
  {
    title: 'XID 79 with no time at all, since given',
    gate: 'critical-xid',
    input: { xids: { events: [xid(79, '0000:28:00', null)], since: { secondsSinceBoot: 100 } } },
    verdict: 'inconclusive',
    codes: ['XID_TIME_UNKNOWN'],
  },
  // dcgm-diag
  {
    title: 'diag passed at the required level',
    gate: 'dcgm-diag',
    expected: { diagLevel: 3 },
    input: { diag: diag() },
    verdict: 'pass',
    codes: [],
  },
  {
    title: 'diag failed on GPU 2',
    gate: 'dcgm-diag',
    input: {
      diag: diag({
        overall: 'fail',
        tests: [
          {
            category: 'Hardware',
            name: 'Memory',
            verdict: 'fail',
            gpus: [{ gpuId: 2, verdict: 'fail', info: ['DBE detected'] }],
            info: [],
            warnings: [],
          },
        ],
      }),
    },
    verdict: 'fail',
    codes: ['DIAG_FAILED'],
  },
  {
    title: 'diag warned',
    gate: 'dcgm-diag',
    input: { diag: diag({ overall: 'warn' }) },
    verdict: 'inconclusive',
    codes: ['DIAG_WARNING'],
  },
  {
    title: 'diag required, none run',
    gate: 'dcgm-diag',
    expected: { diagLevel: 2 },
    verdict: 'inconclusive',
    codes: ['DIAG_MISSING'],
  },
  {
    title: 'diag at a lower level than required',
    gate: 'dcgm-diag',
    expected: { diagLevel: 3 },
    input: { diag: diag({ level: known(1) }) },
    verdict: 'inconclusive',
    codes: ['DIAG_LEVEL_TOO_LOW'],
  },
  {
    title: 'diag level unreadable',
    gate: 'dcgm-diag',
    expected: { diagLevel: 3 },
    input: { diag: diag({ level: unknown(null) }) },
    verdict: 'inconclusive',
    codes: ['DIAG_LEVEL_UNKNOWN'],
  },
  {
    title: 'diag not run',
    gate: 'dcgm-diag',
    input: { diag: diag({ overall: 'not-run', tests: [] }) },
    verdict: 'inconclusive',
    codes: ['DIAG_INCOMPLETE'],
  },
  {
    title: 'inferred level below the required one',
    gate: 'dcgm-diag',
    expected: { diagLevel: 3 },
    input: { diag: diag({ level: known(2), levelInferred: true }) },
    verdict: 'inconclusive',
    codes: ['DIAG_LEVEL_TOO_LOW'],
  },
  {
    title: 'dcgmi could not run',
    gate: 'dcgm-diag',
    input: { diag: diag({ overall: 'not-run', tests: [], runtimeError: 'Unable to connect to host engine' }) },
    verdict: 'inconclusive',
    codes: ['DIAG_INCOMPLETE'],
  },
]

describe('node gates', () => {
  runGateRows(ROWS)
})
