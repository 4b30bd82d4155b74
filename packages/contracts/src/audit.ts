// The audit trail for auditors: search filters, the chain verification result, exports and their
// signed manifests. The events themselves are AuditEventView (changes.ts), shared with the timeline.
import { z } from 'zod'
import { AuditEventView } from './changes'
import { Cursor, Id, Timestamp, pageOf, text } from './common'

/** A change by uuid or number, as the change routes take it. */
const ChangeRef = z.union([Id, z.string().regex(/^CHG\d{7,}$/, 'must be a uuid or a change number like CHG0000001')])

/** A stored sequence number: digits only, within a Postgres bigint. */
export const AuditSeq = z.string().regex(/^[1-9]\d{0,17}$/, 'must be a positive whole number')

const AuditFilterFields = {
  from: Timestamp.optional(),
  to: Timestamp.optional(),
  actorId: Id.optional(),
  entityType: text(100).optional(),
  entityId: text(200).optional(),
  /** An exact action (`change.submit`) or every action under a prefix (`change.*`). */
  action: text(100)
    .regex(/^[\w.-]+(\.\*)?$/, 'must be an action like change.submit, or a prefix like change.*')
    .optional(),
  change: ChangeRef.optional(),
}

const fromBeforeTo = (value: { from?: string | undefined; to?: string | undefined }) =>
  !value.from || !value.to || Date.parse(value.from) <= Date.parse(value.to)
const FROM_BEFORE_TO = { message: 'must not be before from', path: ['to'] }

export const AuditSearchQuery = z
  .object({
    ...AuditFilterFields,
    cursor: Cursor.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .refine(fromBeforeTo, FROM_BEFORE_TO)
export type AuditSearchQuery = z.input<typeof AuditSearchQuery>
export type AuditSearchParams = z.output<typeof AuditSearchQuery>
export const AuditEventPage = pageOf(AuditEventView)
export type AuditEventPage = z.infer<typeof AuditEventPage>

export const AuditExportFormat = z.enum(['csv', 'ndjson'])
export type AuditExportFormat = z.infer<typeof AuditExportFormat>

/**
 * An export is fixed by its filters and `throughSeq`: the chain head when it started. The same
 * query with the same `throughSeq` yields the same bytes, which is what a manifest signs.
 */
export const AuditExportQuery = z
  .object({ ...AuditFilterFields, format: AuditExportFormat.default('csv'), throughSeq: AuditSeq.optional() })
  .refine(fromBeforeTo, FROM_BEFORE_TO)
export type AuditExportQuery = z.input<typeof AuditExportQuery>
export type AuditExportParams = z.output<typeof AuditExportQuery>

export const ChainLink = z.object({ seq: z.string(), hash: z.string() })
export type ChainLink = z.infer<typeof ChainLink>

export const ChainBreakKind = z.enum(['altered', 'deleted', 'reordered'])
export type ChainBreakKind = z.infer<typeof ChainBreakKind>

export const ChainVerification = z.object({
  intact: z.boolean(),
  /** Rows read, up to and including the first broken one. */
  checked: z.number().int(),
  /** The last row read: the chain head when intact. Null for an empty trail. */
  head: ChainLink.nullable(),
  firstBroken: z
    .object({
      seq: z.string(),
      id: z.string(),
      kind: ChainBreakKind,
      /** What the chain says this value must be (a hash). */
      expected: z.string(),
      /** What the row holds instead. */
      found: z.string(),
    })
    .optional(),
  verifiedAt: Timestamp,
})
export type ChainVerification = z.infer<typeof ChainVerification>

/** The signed statement about one export. The signature covers the RFC 8785 form of every other field. */
export const AuditExportManifest = z.object({
  version: z.literal(1),
  format: AuditExportFormat,
  filters: z.record(z.string(), z.string()),
  throughSeq: z.string(),
  rowCount: z.number().int(),
  /** SHA-256 (hex) of the exact bytes of the export file. */
  sha256: z.string(),
  byteCount: z.number().int(),
  /** The time range of the exported rows; null when none matched. */
  firstAt: Timestamp.nullable(),
  lastAt: Timestamp.nullable(),
  /** The chain's head at `throughSeq`: every exported row is at or before it. */
  chainHead: ChainLink.nullable(),
  generatedAt: Timestamp,
  algorithm: z.literal('Ed25519'),
  /** SHA-256 of the public key (SPKI DER), hex: which key to verify with. */
  keyId: z.string(),
  /** Base64 Ed25519 signature. */
  signature: z.string(),
})
export type AuditExportManifest = z.infer<typeof AuditExportManifest>

export const AuditSigningKey = z.object({
  algorithm: z.literal('Ed25519'),
  keyId: z.string(),
  publicKeyPem: z.string(),
})
export type AuditSigningKey = z.infer<typeof AuditSigningKey>
