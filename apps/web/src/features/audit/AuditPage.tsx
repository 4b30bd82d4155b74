// /audit: the audit trail for auditors. Filters live in the address, pages follow the cursor
// (newest first), exports take the same filters, and the chain can be verified from here.
import { Anchor, Button, Code, Group, Paper, Stack, Table, Text, Title } from '@mantine/core'
import { IconChevronRight } from '@tabler/icons-react'
import { Link, useSearchParams } from 'react-router'
import { EmptyResult, ErrorState, SkeletonRows } from '../../components/StatusViews'
import { formatDateTime } from '../../lib/datetime'
import { AUDIT_PAGE_SIZE, type AuditFilters, useAuditSearch } from './api'
import { AuditExportButtons } from './AuditExportButtons'
import { AuditFiltersForm } from './AuditFiltersForm'
import { NO_AUDIT_FILTERS, auditFiltersFromParams, paramsFromAuditFilters } from './audit-filters'
import { ChainVerificationPanel } from './ChainVerificationPanel'

const COLUMNS = ['Seq', 'When', 'Who', 'Action', 'Entity', 'Hash'] as const

export function AuditPage() {
  const [searchParams, setSearchParams] = useSearchParams()
  const filters = auditFiltersFromParams(searchParams)
  const search = useAuditSearch(filters)
  const setFilters = (next: AuditFilters) => setSearchParams(paramsFromAuditFilters(next))

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start">
        <Title order={2}>Audit trail</Title>
        <AuditExportButtons filters={{ ...filters, cursor: null }} />
      </Group>
      <ChainVerificationPanel />
      <AuditFiltersForm filters={filters} onChange={setFilters} />

      {search.isError ? (
        <ErrorState
          error={search.error}
          title="Could not search the audit trail"
          onRetry={() => void search.refetch()}
        />
      ) : (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={1000}>
            <Table verticalSpacing="xs" aria-label="Audit events" aria-busy={search.isFetching}>
              <Table.Thead>
                <Table.Tr>
                  {COLUMNS.map((column) => (
                    <Table.Th key={column}>{column}</Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {search.isPending && <SkeletonRows columns={COLUMNS.length} />}
                {search.data?.items.map((event) => (
                  <Table.Tr key={event.id} data-testid="audit-row">
                    <Table.Td ff="monospace">{event.seq}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Text size="sm" ff="monospace">
                        {formatDateTime(event.at)}
                      </Text>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{event.actor.name}</Table.Td>
                    <Table.Td>
                      <Code>{event.action}</Code>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">
                        {event.entityType}{' '}
                        {event.entityType === 'change' ? (
                          <Anchor component={Link} to={`/changes/${event.entityId}`} size="sm" ff="monospace">
                            {event.entityId.slice(0, 8)}
                          </Anchor>
                        ) : (
                          <Text span size="sm" ff="monospace" title={event.entityId}>
                            {event.entityId.slice(0, 8)}
                          </Text>
                        )}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs" ff="monospace" title={event.hash}>
                        {event.hash.slice(0, 12)}…
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {search.isSuccess && search.data.items.length === 0 && (
            <EmptyResult
              title="No audit events"
              description="Nothing matches these filters."
              action={
                <Button variant="light" onClick={() => setFilters(NO_AUDIT_FILTERS)}>
                  Clear filters
                </Button>
              }
            />
          )}
        </Paper>
      )}

      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {search.data ? `${search.data.items.length} shown, newest first, ${AUDIT_PAGE_SIZE} per page` : ''}
        </Text>
        <Group gap="xs">
          <Button
            variant="default"
            size="xs"
            disabled={!filters.cursor}
            onClick={() => setFilters({ ...filters, cursor: null })}
          >
            First page
          </Button>
          <Button
            variant="default"
            size="xs"
            rightSection={<IconChevronRight size={14} />}
            disabled={!search.data?.nextCursor || search.isPlaceholderData}
            onClick={() => setFilters({ ...filters, cursor: search.data?.nextCursor ?? null })}
          >
            Older events
          </Button>
        </Group>
      </Group>
    </Stack>
  )
}
