// Who may use the fleet API: everyone signed in reads it; probing and drift review are decisions.
export const FLEET_READ = { roles: 'any', scope: 'catalog:read' } as const
/** Implementers probe the nodes they are about to change, so they may ask for a probe too. */
export const FLEET_PROBE = { roles: ['change_manager', 'admin', 'implementer'], scope: 'catalog:write' } as const
/** Accepting an unauthorized change is a manager's call, not the implementer's who may have made it. */
export const FLEET_DRIFT_REVIEW = { roles: ['change_manager', 'admin'], scope: 'catalog:write' } as const
