// Bulk import of nodes (from JSON or CSV): valid rows are created or updated by hostname, invalid
// rows are reported with their row number and field. Lookups and writes are batched, not per row.
import type { z } from 'zod'
import { NodeImportRow, type NodeImportResult, nodeTransportIssues } from '@cabinet/contracts'
import type { Db } from '@cabinet/db'
import { recordAudit } from '../../http/audit'
import type { RequestContext } from '../../http/request-context'
import { type NodeUpsert, upsertNodesByHostname } from './catalog.repository'
import { CsvRowProblem } from './node-import.csv'

type RowError = NodeImportResult['errors'][number]
type ValidRow = { row: number; node: z.infer<typeof NodeImportRow> }

/** Thousands of rows in one statement can outlast Prisma's 5 s default for a transaction. */
const IMPORT_TRANSACTION_TIMEOUT_MS = 60_000

export function createNodeImportService({ db }: { db: Db }) {
  /**
   * Looks up the clusters by name, upserts the rows that name one and records one event, all in
   * one transaction. Rows naming no cluster are added to `errors`.
   */
  function writeRows(ctx: RequestContext, valid: ValidRow[], errors: RowError[]) {
    return db.$transaction(
      async (tx) => {
        const clusterNames = [...new Set(valid.map(({ node }) => node.cluster))]
        const clusters = await tx.cluster.findMany({
          where: { name: { in: clusterNames } },
          select: { id: true, name: true },
        })
        const clusterIdByName = new Map(clusters.map((cluster) => [cluster.name, cluster.id]))
        const upserts: NodeUpsert[] = []
        for (const { row, node } of valid) {
          const clusterId = clusterIdByName.get(node.cluster)
          if (!clusterId) {
            errors.push({ row, field: 'cluster', message: `no cluster named "${node.cluster}"` })
            continue
          }
          const { cluster: _name, ...fields } = node
          upserts.push({ ...fields, clusterId })
        }
        if (upserts.length === 0) return []
        const results = await upsertNodesByHostname(tx, upserts, ctx.now)
        const createdHostnames = results.filter((r) => r.created).map((r) => r.hostname)
        const updatedHostnames = results.filter((r) => !r.created).map((r) => r.hostname)
        await recordAudit(tx, ctx, {
          action: 'node.imported',
          entityType: 'node_import',
          entityId: ctx.requestId,
          after: {
            created: createdHostnames.length,
            updated: updatedHostnames.length,
            rejectedRows: new Set(errors.map((error) => error.row)).size,
            createdHostnames,
            updatedHostnames,
          },
        })
        return results
      },
      { timeout: IMPORT_TRANSACTION_TIMEOUT_MS },
    )
  }

  /** Rows as sent (row n of the result is `rows[n - 1]`). */
  async function importNodes(ctx: RequestContext, rows: readonly unknown[]): Promise<NodeImportResult> {
    const errors: RowError[] = []
    const valid: ValidRow[] = []
    const firstRowOfHostname = new Map<string, number>()
    rows.forEach((raw, index) => {
      const row = index + 1
      if (raw instanceof CsvRowProblem) {
        errors.push({ row, field: raw.field, message: raw.message })
        return
      }
      const parsed = NodeImportRow.safeParse(raw)
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          errors.push({ row, field: issue.path.join('.') || '(row)', message: issue.message })
        }
        return
      }
      const transportIssues = nodeTransportIssues(parsed.data)
      if (transportIssues.length > 0) {
        for (const issue of transportIssues) errors.push({ row, field: issue.path, message: issue.message })
        return
      }
      const first = firstRowOfHostname.get(parsed.data.hostname)
      if (first !== undefined) {
        errors.push({ row, field: 'hostname', message: `"${parsed.data.hostname}" is already on row ${first}` })
        return
      }
      firstRowOfHostname.set(parsed.data.hostname, row)
      valid.push({ row, node: parsed.data })
    })

    const written = valid.length === 0 ? [] : await writeRows(ctx, valid, errors)
    errors.sort((a, b) => a.row - b.row)
    const created = written.filter((r) => r.created).length
    return { created, updated: written.length - created, errors }
  }

  return { importNodes }
}

export type NodeImportService = ReturnType<typeof createNodeImportService>
