// HTTP for the audit trail: search, chain verification, streamed exports with signed manifests,
// the signing key, and one change's history as Markdown.
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import {
  AuditEventPage,
  AuditExportManifest,
  AuditExportQuery,
  AuditSearchQuery,
  AuditSigningKey,
  ChainVerification,
  ChangeRefParams,
} from '@cabinet/contracts'
import type { Db } from '@cabinet/db'
import type { RouteAccess } from '../../http/access'
import { responses } from '../../http/responses'
import type { Clock } from '../../infra/clock'
import type { AuditService } from './audit.service'
import { renderChangeHistory } from './change-history'

/**
 * The whole trail (sign-ins included) is for auditors and administrators. Token callers need the
 * changes:read scope until tokens get an audit scope of their own.
 */
const AUDIT: RouteAccess = { roles: ['auditor', 'admin'], scope: 'changes:read' }
/** One change's history shows what its timeline shows, so whoever may read changes may read it. */
const CHANGE_READ: RouteAccess = { roles: 'any', scope: 'changes:read' }

const CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', ndjson: 'application/x-ndjson; charset=utf-8' } as const

export async function registerAuditRoutes(
  app: FastifyInstance,
  { audit, db, clock }: { audit: AuditService; db: Db; clock: Clock },
) {
  const api = app.withTypeProvider<ZodTypeProvider>()

  api.get(
    '/api/v1/audit/events',
    {
      config: { access: AUDIT },
      schema: {
        operationId: 'searchAuditEvents',
        tags: ['audit'],
        querystring: AuditSearchQuery,
        response: responses({ 200: AuditEventPage }),
      },
    },
    async (request) => audit.search(request.query),
  )

  api.get(
    '/api/v1/audit/verify',
    {
      config: { access: AUDIT },
      schema: {
        operationId: 'verifyAuditChain',
        tags: ['audit'],
        description: 'Walks the whole chain in seq order and recomputes every hash; reports the first broken link.',
        response: responses({ 200: ChainVerification }),
      },
    },
    async () => audit.verify(clock.now()),
  )

  api.get(
    '/api/v1/audit/export',
    {
      config: { access: AUDIT },
      schema: {
        operationId: 'exportAuditEvents',
        tags: ['audit'],
        description:
          'Streams the matching events in chain order. x-audit-through-seq names the chain head it ran through ' +
          '(pass it to the manifest); x-audit-row-count is how many rows will follow, for progress.',
        querystring: AuditExportQuery,
        // A stream, never serialised: CSV or NDJSON bytes as they are read.
        response: responses({ 200: z.unknown().describe('CSV or NDJSON') }),
      },
    },
    async (request, reply) => {
      const started = await audit.startExport(request.query)
      const name = `cabinet-audit-${started.throughSeq}.${started.format}`
      // What was served, for the server's own record (a reader that went away logs nothing).
      started.digest.then(
        (digest) =>
          request.log.info(
            { auditExport: { ...digest, throughSeq: String(started.throughSeq) } },
            'audit export served',
          ),
        () => undefined,
      )
      return reply
        .header('content-type', CONTENT_TYPES[started.format])
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('x-audit-through-seq', started.throughSeq.toString())
        .header('x-audit-row-count', String(started.summary.rowCount))
        .header('cache-control', 'no-store')
        .send(started.stream)
    },
  )

  api.get(
    '/api/v1/audit/export/manifest',
    {
      config: { access: AUDIT },
      schema: {
        operationId: 'auditExportManifest',
        tags: ['audit'],
        description: 'The signed manifest of the export with the same query; pass the throughSeq the export named.',
        querystring: AuditExportQuery,
        response: responses({ 200: AuditExportManifest }),
      },
    },
    async (request) => audit.manifest(request.query, clock.now()),
  )

  api.get(
    '/api/v1/audit/signing-key',
    {
      // Any signed-in user may fetch it and hand it on: a verifier needs the key, not an account.
      // (Every public /api route is a listed decision in the access tests; this one need not be.)
      config: { access: CHANGE_READ },
      schema: {
        operationId: 'auditSigningKey',
        tags: ['audit'],
        description: 'The Ed25519 public key that export manifests are signed with, to verify them offline.',
        response: responses({ 200: AuditSigningKey }),
      },
    },
    async () => audit.signingKey(),
  )

  api.get(
    '/api/v1/changes/:id/history.md',
    {
      config: { access: CHANGE_READ },
      schema: {
        operationId: 'changeHistoryMarkdown',
        tags: ['audit'],
        params: ChangeRefParams,
        response: responses({ 200: z.string() }),
      },
    },
    async (request, reply) => {
      const history = await renderChangeHistory(db, request.params.id, clock.now())
      return reply
        .header('content-type', 'text/markdown; charset=utf-8')
        .header('content-disposition', `attachment; filename="${history.number}-history.md"`)
        .send(history.markdown)
    },
  )
}
