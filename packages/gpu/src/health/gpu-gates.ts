// Per-GPU hardware gates: uncorrectable ECC, row remapping, page retirement, reset required, hardware
// slowdown and temperature. Each judges every GPU; an unreadable input is inconclusive, never a pass.
import type { GpuSnapshot, NodeSnapshot } from '../model'
import {
  eachGpu,
  failed,
  type Finding,
  type HealthGateContext,
  inconclusive,
  passed,
  passedWith,
  printed,
} from './findings'

/** The same board in the baseline: by UUID when both know it, else by index. */
function baselineGpu(baseline: NodeSnapshot | undefined, gpu: GpuSnapshot): GpuSnapshot | undefined {
  if (!baseline) return undefined
  if (gpu.uuid.known) {
    const uuid = gpu.uuid.value
    const byUuid = baseline.gpus.find((candidate) => candidate.uuid.known && candidate.uuid.value === uuid)
    if (byUuid) return byUuid
    // The baseline knows UUIDs but not this one: a different board sits at this index now.
    if (baseline.gpus.some((candidate) => candidate.uuid.known)) return undefined
  }
  return baseline.gpus.find((candidate) => candidate.index === gpu.index)
}

/**
 * With a baseline, new errors are growth of the aggregate (lifetime) uncorrectable count, or of the volatile
 * count beyond the baseline's (the volatile count resets when the new driver loads, and aggregates may be
 * persisted late). Without one, any volatile uncorrectable error since the driver loaded fails.
 */
export function eccGate({ input, ...context }: HealthGateContext): Finding[] {
  return eachGpu({ input, ...context }, (gpu) => {
    const before = baselineGpu(input.baseline, gpu)
    const aggregateNow = gpu.ecc.aggregate.uncorrectable
    const aggregateThen = before?.ecc.aggregate.uncorrectable
    const volatileNow = gpu.ecc.volatile.uncorrectable
    const volatileThen = before?.ecc.volatile.uncorrectable
    const findings: Finding[] = []
    const aggregateComparable = aggregateNow.known && aggregateThen?.known === true
    if (aggregateNow.known && aggregateThen?.known && aggregateNow.value > aggregateThen.value) {
      findings.push(
        failed(
          'ECC_UNCORRECTABLE_NEW',
          `aggregate uncorrectable ECC errors grew from ${aggregateThen.value} to ${aggregateNow.value} since the baseline`,
        ),
      )
    }
    if (volatileNow.known) {
      const floor = volatileThen?.known ? volatileThen.value : 0
      if (volatileNow.value > floor) {
        findings.push(
          before
            ? failed(
                'ECC_UNCORRECTABLE_NEW',
                `volatile uncorrectable ECC errors: ${volatileNow.value} (baseline ${floor})`,
              )
            : failed(
                'ECC_UNCORRECTABLE_VOLATILE',
                `${volatileNow.value} uncorrectable ECC errors since the driver loaded`,
              ),
        )
      }
    }
    if (findings.length) return findings
    if (aggregateComparable || volatileNow.known) return [passed()]
    if (gpu.eccEnabled?.known && !gpu.eccEnabled.value) {
      return [inconclusive('ECC_DISABLED', 'ECC is disabled: uncorrectable errors would go undetected')]
    }
    return [inconclusive('ECC_UNKNOWN', `uncorrectable ECC count unreadable (printed ${printed(volatileNow)})`)]
  })
}

const knownAny = (...readings: { known: boolean }[]): boolean => readings.some((reading) => reading.known)

/**
 * Ampere and newer remap rows; older GPUs retire pages instead, and nvidia-smi prints N/A for the mechanism
 * a GPU lacks. That N/A is not an unknown when the other mechanism reads fine: the gate does not apply.
 */
export function rowRemapGate(context: HealthGateContext): Finding[] {
  return eachGpu(context, (gpu) => {
    const { pending, failure } = gpu.remappedRows
    const findings: Finding[] = []
    if (failure.known && failure.value)
      findings.push(failed('ROW_REMAP_FAILED', 'row remapping failed: the GPU needs service'))
    if (pending.known && pending.value)
      findings.push(failed('ROW_REMAP_PENDING', 'a row remap is pending: the GPU needs a reset'))
    if (findings.length) return findings
    if (pending.known && failure.known) return [passed()]
    const pages = gpu.retiredPages
    if (!knownAny(pending, failure) && knownAny(pages.pendingRetirement, pages.singleBit, pages.doubleBit)) {
      return [passedWith('NOT_APPLICABLE', 'no row remapping on this GPU (it retires pages instead)')]
    }
    return [
      inconclusive(
        'ROW_REMAP_UNKNOWN',
        `row remap status unreadable (pending ${printed(pending)}, failure ${printed(failure)})`,
      ),
    ]
  })
}

export function pageRetirementGate(context: HealthGateContext): Finding[] {
  return eachGpu(context, (gpu) => {
    const { pendingRetirement } = gpu.retiredPages
    if (pendingRetirement.known) {
      return pendingRetirement.value
        ? [failed('PAGE_RETIREMENT_PENDING', 'pages are pending retirement: the GPU needs a reset')]
        : [passed()]
    }
    const rows = gpu.remappedRows
    if (knownAny(rows.pending, rows.failure, rows.correctable, rows.uncorrectable)) {
      return [passedWith('NOT_APPLICABLE', 'no page retirement on this GPU (it remaps rows instead)')]
    }
    return [
      inconclusive(
        'PAGE_RETIREMENT_UNKNOWN',
        `pending page retirement unreadable (printed ${printed(pendingRetirement)})`,
      ),
    ]
  })
}

/** Reset status, and on drivers 570+ the recovery action NVML recommends ("None" when nothing is needed). */
export function resetRequiredGate(context: HealthGateContext): Finding[] {
  return eachGpu(context, (gpu) => {
    const { resetRequired, recoveryAction, drainAndResetRecommended } = gpu
    const findings: Finding[] = []
    if (resetRequired.known && resetRequired.value)
      findings.push(failed('RESET_REQUIRED', 'the GPU must be reset before use'))
    const action = recoveryAction?.known ? recoveryAction.value.trim() : null
    if (action !== null && action.toLowerCase() !== 'none') {
      findings.push(failed('RESET_REQUIRED', `NVML recommends recovery action "${action}"`))
    }
    if (drainAndResetRecommended?.known && drainAndResetRecommended.value) {
      findings.push(failed('RESET_REQUIRED', 'drain and reset recommended'))
    }
    if (findings.length) return findings
    if (resetRequired.known || action !== null) return [passed()]
    return [inconclusive('RESET_STATUS_UNKNOWN', `reset status unreadable (printed ${printed(resetRequired)})`)]
  })
}

/**
 * hw_slowdown is the umbrella reason: nvidia-smi documents it as engaged whenever the temperature is too high,
 * the external power brake is asserted or power draw is too high. So when it reads Not Active, the thermal and
 * power-brake sub-reasons (absent on older drivers) cannot be active either.
 */
export function hwSlowdownGate(context: HealthGateContext): Finding[] {
  return eachGpu(context, (gpu) => {
    const { hwSlowdown, hwThermalSlowdown, hwPowerBrakeSlowdown } = gpu.clockEventReasons
    const findings: Finding[] = []
    if (hwSlowdown.known && hwSlowdown.value) findings.push(failed('HW_SLOWDOWN', 'HW slowdown is active'))
    if (hwThermalSlowdown.known && hwThermalSlowdown.value) {
      findings.push(failed('HW_THERMAL_SLOWDOWN', 'HW thermal slowdown is active'))
    }
    if (hwPowerBrakeSlowdown.known && hwPowerBrakeSlowdown.value) {
      findings.push(failed('HW_POWER_BRAKE_SLOWDOWN', 'HW power brake slowdown is active'))
    }
    if (findings.length) return findings
    // The sub-reasons alone (both Not Active) do not clear the gate: the umbrella also covers power draw.
    if (hwSlowdown.known) return [passed()]
    return [
      inconclusive(
        'THROTTLE_REASONS_UNKNOWN',
        `hardware slowdown unreadable (hw_slowdown ${printed(hwSlowdown)}, thermal ${printed(hwThermalSlowdown)}, power brake ${printed(hwPowerBrakeSlowdown)})`,
      ),
    ]
  })
}

/**
 * Below the slowdown threshold and below a configured limit, whichever is lower; on boards that print only
 * margins to T.Limit (drivers 550+), above the slowdown margin. Any readable check that fails fails the GPU.
 */
export function temperatureGate({ input, ...context }: HealthGateContext): Finding[] {
  return eachGpu({ input, ...context }, (gpu) => {
    const checks: Finding[] = []
    const temperature = gpu.temperatureC
    const limits: { value: number; name: string }[] = []
    if (gpu.temperatureLimitsC.slowdown.known) {
      limits.push({ value: gpu.temperatureLimitsC.slowdown.value, name: 'the slowdown threshold' })
    }
    if (input.expected.maxTemperatureC !== undefined) {
      limits.push({ value: input.expected.maxTemperatureC, name: 'the configured limit' })
    }
    if (temperature.known && limits.length) {
      const limit = limits.reduce((a, b) => (b.value < a.value ? b : a))
      checks.push(
        temperature.value >= limit.value
          ? failed('TEMPERATURE_LIMIT_REACHED', `${temperature.value} °C reached ${limit.name} (${limit.value} °C)`)
          : passed(),
      )
    }
    if (input.expected.maxTemperatureC !== undefined && !temperature.known) {
      checks.push(
        inconclusive(
          'TEMPERATURE_UNKNOWN',
          `cannot compare temperature (${printed(temperature)}) with the configured limit (${input.expected.maxTemperatureC} °C)`,
        ),
      )
    }
    const margin = gpu.temperatureMarginC
    if (margin?.current.known && margin.slowdown.known) {
      checks.push(
        margin.current.value <= margin.slowdown.value
          ? failed(
              'TEMPERATURE_LIMIT_REACHED',
              `${margin.current.value} °C below T.Limit reached the slowdown margin (${margin.slowdown.value} °C)`,
            )
          : passed(),
      )
    }
    if (checks.length) return checks
    return [
      inconclusive(
        'TEMPERATURE_UNKNOWN',
        `cannot compare temperature (${printed(temperature)}) with a limit (slowdown threshold ${printed(gpu.temperatureLimitsC.slowdown)})`,
      ),
    ]
  })
}
