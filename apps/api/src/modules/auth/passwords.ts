// Password hashing with argon2id (the library's default algorithm; asserted in tests).
import { hash, verify } from '@node-rs/argon2'

// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 }

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS)
}

// Verifying against a fixed hash when the user does not exist keeps the response time the same,
// so sign-in does not reveal which emails have accounts.
let dummyHash: Promise<string> | undefined

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (passwordHash === null) {
    dummyHash ??= hashPassword('cabinet-timing-equaliser')
    await verify(await dummyHash, password)
    return false
  }
  return verify(passwordHash, password)
}
