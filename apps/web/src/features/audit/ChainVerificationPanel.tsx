// Verifies the whole hash chain on request and shows the verdict: intact with its head, or the
// first broken link with the row's seq and id, what kind of tampering explains it, and both hashes.
import { Alert, Button, Code, Group, Paper, Stack, Text, Title } from '@mantine/core'
import { IconShieldCheck, IconShieldX } from '@tabler/icons-react'
import { errorMessage } from '../../components/StatusViews'
import { formatDateTime } from '../../lib/datetime'
import { useVerifyChain } from './api'

const KIND_LABELS = {
  altered: 'Altered: the row no longer matches its hash, or was re-hashed without re-linking the chain',
  deleted: 'Deleted: this row links to a hash that no longer exists',
  reordered: 'Reordered: this row links to a row that now sits later in the chain',
} as const

export function ChainVerificationPanel() {
  const verify = useVerifyChain()
  const result = verify.data

  return (
    <Paper withBorder p="sm" radius="md" component="section" aria-label="Chain verification">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={4}>Chain verification</Title>
          <Button
            size="xs"
            leftSection={<IconShieldCheck size={16} />}
            loading={verify.isPending}
            onClick={() => verify.mutate()}
          >
            Verify chain
          </Button>
        </Group>
        {!result && !verify.isError && (
          <Text size="sm" c="dimmed">
            Recomputes every event's hash from its content and the event before it.
          </Text>
        )}
        {verify.isError && (
          <Alert color="red" title="Verification could not run">
            {errorMessage(verify.error)}
          </Alert>
        )}
        {result?.intact && (
          <Alert color="green" icon={<IconShieldCheck />} title="Chain intact" data-testid="chain-verdict">
            <Text size="sm">
              {result.checked} events checked at {formatDateTime(result.verifiedAt)}.
              {result.head && (
                <>
                  {' '}
                  Head: seq {result.head.seq}, hash <Code>{result.head.hash}</Code>
                </>
              )}
            </Text>
          </Alert>
        )}
        {result && !result.intact && result.firstBroken && (
          <Alert color="red" icon={<IconShieldX />} title="Chain broken" data-testid="chain-verdict">
            <Stack gap={4}>
              <Text size="sm" fw={500}>
                {KIND_LABELS[result.firstBroken.kind]}
              </Text>
              <Text size="sm">
                First broken link: seq <strong data-testid="broken-seq">{result.firstBroken.seq}</strong>, event id{' '}
                <Code data-testid="broken-id">{result.firstBroken.id}</Code>
              </Text>
              <Text size="sm">
                Expected <Code>{result.firstBroken.expected}</Code>
              </Text>
              <Text size="sm">
                Found <Code>{result.firstBroken.found}</Code>
              </Text>
              <Text size="xs" c="dimmed">
                {result.checked} events checked at {formatDateTime(result.verifiedAt)}.
              </Text>
            </Stack>
          </Alert>
        )}
      </Stack>
    </Paper>
  )
}
