// Per-GPU hardware gates (ECC, row remap, page retirement, reset, hardware slowdown, temperature), each
// passing, failing and inconclusive: one edit of GPU 1 of a healthy 4-GPU node per row.
import { describe } from 'vitest'
import { known, unknown } from '../../src/common/readings'
import { NA } from './builders'
import { type GateRow, gpu1, runGateRows } from './gate-table'

const ROWS: GateRow[] = [
  // ecc
  { title: 'no uncorrectable ECC error', gate: 'ecc', verdict: 'pass', codes: [] },
  {
    title: 'volatile uncorrectable errors, no baseline',
    gate: 'ecc',
    edit: (n) => {
      gpu1(n).ecc.volatile.uncorrectable = known(2)
    },
    verdict: 'fail',
    codes: ['ECC_UNCORRECTABLE_VOLATILE'],
  },
  {
    title: 'ECC counters unreadable',
    gate: 'ecc',
    edit: (n) => {
      gpu1(n).ecc.volatile.uncorrectable = NA
      gpu1(n).ecc.aggregate.uncorrectable = NA
    },
    verdict: 'inconclusive',
    codes: ['ECC_UNKNOWN'],
  },
  {
    title: 'ECC disabled',
    gate: 'ecc',
    edit: (n) => {
      gpu1(n).ecc.volatile.uncorrectable = NA
      gpu1(n).eccEnabled = known(false)
    },
    verdict: 'inconclusive',
    codes: ['ECC_DISABLED'],
  },
  // row-remap
  { title: 'no remap pending or failed', gate: 'row-remap', verdict: 'pass', codes: [] },
  {
    title: 'remap pending',
    gate: 'row-remap',
    edit: (n) => {
      gpu1(n).remappedRows.pending = known(true)
    },
    verdict: 'fail',
    codes: ['ROW_REMAP_PENDING'],
  },
  {
    title: 'remap failed',
    gate: 'row-remap',
    edit: (n) => {
      gpu1(n).remappedRows.failure = known(true)
    },
    verdict: 'fail',
    codes: ['ROW_REMAP_FAILED'],
  },
  {
    title: 'remap status unreadable',
    gate: 'row-remap',
    edit: (n) => {
      gpu1(n).remappedRows.pending = NA
    },
    verdict: 'inconclusive',
    codes: ['ROW_REMAP_UNKNOWN'],
  },
  {
    title: 'pre-Ampere GPU retires pages instead',
    gate: 'row-remap',
    edit: (n) => {
      gpu1(n).remappedRows = { correctable: NA, uncorrectable: NA, pending: NA, failure: NA }
    },
    verdict: 'pass',
    codes: ['NOT_APPLICABLE'],
  },
  // page-retirement
  { title: 'no page pending retirement', gate: 'page-retirement', verdict: 'pass', codes: [] },
  {
    title: 'pages pending retirement',
    gate: 'page-retirement',
    edit: (n) => {
      gpu1(n).retiredPages.pendingRetirement = known(true)
    },
    verdict: 'fail',
    codes: ['PAGE_RETIREMENT_PENDING'],
  },
  {
    title: 'both mechanisms unreadable',
    gate: 'page-retirement',
    edit: (n) => {
      gpu1(n).retiredPages.pendingRetirement = NA
      gpu1(n).remappedRows = { correctable: NA, uncorrectable: NA, pending: NA, failure: NA }
    },
    verdict: 'inconclusive',
    codes: ['PAGE_RETIREMENT_UNKNOWN'],
  },
  {
    title: 'Ampere+ remaps rows instead',
    gate: 'page-retirement',
    edit: (n) => {
      gpu1(n).retiredPages = { singleBit: NA, doubleBit: NA, pendingRetirement: NA }
    },
    verdict: 'pass',
    codes: ['NOT_APPLICABLE'],
  },
  // reset-required
  { title: 'no reset required', gate: 'reset-required', verdict: 'pass', codes: [] },
  {
    title: 'reset required',
    gate: 'reset-required',
    edit: (n) => {
      gpu1(n).resetRequired = known(true)
    },
    verdict: 'fail',
    codes: ['RESET_REQUIRED'],
  },
  {
    title: 'recovery action Reboot (570+)',
    gate: 'reset-required',
    edit: (n) => {
      gpu1(n).recoveryAction = known('Reboot')
    },
    verdict: 'fail',
    codes: ['RESET_REQUIRED'],
  },
  {
    title: 'recovery action None, reset status absent',
    gate: 'reset-required',
    edit: (n) => {
      gpu1(n).resetRequired = unknown(null)
      gpu1(n).recoveryAction = known('None')
    },
    verdict: 'pass',
    codes: [],
  },
  {
    title: 'reset status unreadable',
    gate: 'reset-required',
    edit: (n) => {
      gpu1(n).resetRequired = NA
    },
    verdict: 'inconclusive',
    codes: ['RESET_STATUS_UNKNOWN'],
  },
  // hw-slowdown
  { title: 'no hardware slowdown', gate: 'hw-slowdown', verdict: 'pass', codes: [] },
  {
    title: 'HW slowdown active',
    gate: 'hw-slowdown',
    edit: (n) => {
      gpu1(n).clockEventReasons.hwSlowdown = known(true)
    },
    verdict: 'fail',
    codes: ['HW_SLOWDOWN'],
  },
  {
    title: 'HW thermal slowdown active',
    gate: 'hw-slowdown',
    edit: (n) => {
      gpu1(n).clockEventReasons.hwThermalSlowdown = known(true)
    },
    verdict: 'fail',
    codes: ['HW_THERMAL_SLOWDOWN'],
  },
  {
    title: 'HW power brake active',
    gate: 'hw-slowdown',
    edit: (n) => {
      gpu1(n).clockEventReasons.hwPowerBrakeSlowdown = known(true)
    },
    verdict: 'fail',
    codes: ['HW_POWER_BRAKE_SLOWDOWN'],
  },
  {
    title: 'older driver: only hw_slowdown printed',
    gate: 'hw-slowdown',
    edit: (n) => {
      gpu1(n).clockEventReasons.hwThermalSlowdown = unknown(null)
      gpu1(n).clockEventReasons.hwPowerBrakeSlowdown = unknown(null)
    },
    verdict: 'pass',
    codes: [],
  },
  {
    title: 'hw_slowdown unreadable',
    gate: 'hw-slowdown',
    edit: (n) => {
      gpu1(n).clockEventReasons.hwSlowdown = NA
    },
    verdict: 'inconclusive',
    codes: ['THROTTLE_REASONS_UNKNOWN'],
  },
  // temperature
  { title: 'below the slowdown threshold', gate: 'temperature', verdict: 'pass', codes: [] },
  {
    title: 'at the slowdown threshold',
    gate: 'temperature',
    edit: (n) => {
      gpu1(n).temperatureC = known(87)
    },
    verdict: 'fail',
    codes: ['TEMPERATURE_LIMIT_REACHED'],
  },
  {
    title: 'above a configured limit below slowdown',
    gate: 'temperature',
    edit: (n) => {
      gpu1(n).temperatureC = known(80)
    },
    expected: { maxTemperatureC: 75 },
    verdict: 'fail',
    codes: ['TEMPERATURE_LIMIT_REACHED'],
  },
  {
    title: 'T.Limit margins only, above the slowdown margin',
    gate: 'temperature',
    edit: (n) => {
      gpu1(n).temperatureC = NA
      gpu1(n).temperatureLimitsC.slowdown = NA
      gpu1(n).temperatureMarginC = {
        current: known(35),
        slowdown: known(-2),
        shutdown: known(-5),
        maxOperating: known(0),
      }
    },
    verdict: 'pass',
    codes: [],
  },
  {
    title: 'T.Limit margin at slowdown',
    gate: 'temperature',
    edit: (n) => {
      gpu1(n).temperatureMarginC = {
        current: known(-2),
        slowdown: known(-2),
        shutdown: known(-5),
        maxOperating: known(0),
      }
    },
    verdict: 'fail',
    codes: ['TEMPERATURE_LIMIT_REACHED'],
  },
  {
    title: 'no threshold to compare with',
    gate: 'temperature',
    edit: (n) => {
      gpu1(n).temperatureLimitsC.slowdown = NA
    },
    verdict: 'inconclusive',
    codes: ['TEMPERATURE_UNKNOWN'],
  },
  {
    title: 'configured limit, temperature unreadable',
    gate: 'temperature',
    edit: (n) => {
      gpu1(n).temperatureC = NA
    },
    expected: { maxTemperatureC: 80 },
    verdict: 'inconclusive',
    codes: ['TEMPERATURE_UNKNOWN'],
  },
]

describe('GPU gates', () => {
  runGateRows(ROWS)
})
