// DCGM's command-line outputs read into the node model: diagnostics (JSON in both layouts, and the
// plain-text table), the health check and GPU discovery.
export { parseDcgmDiagJson } from './diag-json'
export { parseDcgmDiagText } from './diag-text'
export { parseDcgmDiscovery } from './discovery'
export { parseDcgmHealthJson } from './health-json'
