// The public face of @cabinet/domain: Cabinet's pure rules (change lifecycle, risk), no I/O.
// Everything the apps use is re-exported here; files inside the package are not entry points.
export * from './change/permissions'
export * from './change/state-machine'
export * from './change/vocabulary'
export * from './risk/conditions'
export * from './risk/impact'
export * from './risk/levels'
export * from './risk/questionnaire'
export * from './risk/risk'
export * from './risk/types'
export * from './shared/assert-never'
export * from './schedule/recurrence'
export * from './schedule/zone'
