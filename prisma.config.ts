// Prisma CLI configuration. Prisma 6.19.3 migrates offline through its Wasm schema engine when it
// is given a driver adapter (see ../shared/STACK.md); four adapter-pg 6.x bugs on the CLI path are
// worked around below. The runtime client (packages/db) uses the plain adapter and needs none of this.
import { PrismaPg } from '@prisma/adapter-pg'
import { defineConfig } from 'prisma/config'

type PgConnectionFields = {
  host: string
  port: number
  database: string
  user: string
  password: string | undefined
}

/** The bits of the adapter's private query path we patch; checked at runtime, not trusted blindly. */
type QueryResultWithFields = { fields?: { dataTypeID: number }[] }
type PatchableAdapter = {
  client: { query(sql: string): Promise<unknown> }
  onError(error: unknown): never
  executeScript(script: string): Promise<void>
  dispose(): Promise<void>
}

// (1) prisma/prisma#27403: introspection returns "char" (18), name (19) and arrays of them, which
// adapter-pg cannot deserialize. Postgres sends them as text, so report them as text.
const TEXT_FOR_OID: Record<number, number> = { 18: 25, 19: 25, 1002: 1009, 1003: 1009 }
const patchedPrototypes = new WeakSet<object>()

function patchAdapter<T extends object>(adapter: T): T {
  const adapterPrototype = Object.getPrototypeOf(adapter) as PatchableAdapter
  if (patchedPrototypes.has(adapterPrototype)) return adapter
  let ioOwner = adapterPrototype as object | null
  while (ioOwner && !Object.hasOwn(ioOwner, 'performIO')) ioOwner = Object.getPrototypeOf(ioOwner)
  if (!ioOwner) throw new Error('adapter-pg internals changed: performIO not found; revisit prisma.config.ts')
  const io = ioOwner as { performIO(query: unknown): Promise<QueryResultWithFields> }
  const originalPerformIO = io.performIO
  io.performIO = async function (this: unknown, query: unknown) {
    const result = await originalPerformIO.call(this, query)
    for (const field of result?.fields ?? []) {
      const textOid = TEXT_FOR_OID[field.dataTypeID]
      if (textOid) field.dataTypeID = textOid
    }
    return result
  }
  // (2) executeScript() splits on every ';', which breaks on '$$' function bodies in our
  // migrations. Send the whole script as one simple-protocol query, as the native engine does.
  adapterPrototype.executeScript = async function (this: PatchableAdapter, script: string) {
    try {
      await this.client.query(script)
    } catch (error) {
      this.onError(error)
    }
  }
  patchedPrototypes.add(adapterPrototype)
  return adapter
}

function connectionFields(url: string): PgConnectionFields {
  const parsed = new URL(url)
  return {
    host: decodeURIComponent(parsed.hostname),
    port: Number(parsed.port || 5432),
    database: decodeURIComponent(parsed.pathname.slice(1)),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password) || undefined,
  }
}

// (3) pass discrete fields, not a connectionString: the shadow pool is built from
// { ...config, database } and pg would let a connectionString win over `database`.
// (4) the shadow database is dropped before its pool closes: close the pool first.
class OfflinePrismaPg extends PrismaPg {
  constructor(private readonly fields: PgConnectionFields) {
    super(fields)
  }
  override async connect() {
    return patchAdapter(await super.connect())
  }
  override async connectToShadowDb() {
    const main = (await this.connect()) as unknown as PatchableAdapter
    const database = `prisma_migrate_shadow_db_${globalThis.crypto.randomUUID()}`
    await main.executeScript(`CREATE DATABASE "${database}"`)
    const shadow = (await new PrismaPg({ ...this.fields, database }).connect()) as unknown as PatchableAdapter
    const disposeShadow = shadow.dispose.bind(shadow)
    shadow.dispose = async () => {
      await disposeShadow()
      await main.executeScript(`DROP DATABASE IF EXISTS "${database}"`)
      await main.dispose()
    }
    return patchAdapter(shadow) as unknown as Awaited<ReturnType<PrismaPg['connectToShadowDb']>>
  }
}

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  adapter: async () => {
    const url = process.env.DATABASE_URL
    if (!url) throw new Error('DATABASE_URL is not set')
    return new OfflinePrismaPg(connectionFields(url))
  },
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
})
