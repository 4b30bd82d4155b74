// Words and colours for the fleet's vocabularies, the same on every fleet page.
import type { DriftField, DriftStatus, FleetHealth, HealthGateName, ProbeStatus } from '@cabinet/contracts'

export const fleetHealthLabels: Record<FleetHealth, string> = {
  pass: 'Healthy',
  fail: 'Failing',
  inconclusive: 'Inconclusive',
  never_probed: 'Never probed',
}

export const fleetHealthColors: Record<FleetHealth, string> = {
  pass: 'green',
  fail: 'red',
  inconclusive: 'yellow',
  never_probed: 'gray',
}

/** The same colours as Mantine's palette at shade 6, for the charts (recharts takes plain colours). */
export const fleetHealthChartColors: Record<FleetHealth, string> = {
  pass: 'var(--mantine-color-green-6)',
  fail: 'var(--mantine-color-red-6)',
  inconclusive: 'var(--mantine-color-yellow-6)',
  never_probed: 'var(--mantine-color-gray-5)',
}

export const probeStatusLabels: Record<ProbeStatus, string> = {
  ok: 'Ran',
  error: 'Errored',
  timeout: 'Timed out',
}

export const driftFieldLabels: Record<DriftField, string> = {
  driver: 'Driver',
  firmware: 'Firmware',
  cuda: 'CUDA',
  gpu_count: 'GPU count',
}

export const driftStatusLabels: Record<DriftStatus, string> = {
  open: 'Open',
  accepted: 'Accepted',
  resolved: 'Resolved',
}

export const healthGateLabels: Record<HealthGateName, string> = {
  'driver-version': 'Driver version',
  'cuda-version': 'CUDA version',
  'gpus-visible': 'GPUs visible',
  'critical-xid': 'Critical XIDs',
  ecc: 'Uncorrectable ECC',
  'row-remap': 'Row remapping',
  'page-retirement': 'Page retirement',
  'reset-required': 'Reset required',
  'hw-slowdown': 'Hardware slowdown',
  temperature: 'Temperature',
  'dcgm-diag': 'DCGM diagnostic',
}
