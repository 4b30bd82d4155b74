// The latest probe per GPU, one card each, coloured by the GPU's verdict: temperature, power, memory,
// ECC, retired pages and remapped rows, throttle reasons. Unknown readings say so, never 0.
import type { GpuProbeRow } from '@cabinet/contracts'
import { Badge, Card, Group, Progress, SimpleGrid, Stack, Text } from '@mantine/core'
import { HealthBadge } from './HealthBadge'

const UNKNOWN = 'unknown'
const VERDICT_BORDER = {
  pass: 'var(--mantine-color-green-5)',
  fail: 'var(--mantine-color-red-6)',
  inconclusive: 'var(--mantine-color-yellow-5)',
} as const

const num = (value: number | null, unit: string, digits = 0) =>
  value === null ? UNKNOWN : `${value.toFixed(digits)}${unit}`
const yesNo = (value: boolean | null) => (value === null ? UNKNOWN : value ? 'yes' : 'no')

export function GpuCards({ gpus }: { gpus: GpuProbeRow[] }) {
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="sm">
      {gpus.map((gpu) => (
        <GpuCard key={gpu.index} gpu={gpu} />
      ))}
    </SimpleGrid>
  )
}

function GpuCard({ gpu }: { gpu: GpuProbeRow }) {
  const memoryPercent =
    gpu.memoryTotalMiB && gpu.memoryUsedMiB !== null ? Math.round((gpu.memoryUsedMiB / gpu.memoryTotalMiB) * 100) : null
  const powerPercent =
    gpu.powerLimitW && gpu.powerDrawW !== null ? Math.round((gpu.powerDrawW / gpu.powerLimitW) * 100) : null
  const uncorrectable = (gpu.ecc.volatileUncorrectable ?? 0) + (gpu.ecc.aggregateUncorrectable ?? 0)
  return (
    <Card
      withBorder
      radius="md"
      padding="sm"
      style={{ borderColor: VERDICT_BORDER[gpu.verdict], borderWidth: gpu.verdict === 'pass' ? 1 : 2 }}
      data-testid="gpu-card"
      data-verdict={gpu.verdict}
      aria-label={`GPU ${gpu.index}`}
    >
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap">
          <Text fw={600} size="sm" truncate title={gpu.name ?? undefined}>
            GPU {gpu.index} · {gpu.name ?? 'unknown model'}
          </Text>
          <HealthBadge health={gpu.verdict} size="sm" />
        </Group>
        {gpu.uuid && (
          <Text size="xs" c="dimmed" ff="monospace" truncate title={gpu.uuid}>
            {gpu.uuid}
            {gpu.pciBusId ? ` · ${gpu.pciBusId}` : ''}
          </Text>
        )}
        <Reading
          label="Temperature"
          value={num(gpu.temperatureC, ' °C')}
          alert={gpu.temperatureC !== null && gpu.temperatureC >= 85}
        />
        <Reading label="Power" value={`${num(gpu.powerDrawW, ' W')} / ${num(gpu.powerLimitW, ' W')}`} />
        {powerPercent !== null && (
          <Progress value={Math.min(100, powerPercent)} size="xs" aria-label="Power draw of limit" />
        )}
        <Reading label="Memory" value={`${num(gpu.memoryUsedMiB, ' MiB')} / ${num(gpu.memoryTotalMiB, ' MiB')}`} />
        {memoryPercent !== null && <Progress value={memoryPercent} size="xs" color="grape" aria-label="Memory used" />}
        <Reading label="Utilization" value={num(gpu.utilizationPercent, ' %')} />
        <Reading
          label="ECC uncorrectable (volatile / aggregate)"
          value={`${num(gpu.ecc.volatileUncorrectable, '')} / ${num(gpu.ecc.aggregateUncorrectable, '')}`}
          alert={uncorrectable > 0}
        />
        <Reading
          label="ECC correctable (volatile / aggregate)"
          value={`${num(gpu.ecc.volatileCorrectable, '')} / ${num(gpu.ecc.aggregateCorrectable, '')}`}
        />
        <Reading
          label="Retired pages (single / double, pending)"
          value={`${num(gpu.retiredPages.singleBit, '')} / ${num(gpu.retiredPages.doubleBit, '')}, ${yesNo(gpu.retiredPages.pending)}`}
          alert={gpu.retiredPages.pending === true}
        />
        <Reading
          label="Remapped rows (corr. / uncorr., pending, failed)"
          value={`${num(gpu.remappedRows.correctable, '')} / ${num(gpu.remappedRows.uncorrectable, '')}, ${yesNo(gpu.remappedRows.pending)}, ${yesNo(gpu.remappedRows.failure)}`}
          alert={gpu.remappedRows.pending === true || gpu.remappedRows.failure === true}
        />
        <Reading label="Reset required" value={yesNo(gpu.resetRequired)} alert={gpu.resetRequired === true} />
        <Group gap={4}>
          <Text size="xs" c="dimmed">
            Throttle:
          </Text>
          {gpu.throttleReasons.length === 0 ? (
            <Text size="xs">none active</Text>
          ) : (
            gpu.throttleReasons.map((reason) => (
              <Badge key={reason} size="xs" variant="light" color={reason.startsWith('hw') ? 'red' : 'gray'}>
                {reason}
              </Badge>
            ))
          )}
        </Group>
        {gpu.reasons.length > 0 && (
          <Stack gap={2}>
            {gpu.reasons.map((reason) => (
              <Text key={reason} size="xs" c={gpu.verdict === 'fail' ? 'red' : 'yellow.8'}>
                {reason}
              </Text>
            ))}
          </Stack>
        )}
      </Stack>
    </Card>
  )
}

function Reading({ label, value, alert = false }: { label: string; value: string; alert?: boolean }) {
  return (
    <Group justify="space-between" gap="xs" wrap="nowrap">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="xs" ff="monospace" c={alert ? 'red' : undefined} fw={alert ? 700 : undefined} ta="right">
        {value}
      </Text>
    </Group>
  )
}
