// Exhaustiveness guard for switches over closed unions.
// A new union member turns every unhandled switch into a compile error instead of a silent fall-through.

/** Reached only if the type system was bypassed (e.g. an unvalidated value cast to the union). */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`)
}
