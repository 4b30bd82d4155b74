// Use cases for auditors: search the trail, verify the chain, export it with a signed manifest,
// and render one change's history. All read-only: nothing here writes to the database.
import type { FastifyBaseLogger } from 'fastify'
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type {
  AuditEventPage,
  AuditExportFormat,
  AuditExportManifest,
  AuditExportParams,
  AuditSearchParams,
  AuditSigningKey,
  ChainVerification,
} from '@cabinet/contracts'
import { type BulkReader, type Db, signingKeyId, signManifest, verifyAuditChain } from '@cabinet/db'
import { AppError } from '../../http/errors'
import { type AuditExport, digestAuditExport, openAuditExport } from './audit-export'
import { type AuditFilter, type AuditRow, NO_MATCH_UUID, resolveChangeId, searchAuditRows } from './audit.repository'

export interface SigningKeys {
  privateKey: KeyObject
  publicKey: KeyObject
  keyId: string
}

/** Reads the PEM file; without one, a key for this process only (tests, a quick local run). */
export function loadSigningKeys(file: string | undefined, logger: FastifyBaseLogger): SigningKeys {
  let privateKey: KeyObject
  if (file) {
    privateKey = createPrivateKey(readFileSync(file))
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${file} is not an Ed25519 private key`)
  } else {
    privateKey = generateKeyPairSync('ed25519').privateKey
    logger.warn('AUDIT_SIGNING_KEY_FILE is not set: export manifests are signed with a key that dies with this process')
  }
  const publicKey = createPublicKey(privateKey)
  return { privateKey, publicKey, keyId: signingKeyId(publicKey) }
}

function encodeCursor(seq: bigint): string {
  return Buffer.from(`s:${seq}`).toString('base64url')
}

function decodeCursor(raw: string): bigint {
  const match = /^s:(\d{1,18})$/.exec(Buffer.from(raw, 'base64url').toString('utf8'))
  if (!match?.[1]) {
    throw new AppError('VALIDATION_FAILED', 'cursor is not one this API returned', {
      details: { issues: [{ path: 'cursor', message: 'is not one this API returned' }] },
    })
  }
  return BigInt(match[1])
}

export function toEventView(row: AuditRow) {
  return {
    id: row.id,
    seq: Number(row.seq),
    at: row.at.toISOString(),
    actor: { id: row.actor_id, name: row.actor_name },
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    before: row.before ?? null,
    after: row.after ?? null,
    requestId: row.request_id,
    hash: row.hash,
  }
}

type FilterParams = Pick<AuditSearchParams, 'from' | 'to' | 'actorId' | 'entityType' | 'entityId' | 'action' | 'change'>

/** The filters as given, for the manifest: what an auditor asked for, in their words. */
function describeFilters(params: FilterParams): Record<string, string> {
  const entries = Object.entries(params).filter((entry): entry is [string, string] => typeof entry[1] === 'string')
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)))
}

export function createAuditService({ db, reader, keys }: { db: Db; reader: BulkReader; keys: SigningKeys }) {
  /** A change filter that names no change matches nothing, rather than being ignored. */
  async function toFilter(params: FilterParams): Promise<AuditFilter> {
    const { change, ...rest } = params
    if (!change) return rest
    return { ...rest, changeId: (await resolveChangeId(db, change)) ?? NO_MATCH_UUID }
  }

  async function search(params: AuditSearchParams): Promise<AuditEventPage> {
    const filter = await toFilter(params)
    const before = params.cursor ? decodeCursor(params.cursor) : null
    const rows = await searchAuditRows(db, filter, before, params.limit + 1)
    const page = rows.slice(0, params.limit)
    const last = page.at(-1)
    return {
      items: page.map(toEventView),
      nextCursor: rows.length > params.limit && last ? encodeCursor(last.seq) : null,
    }
  }

  async function verify(now: Date): Promise<ChainVerification> {
    const result = await verifyAuditChain(reader)
    return { ...result, verifiedAt: now.toISOString() }
  }

  /**
   * Opens the export in a snapshot of its own. throughSeq is the one asked for, never past the
   * newest row (so a made-up seq far ahead names the head instead).
   */
  async function startExport(params: AuditExportParams): Promise<AuditExport & { format: AuditExportFormat }> {
    const filter = await toFilter(params)
    const asked = params.throughSeq ? BigInt(params.throughSeq) : null
    return { ...(await openAuditExport(reader, filter, params.format, asked)), format: params.format }
  }

  /**
   * Produces the export again, byte for byte, hashing instead of sending it; then signs the result.
   * Row count, times and chain head come from the export's own snapshot and stream.
   */
  async function manifest(params: AuditExportParams, now: Date): Promise<AuditExportManifest> {
    const run = await startExport(params)
    const digest = await digestAuditExport(run)
    const { format: _format, throughSeq: _through, ...filters } = params
    return signManifest(
      {
        version: 1,
        format: params.format,
        filters: describeFilters(filters),
        throughSeq: run.throughSeq.toString(),
        rowCount: digest.rowCount,
        sha256: digest.sha256,
        byteCount: digest.byteCount,
        firstAt: run.summary.firstAt,
        lastAt: run.summary.lastAt,
        chainHead: run.chainHead,
        generatedAt: now.toISOString(),
        algorithm: 'Ed25519',
        keyId: keys.keyId,
      },
      keys.privateKey,
    )
  }

  function signingKey(): AuditSigningKey {
    return {
      algorithm: 'Ed25519',
      keyId: keys.keyId,
      publicKeyPem: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    }
  }

  return { search, verify, startExport, manifest, signingKey }
}

export type AuditService = ReturnType<typeof createAuditService>
