// Serves the built console at `/`. Unknown non-API paths get index.html so the console's router
// can handle deep links (`/changes/CHG0000001`); unknown API paths get the JSON 404.
import staticFiles from '@fastify/static'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'

export async function registerConsole(app: FastifyInstance, distDir: string | undefined) {
  const root = distDir ? resolve(distDir) : undefined
  const hasConsole = root !== undefined && existsSync(resolve(root, 'index.html'))
  if (root && hasConsole) {
    await app.register(staticFiles, { root, prefix: '/', wildcard: false, index: ['index.html'] })
  } else if (root) {
    app.log.warn({ root }, 'console build not found: serving the API only (run pnpm build)')
  }

  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '/'
    if (hasConsole && request.method === 'GET' && !path.startsWith('/api/') && !path.startsWith('/docs')) {
      return reply.type('text/html').sendFile('index.html')
    }
    return reply.status(404).send({
      error: { code: 'NOT_FOUND', message: `no route ${request.method} ${path}`, requestId: String(request.id) },
    })
  })
}
