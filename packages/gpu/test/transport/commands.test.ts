// The allow-listed command templates: every template's argv as a table, and the arguments each refuses,
// hostile strings included. Nothing here reaches a shell; the transports' tests prove the argv arrives intact.
import { describe, expect, it } from 'vitest'
import { COMMAND_NAMES, type CommandRequest, CommandRefusedError, renderCommand } from '../../src/transport'
import { HOSTILE_ARGUMENTS } from './hostile'

describe('renderCommand: the argv of every template', () => {
  const rows: Array<[CommandRequest, string[], boolean]> = [
    [{ name: 'nvidia-smi-xml' }, ['nvidia-smi', '-q', '-x'], false],
    [
      {
        name: 'nvidia-smi-query',
        fields: ['index', 'uuid', 'driver_version', 'ecc.errors.uncorrected.volatile.total'],
      },
      ['nvidia-smi', '--query-gpu=index,uuid,driver_version,ecc.errors.uncorrected.volatile.total', '--format=csv'],
      false,
    ],
    [{ name: 'dcgmi-diag', level: 1 }, ['dcgmi', 'diag', '-r', '1', '-j'], false],
    [{ name: 'dcgmi-diag', level: 3 }, ['dcgmi', 'diag', '-r', '3', '-j'], false],
    [{ name: 'dcgmi-health' }, ['dcgmi', 'health', '-c', '-j'], false],
    [{ name: 'dcgmi-discovery' }, ['dcgmi', 'discovery', '-l'], false],
    [{ name: 'dmesg-xid' }, ['dmesg'], false],
    [
      { name: 'dmesg-xid', since: '2025-01-31T12:00:00Z' },
      ['journalctl', '-k', '-q', '--no-pager', '-o', 'short-iso', '--since', '@1738324800'],
      false,
    ],
    [
      { name: 'dmesg-xid', since: '2025-01-31T13:00:00.750+01:00' },
      ['journalctl', '-k', '-q', '--no-pager', '-o', 'short-iso', '--since', '@1738324800'],
      false,
    ],
    [
      { name: 'install-driver', platform: 'simulator', version: '570.124.06' },
      ['cabinet-node', 'install-driver', '570.124.06'],
      true,
    ],
    [
      { name: 'install-driver', platform: 'linux', version: '550.54.15' },
      [
        'sudo',
        '-n',
        'env',
        'DEBIAN_FRONTEND=noninteractive',
        'apt-get',
        'install',
        '-y',
        '-q',
        '--allow-downgrades',
        'cuda-drivers-550=550.54.15-1',
      ],
      true,
    ],
    [{ name: 'reboot', platform: 'simulator' }, ['cabinet-node', 'reboot'], true],
    [{ name: 'reboot', platform: 'linux' }, ['sudo', '-n', 'systemctl', 'reboot'], true],
    [
      { name: 'drain', scheduler: 'slurm', hostname: 'gpu-a100-017.dc1', reason: 'CHG0001234 driver 570.124.06' },
      ['scontrol', 'update', 'nodename=gpu-a100-017.dc1', 'state=drain', 'reason=CHG0001234 driver 570.124.06'],
      true,
    ],
    [
      { name: 'drain', scheduler: 'kubernetes', hostname: 'gpu-node-3', reason: 'CHG0000042' },
      ['kubectl', 'drain', 'gpu-node-3', '--ignore-daemonsets', '--delete-emptydir-data'],
      true,
    ],
    [
      { name: 'drain', scheduler: 'simulator', hostname: 'sim-001', reason: 'CHG0000042 (canary)' },
      ['cabinet-node', 'drain', '--reason', 'CHG0000042 (canary)'],
      true,
    ],
    [
      { name: 'resume', scheduler: 'slurm', hostname: 'gpu-a100-017' },
      ['scontrol', 'update', 'nodename=gpu-a100-017', 'state=resume'],
      true,
    ],
    [{ name: 'resume', scheduler: 'kubernetes', hostname: 'gpu-node-3' }, ['kubectl', 'uncordon', 'gpu-node-3'], true],
    [{ name: 'resume', scheduler: 'simulator', hostname: 'sim-001' }, ['cabinet-node', 'resume'], true],
    [{ name: 'node-status', platform: 'simulator' }, ['cabinet-node', 'status'], false],
    [{ name: 'node-status', platform: 'linux' }, ['cat', '/proc/sys/kernel/random/boot_id', '/proc/uptime'], false],
  ]

  it.each(rows)('%j', (request, argv, mutating) => {
    expect(renderCommand(request)).toEqual({ name: request.name, argv, mutating })
  })

  it('covers every named command', () => {
    expect(new Set(rows.map(([request]) => request.name))).toEqual(new Set(COMMAND_NAMES))
  })
})

describe('renderCommand: refused arguments name their field', () => {
  /** Requests arrive as JSON, so the table holds what a caller could send, typed or not. */
  const refused: Array<[string, unknown, string]> = [
    ['an unknown command', { name: 'rm', path: '/' }, 'name'],
    ['no request at all', null, 'name'],
    ['a query field outside the allow-list', { name: 'nvidia-smi-query', fields: ['index', 'name;id'] }, 'fields[1]'],
    ['no query fields', { name: 'nvidia-smi-query', fields: [] }, 'fields'],
    ['a repeated query field', { name: 'nvidia-smi-query', fields: ['index', 'index'] }, 'fields'],
    ['diag level 4', { name: 'dcgmi-diag', level: 4 }, 'level'],
    ['diag level "1"', { name: 'dcgmi-diag', level: '1' }, 'level'],
    ['a time without a zone', { name: 'dmesg-xid', since: '2025-01-31T12:00:00' }, 'since'],
    ['a date without a time', { name: 'dmesg-xid', since: '2025-01-31' }, 'since'],
    ['an impossible time', { name: 'dmesg-xid', since: '2025-13-45T99:00:00Z' }, 'since'],
    ['a relative time', { name: 'dmesg-xid', since: 'yesterday' }, 'since'],
    [
      'a driver version with a suffix',
      { name: 'install-driver', platform: 'linux', version: '550.54.15-1' },
      'version',
    ],
    ['a one-part driver version', { name: 'install-driver', platform: 'linux', version: '550' }, 'version'],
    ['a five-part driver version', { name: 'install-driver', platform: 'simulator', version: '1.2.3.4.5' }, 'version'],
    ['an unknown platform', { name: 'reboot', platform: 'windows' }, 'platform'],
    ['no scheduler', { name: 'drain', scheduler: 'none', hostname: 'gpu-1', reason: 'x' }, 'scheduler'],
    ['a hostname with a space', { name: 'drain', scheduler: 'slurm', hostname: 'gpu 1', reason: 'x' }, 'hostname'],
    ['a hostname starting with -', { name: 'resume', scheduler: 'slurm', hostname: '-gpu1' }, 'hostname'],
    ['a hostname of 254 characters', { name: 'resume', scheduler: 'slurm', hostname: 'a.'.repeat(127) }, 'hostname'],
    ['an empty reason', { name: 'drain', scheduler: 'slurm', hostname: 'gpu-1', reason: '' }, 'reason'],
    ['a quoted reason', { name: 'drain', scheduler: 'slurm', hostname: 'gpu-1', reason: 'a "b"' }, 'reason'],
    [
      'a 201-character reason',
      { name: 'drain', scheduler: 'slurm', hostname: 'gpu-1', reason: 'a'.repeat(201) },
      'reason',
    ],
  ]

  it.each(refused)('refuses %s', (_title, request, field) => {
    let caught: unknown
    try {
      renderCommand(request as CommandRequest)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(CommandRefusedError)
    expect(caught).toMatchObject({ field })
  })

  it('refuses every hostile string holding shell syntax as a driver version, a hostname, a reason and a time', () => {
    // Strings of letters, digits, spaces and -_.,:;#@/+() (e.g. "-n") are harmless in a reason; the rest are not.
    const dangerous = HOSTILE_ARGUMENTS.filter((hostile) => /[^A-Za-z0-9 _.,:;#@/+()-]/.test(hostile))
    expect(dangerous.length).toBeGreaterThan(15)
    for (const hostile of dangerous) {
      const attempts: unknown[] = [
        { name: 'install-driver', platform: 'linux', version: hostile },
        { name: 'install-driver', platform: 'simulator', version: `550.54.15${hostile}` },
        { name: 'drain', scheduler: 'slurm', hostname: `gpu-1${hostile}`, reason: 'CHG1' },
        { name: 'drain', scheduler: 'slurm', hostname: 'gpu-1', reason: `CHG1${hostile}` },
        { name: 'dmesg-xid', since: `2025-01-31T12:00:00Z${hostile}` },
      ]
      for (const request of attempts) {
        expect(() => renderCommand(request as CommandRequest), JSON.stringify(request)).toThrow(CommandRefusedError)
      }
    }
  })

  it('says what it expected and what it got, with control characters escaped', () => {
    expect(() => renderCommand({ name: 'install-driver', platform: 'linux', version: '550\n; reboot' })).toThrow(
      'install-driver: version must be a driver version like 550.54.15, got "550\\n; reboot"',
    )
  })
})
