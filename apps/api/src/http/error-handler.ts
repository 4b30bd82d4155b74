// Turns every failure into the one ErrorBody shape. Expected client errors are logged at warn;
// anything unknown is a 500 that shows only the request id, with the details kept in the log.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod'
import { ZodError } from 'zod'
import { Prisma } from '@cabinet/db'
import { AppError, type ErrorCode } from './errors'

interface FieldIssue {
  path: string
  message: string
}

/** `/affectedItems/2/id` (JSON pointer from the validator) -> `affectedItems.2.id`. */
function pointerToPath(pointer: string, prefix: string): string {
  const path = pointer.replace(/^\//, '').split('/').filter(Boolean).join('.')
  return path || prefix
}

function fromZodError(error: ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.join('.') || '(body)', message: issue.message }))
}

const FASTIFY_CODES: Record<string, { code: ErrorCode; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', message: 'request body is larger than the limit' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'content type is not accepted here: send application/json',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'MALFORMED_REQUEST', message: 'body is empty but content-type is JSON' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'MALFORMED_REQUEST', message: 'body is not valid JSON' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'MALFORMED_REQUEST', message: 'content-length does not match the body' },
}

function toAppError(error: unknown, request: FastifyRequest): AppError {
  if (error instanceof AppError) return error
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = (error as FastifyError).validationContext ?? 'body'
    const issues = error.validation.map((issue) => ({
      path: pointerToPath(issue.instancePath, where),
      message: issue.message ?? 'is invalid',
    }))
    return new AppError(
      'VALIDATION_FAILED',
      `invalid ${where}: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
      {
        details: { issues },
      },
    )
  }
  if (error instanceof ZodError) {
    const issues = fromZodError(error)
    return new AppError(
      'VALIDATION_FAILED',
      `invalid request: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
      {
        details: { issues },
      },
    )
  }
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (error.code === 'P2002') {
      const target = (error.meta?.target as string[] | string | undefined) ?? 'a unique field'
      return new AppError('ALREADY_EXISTS', `${Array.isArray(target) ? target.join(', ') : target} is already taken`, {
        cause: error,
      })
    }
    if (error.code === 'P2025') return new AppError('NOT_FOUND', 'the record was not found', { cause: error })
    if (error.code === 'P2003') {
      return new AppError('IN_USE', 'the record is referenced by others, or references one that does not exist', {
        cause: error,
      })
    }
  }
  const fastifyError = error as Partial<FastifyError>
  const known = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined
  if (known) return new AppError(known.code, known.message, { cause: error })
  if (fastifyError.statusCode === 429) return new AppError('RATE_LIMITED', fastifyError.message ?? 'too many requests')
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new AppError('MALFORMED_REQUEST', fastifyError.message ?? 'bad request', { cause: error })
  }
  // A Redis command that gave up because Redis is unreachable (the sign-in rate limit, for one).
  if (error instanceof Error && error.name === 'MaxRetriesPerRequestError') {
    return new AppError('UNAVAILABLE', 'a service Cabinet depends on is unavailable', { cause: error })
  }
  if (isResponseSerializationError(error)) {
    request.log.error({ issues: error.cause.issues, url: request.url }, 'response did not match its schema')
  }
  return new AppError('INTERNAL', 'internal error', { cause: error })
}

export function installErrorHandler(app: FastifyInstance) {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const appError = toAppError(error, request)
    if (appError.status >= 500) request.log.error({ err: error }, 'request failed')
    else request.log.warn({ code: appError.code, message: appError.message }, 'request refused')
    const message = appError.status >= 500 ? `internal error (request ${request.id})` : appError.message
    return reply.status(appError.status).send({
      error: {
        code: appError.code,
        message,
        ...(appError.details === undefined || appError.status >= 500 ? {} : { details: appError.details }),
        requestId: String(request.id),
      },
    })
  })
}
