// Health evaluation: the rollout gates over a probed node (plus XIDs, DCGM diag and a pre-change baseline),
// per gate and per GPU, each pass / fail / inconclusive with typed reasons.
export { evaluateNodeHealth, type HealthGateDefinition, HEALTH_GATE_DEFINITIONS } from './evaluate'
export type { Finding as HealthFinding, HealthGateContext } from './findings'
export * from './types'
