// Where the test services are: scripts/test starts a private Postgres and Redis and exports these.
export function testPostgresAdminUrl(): string {
  return process.env.CABINET_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:54330/postgres'
}

export function testRedisUrl(): string {
  return process.env.CABINET_TEST_REDIS_URL ?? 'redis://127.0.0.1:63800'
}

export function databaseUrl(name: string): string {
  const url = new URL(testPostgresAdminUrl())
  url.pathname = `/${name}`
  return url.toString()
}
