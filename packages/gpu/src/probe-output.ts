// Reads any supported tool output without being told which tool printed it, and judges what it
// can: a node snapshot through the health gates, a DCGM report by its verdict, a kernel log by
// its critical XIDs. The CLI's `cabinet probe` and the fleet's probe jobs share this.
import { GpuParseError, type ParseResult } from './common/parse-error'
import { parseDcgmDiagJson, parseDcgmDiagText, parseDcgmDiscovery, parseDcgmHealthJson } from './dcgm'
import { evaluateNodeHealth } from './health'
import type { HealthExpectations, HealthVerdict, NodeHealth } from './health'
import type { DiagReport, DiscoveredGpu, HealthReport, NodeSnapshot, XidEvent } from './model'
import { parseNvidiaSmi } from './nvidia-smi'
import { parseXidLog, xidSeverity } from './xid'

export type ProbeOutput =
  | { kind: 'node-snapshot'; value: NodeSnapshot }
  | { kind: 'dcgm-diag'; value: DiagReport }
  | { kind: 'dcgm-health'; value: HealthReport }
  | { kind: 'dcgm-discovery'; value: DiscoveredGpu[] }
  | { kind: 'kernel-log'; value: XidEvent[] }

export interface ProbeVerdict {
  verdict: HealthVerdict
  /** One line per reason the verdict is not a pass, or what was judged when it is. */
  reasons: string[]
  /** The full gate results, for a node snapshot. */
  gates?: NodeHealth
}

function wrap<T>(result: ParseResult<T>, make: (value: T) => ProbeOutput): ParseResult<ProbeOutput> {
  return result.ok ? { ok: true, value: make(result.value), warnings: result.warnings } : result
}

function parseJsonOutput(text: string): ParseResult<ProbeOutput> {
  if (/"DCGM (GPU )?Diagnostic"/.test(text))
    return wrap(parseDcgmDiagJson(text), (value) => ({ kind: 'dcgm-diag', value }))
  if (/"(Overall Health|overall_health|Health Monitor Report|health)"/i.test(text)) {
    return wrap(parseDcgmHealthJson(text), (value) => ({ kind: 'dcgm-health', value }))
  }
  return {
    ok: false,
    error: new GpuParseError('dcgmi-diag-json', 'line 1', 'JSON that is neither a DCGM diagnostic nor a health report'),
  }
}

/** Detects the format from the content and parses it; unknown input is a typed error, never a guess. */
export function parseProbeOutput(text: string): ParseResult<ProbeOutput> {
  const head = text.trimStart().slice(0, 2000)
  // Kernel logs first: dmesg lines start with "[ 1234.5]", which is not the start of JSON.
  if (/NVRM: /.test(text)) return wrap(parseXidLog(text), (value) => ({ kind: 'kernel-log', value }))
  if (head.startsWith('{') || /^\[\s*[[{"\]]/.test(head)) return parseJsonOutput(text)
  if (/GPUs? found\./.test(head)) return wrap(parseDcgmDiscovery(text), (value) => ({ kind: 'dcgm-discovery', value }))
  if (/^\s*\+[-=]+\+/m.test(head) && /Diagnostic|Deployment|Integration/.test(head)) {
    return wrap(parseDcgmDiagText(text), (value) => ({ kind: 'dcgm-diag', value }))
  }
  return wrap(parseNvidiaSmi(text), (value) => ({ kind: 'node-snapshot', value }))
}

/** What a person should conclude from one output on its own. */
export function judgeProbeOutput(
  output: ProbeOutput,
  expected: HealthExpectations = {},
  /** The parser's warnings: some (a GPU off the bus without its Xid line) change the verdict. */
  warnings: readonly string[] = [],
): ProbeVerdict {
  switch (output.kind) {
    case 'node-snapshot': {
      const gates = evaluateNodeHealth({ snapshot: output.value, expected })
      // Failures first: they decide the verdict; inconclusive gates follow.
      const ordered = [...gates.gates].sort((a, b) => Number(b.verdict === 'fail') - Number(a.verdict === 'fail'))
      const reasons = ordered.flatMap((gate) =>
        gate.verdict === 'pass' ? [] : gate.reasons.map((reason) => `${gate.gate}: ${reason.message}`),
      )
      return { verdict: gates.verdict, reasons, gates }
    }
    case 'dcgm-diag': {
      const failing = output.value.tests.filter((test) => test.verdict === 'fail' || test.verdict === 'warn')
      const verdict: HealthVerdict =
        output.value.overall === 'pass' ? 'pass' : output.value.overall === 'fail' ? 'fail' : 'inconclusive'
      return { verdict, reasons: failing.map((test) => `${test.name}: ${test.verdict}`) }
    }
    case 'dcgm-health': {
      const overall = output.value.overall
      const verdict: HealthVerdict = overall === 'healthy' ? 'pass' : overall === 'failure' ? 'fail' : 'inconclusive'
      return { verdict, reasons: output.value.incidents.map((incident) => `${incident.system}: ${incident.message}`) }
    }
    case 'dcgm-discovery':
      return {
        verdict: output.value.length > 0 ? 'pass' : 'fail',
        reasons: [`${output.value.length} GPUs discovered`],
      }
    case 'kernel-log': {
      // Without row-remap state, XID 63 cannot be judged from a log alone: it makes the log inconclusive.
      const judged = output.value.map((event) => ({ event, severity: xidSeverity(event.xid, null) }))
      const critical = judged.filter((entry) => entry.severity === 'critical')
      const unsure = judged.filter((entry) => entry.severity === 'inconclusive')
      const alarming = warnings.filter((warning) => /fallen off the bus/i.test(warning))
      const verdict: HealthVerdict = critical.length
        ? 'fail'
        : unsure.length || alarming.length
          ? 'inconclusive'
          : 'pass'
      return {
        verdict,
        reasons: [
          ...alarming,
          ...[...critical, ...unsure].map(
            ({ event }) =>
              `Xid ${event.xid} on ${event.pciBusId}${event.at ? ` at ${event.at}` : ''}: ${event.message}`,
          ),
        ],
      }
    }
    default: {
      const never: never = output
      throw new Error(`unhandled probe output ${JSON.stringify(never)}`)
    }
  }
}
