// Every health gate of a node's latest probe with its verdict and reasons, failures first so the
// reason a node is unhealthy is the first thing read.
import type { GateResultView, ProbeVerdict } from '@cabinet/contracts'
import { Paper, Stack, Table, Text, Title } from '@mantine/core'
import { healthGateLabels } from './fleet-labels'
import { HealthBadge } from './HealthBadge'

const VERDICT_RANK: Record<ProbeVerdict, number> = { fail: 0, inconclusive: 1, pass: 2 }

export function HealthGates({ gates }: { gates: GateResultView[] }) {
  // A stable sort keeps the gates' report order within each verdict.
  const ordered = [...gates].sort((a, b) => VERDICT_RANK[a.verdict] - VERDICT_RANK[b.verdict])
  return (
    <Paper withBorder radius="md" p="sm" component="section" aria-label="Health gates">
      <Title order={4} mb="xs">
        Health gates
      </Title>
      {ordered.length === 0 ? (
        <Text size="sm" c="dimmed">
          The latest probe judged no gate.
        </Text>
      ) : (
        <Table verticalSpacing="xs">
          <Table.Tbody>
            {ordered.map((gate) => (
              <Table.Tr key={gate.gate} data-testid="health-gate" data-gate={gate.gate} data-verdict={gate.verdict}>
                <Table.Td w={180} style={{ verticalAlign: 'top' }}>
                  <Text size="sm" fw={500}>
                    {healthGateLabels[gate.gate]}
                  </Text>
                </Table.Td>
                <Table.Td w={130} style={{ verticalAlign: 'top' }}>
                  <HealthBadge health={gate.verdict} size="sm" />
                </Table.Td>
                <Table.Td>
                  {gate.reasons.length === 0 ? (
                    <Text size="sm" c="dimmed">
                      —
                    </Text>
                  ) : (
                    <Stack gap={2}>
                      {gate.reasons.map((reason, index) => (
                        // biome-ignore lint/suspicious/noArrayIndexKey: reasons are a fixed list from one probe and never reorder
                        <Text key={index} size="sm" data-testid="health-gate-reason">
                          {reason.gpuIndex !== null && (
                            <Text span size="sm" c="dimmed">
                              GPU {reason.gpuIndex}:{' '}
                            </Text>
                          )}
                          {reason.message}{' '}
                          <Text span size="xs" c="dimmed" ff="monospace">
                            {reason.code}
                          </Text>
                        </Text>
                      ))}
                    </Stack>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  )
}
