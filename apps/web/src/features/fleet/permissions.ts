// What the signed-in person's roles let them do on the fleet pages. The server decides every request;
// these only keep the console from offering what it would refuse (the fleet routes' `config.access`).
import type { Role, UserView } from '@cabinet/contracts'

/** Who may ask for probes now: the people who run and approve changes on the fleet. */
const PROBE_ROLES: ReadonlySet<Role> = new Set(['implementer', 'change_manager', 'admin'])
/** Who may accept or resolve an unauthorized change. */
const DRIFT_REVIEW_ROLES: ReadonlySet<Role> = new Set(['change_manager', 'admin'])
/** Probing every node at once is a fleet-wide load: kept to the roles that own the fleet. */
const PROBE_ALL_ROLES: ReadonlySet<Role> = new Set(['change_manager', 'admin'])

const hasAny = (user: UserView | null | undefined, roles: ReadonlySet<Role>): boolean =>
  user?.roles.some((role) => roles.has(role)) ?? false

export const canProbe = (user: UserView | null | undefined): boolean => hasAny(user, PROBE_ROLES)
export const canProbeAll = (user: UserView | null | undefined): boolean => hasAny(user, PROBE_ALL_ROLES)
export const canReviewDrift = (user: UserView | null | undefined): boolean => hasAny(user, DRIFT_REVIEW_ROLES)
