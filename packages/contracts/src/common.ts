// Building blocks shared by every contract: ids, cursors, timestamps and the one error shape.
// Every string has a length limit so no request can smuggle an unbounded value into storage.
import { z } from 'zod'

export const Id = z.uuid()

/** A NUL or half a surrogate pair cannot be stored by Postgres (text or jsonb): refuse it as bad input. */
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/
const storable = (value: string) => !value.includes('\u0000') && !UNPAIRED_SURROGATE.test(value)
const UNSTORABLE_MESSAGE = 'must not contain NUL characters or unpaired surrogates'

/**
 * An instant Postgres and JavaScript both hold: years 1 to 9999 in UTC. The ISO pattern alone is not
 * enough, because an offset moves a valid-looking string past either end (`9999-12-31T23:00:00-05:00`
 * is in year 10000), and the database would refuse it as a 500 instead of a 400.
 */
const EARLIEST_INSTANT = Date.parse('0001-01-01T00:00:00.000Z')
const LATEST_INSTANT = Date.parse('9999-12-31T23:59:59.999Z')
export const Timestamp = z.iso.datetime({ offset: true }).refine((value) => {
  const instant = Date.parse(value)
  return instant >= EARLIEST_INSTANT && instant <= LATEST_INSTANT
}, 'must be between the years 0001 and 9999 (UTC)')

/** Opaque to clients; refused when it holds what Postgres cannot compare (a NUL), like any text. */
export const Cursor = z.string().max(200).refine(storable, UNSTORABLE_MESSAGE)

export const PageQuery = z.object({
  cursor: Cursor.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: Cursor.nullable() })

export const IdParams = z.object({ id: Id })

export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
    requestId: z.string(),
  }),
})
export type ErrorBody = z.infer<typeof ErrorBody>

/** One failing field of a rejected request: `path` is dotted (`affectedItems.2.id`). */
export const FieldIssue = z.object({ path: z.string(), message: z.string() })
export type FieldIssue = z.infer<typeof FieldIssue>

/** The optimistic-locking version a write names; stored as a Postgres integer, so bounded like one. */
export const Version = z.number().int().min(1).max(2_147_483_647)
export const VersionBody = z.object({ version: Version })

export const text = (max: number) => z.string().trim().max(max).refine(storable, UNSTORABLE_MESSAGE)
export const requiredText = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max).refine(storable, UNSTORABLE_MESSAGE)

/**
 * A partial update of `body`: every field optional and without its default, so a field left out
 * stays as it is. (`.partial()` alone keeps the defaults, and a PATCH naming one field would reset
 * the others.)
 */
export function patchOf<Shape extends z.ZodRawShape>(body: z.ZodObject<Shape>) {
  const fields = Object.fromEntries(
    Object.entries(body.shape).map(([key, field]) => [
      key,
      (field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : (field as z.ZodType)).optional(),
    ]),
  ) as unknown as { [K in keyof Shape]: z.ZodOptional<Shape[K] extends z.ZodDefault<infer Inner> ? Inner : Shape[K]> }
  return z.object(fields).extend({ version: Version })
}
