// The 5x5 risk matrix: probability rows 5..1 by impact columns 1..5, each cell coloured by the
// band of its score, the change's own cell outlined and marked `aria-current`.
import { Table, Text, Tooltip } from '@mantine/core'
import { riskLevelColors, riskLevelForScore, riskLevelLabels } from '../lib/labels'

const PROBABILITIES = [5, 4, 3, 2, 1] as const
const IMPACTS = [1, 2, 3, 4, 5] as const

export interface RiskMatrixProps {
  /** The computed cell; null while nothing has been assessed yet. */
  probability: number | null
  impact: number | null
  size?: 'sm' | 'md'
}

export function RiskMatrix({ probability, impact, size = 'md' }: RiskMatrixProps) {
  const cellSize = size === 'sm' ? 30 : 44
  return (
    <Table
      withRowBorders={false}
      verticalSpacing={2}
      horizontalSpacing={2}
      layout="fixed"
      w={cellSize * 6 + 24}
      aria-label="Risk matrix"
      data-testid="risk-matrix"
    >
      <Table.Caption>
        <Text size="xs" c="dimmed">
          Probability (rows) × impact (columns)
        </Text>
      </Table.Caption>
      <Table.Tbody>
        {PROBABILITIES.map((p) => (
          <Table.Tr key={p}>
            <Table.Th w={cellSize} scope="row">
              <Text size="xs" c="dimmed" ta="right">
                {p}
              </Text>
            </Table.Th>
            {IMPACTS.map((i) => {
              const score = p * i
              const level = riskLevelForScore(score)
              const current = p === probability && i === impact
              return (
                <Tooltip key={i} label={`Probability ${p} × impact ${i} = ${score} (${riskLevelLabels[level]})`}>
                  <Table.Td
                    data-testid={`risk-cell-${p}-${i}`}
                    aria-current={current ? 'true' : undefined}
                    aria-label={`Probability ${p}, impact ${i}, score ${score}, ${riskLevelLabels[level]}`}
                    h={cellSize}
                    ta="center"
                    style={{
                      background: `var(--mantine-color-${riskLevelColors[level]}-${current ? 5 : 2})`,
                      outline: current ? '3px solid var(--mantine-color-dark-7)' : undefined,
                      outlineOffset: current ? -3 : undefined,
                      borderRadius: 4,
                    }}
                  >
                    <Text size="xs" fw={current ? 800 : 400}>
                      {score}
                    </Text>
                  </Table.Td>
                </Tooltip>
              )
            })}
          </Table.Tr>
        ))}
        <Table.Tr>
          <Table.Td />
          {IMPACTS.map((i) => (
            <Table.Td key={i} ta="center">
              <Text size="xs" c="dimmed">
                {i}
              </Text>
            </Table.Td>
          ))}
        </Table.Tr>
      </Table.Tbody>
    </Table>
  )
}
