// The SSH transport against the real OpenSSH server ./scripts/test starts: commands and their output,
// one connection reused (and reopened when it drops), pinned host keys, refused keys and ports, the
// per-command timeout and output cap, and hostile arguments arriving as literal text.
import { realpathSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ssh2 from 'ssh2'
import { afterEach, describe, expect, it } from 'vitest'
import { type SshTransport, sshFingerprint, type TransportError, type TransportErrorCode } from '../../src/transport'
import { HOSTILE_ARGUMENTS } from './hostile'
import { testSshd, testSshTransport } from './ssh-env'

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..')

const opened: SshTransport[] = []
/** A transport closed after the test. */
function transport(...args: Parameters<typeof testSshTransport>): SshTransport {
  const created = testSshTransport(...args)
  opened.push(created)
  return created
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((each) => each.close()))
})

async function failure(run: Promise<unknown>, code: TransportErrorCode): Promise<TransportError> {
  const error = await run.then(
    (result) => {
      throw new Error(`expected ${code}, but the command ran: ${JSON.stringify(result).slice(0, 200)}`)
    },
    (error: unknown) => error,
  )
  expect(error).toMatchObject({ name: 'TransportError', code })
  return error as TransportError
}

/** The client side port of the SSH connection the command ran in, as the server saw it. */
async function clientPort(ssh: SshTransport): Promise<string> {
  const result = await ssh.run({ argv: ['sh', '-c', 'echo "$SSH_CONNECTION"'] })
  const port = result.stdout.trim().split(' ')[1]
  expect(port).toMatch(/^\d+$/)
  return port ?? ''
}

/** A port nothing listens on: one the kernel just handed out and we released. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const address = server.address()
  await new Promise((done) => server.close(done))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

describe('ssh transport (real sshd)', () => {
  it('runs echo and uname and returns their output and exit codes', async () => {
    const ssh = transport()
    await expect(ssh.run({ argv: ['echo', 'hello', 'world'] })).resolves.toMatchObject({
      exitCode: 0,
      stdout: 'hello world\n',
      stderr: '',
      truncated: false,
    })
    await expect(ssh.run({ argv: ['uname', '-s'] })).resolves.toMatchObject({ exitCode: 0, stdout: 'Linux\n' })
    const failed = await ssh.run({ argv: ['sh', '-c', 'echo oops >&2; exit 3'] })
    expect(failed).toMatchObject({ exitCode: 3, signal: null, stdout: '', stderr: 'oops\n' })
    await expect(ssh.run({ argv: ['cabinet-no-such-program'] })).resolves.toMatchObject({ exitCode: 127 })
  })

  it("logs in as the test user, whose PATH holds the repository's simulator and node", async () => {
    const ssh = transport()
    const { username } = testSshd()
    await expect(ssh.run({ argv: ['id', '-un'] })).resolves.toMatchObject({ stdout: `${username}\n` })
    const [simulator = ''] = (await ssh.run({ argv: ['sh', '-c', 'echo "$PATH"'] })).stdout.trim().split(':')
    // This checkout's simulator comes first (compared as real paths: the checkout may sit behind a link).
    expect(simulator).toMatch(/\/packages\/gpu-sim\/bin$/)
    expect(realpathSync(resolve(simulator, '../../..'))).toBe(realpathSync(REPO_ROOT))
    const node = await ssh.run({ argv: ['node', '-e', 'process.stdout.write(process.version)'] })
    expect(node).toMatchObject({ exitCode: 0, stdout: process.version })
  })

  it('reuses one connection for every command, sequential or concurrent', async () => {
    const ssh = transport()
    const first = await clientPort(ssh)
    expect(await clientPort(ssh)).toBe(first)
    const concurrent = await Promise.all(Array.from({ length: 8 }, () => clientPort(ssh)))
    expect(new Set(concurrent)).toEqual(new Set([first]))
    expect(ssh.connectionsOpened).toBe(1)
  })

  it('queues commands beyond maxConcurrentCommands instead of exceeding the server session limit', async () => {
    const ssh = transport({ maxConcurrentCommands: 2 })
    // Each command notes when it started and ended on the node; at most two may overlap.
    const runs = await Promise.all(
      Array.from({ length: 6 }, () =>
        ssh.run({ argv: ['sh', '-c', 'date +%s%N; sleep 0.3; date +%s%N'] }).then((result) => {
          const [start = 0, end = 0] = result.stdout.trim().split('\n').map(Number)
          return { start, end }
        }),
      ),
    )
    const overlapping = runs.map(
      ({ start }) => runs.filter((other) => other.start <= start && start < other.end).length,
    )
    expect(Math.max(...overlapping)).toBeLessThanOrEqual(2)
    expect(ssh.connectionsOpened).toBe(1)
  })

  it('opens a new connection when the old one dropped', async () => {
    const ssh = transport()
    const first = await clientPort(ssh)
    // The session's parent is the server process of this connection: killing it drops the connection.
    await ssh.run({ argv: ['sh', '-c', 'kill -KILL "$PPID"'] }).catch((error: TransportError) => {
      expect(error.code).toBe('CONNECTION_LOST')
    })
    await expect.poll(() => clientPort(ssh).then((port) => port !== first), { timeout: 5000 }).toBe(true)
    expect(ssh.connectionsOpened).toBe(2)
  })

  it('passes hostile arguments through the remote shell as literal text', async () => {
    const ssh = transport()
    await expect(ssh.run({ argv: ['echo', '$(echo hi)'] })).resolves.toMatchObject({ stdout: '$(echo hi)\n' })
    const results = await Promise.all(HOSTILE_ARGUMENTS.map((arg) => ssh.run({ argv: ['printf', '%s', arg] })))
    expect(results.map((result) => [result.exitCode, result.stdout])).toEqual(HOSTILE_ARGUMENTS.map((arg) => [0, arg]))
    await expect(ssh.run({ argv: ['test', '-e', '/tmp/cabinet-pwned'] })).resolves.toMatchObject({ exitCode: 1 })
    await failure(ssh.run({ argv: ['echo', 'a\0b'] }), 'INVALID_COMMAND')
  })

  it('refuses a server whose host key is not the pinned one, naming both fingerprints', async () => {
    const wrong = sshFingerprint(Buffer.from('not the test host key'))
    const ssh = transport({ hostKeySha256: wrong })
    const error = await failure(ssh.run({ argv: ['true'] }), 'HOST_KEY_MISMATCH')
    expect(error.message).toContain(testSshd().hostKeySha256)
    expect(error.message).toContain(wrong)
    expect(ssh.connectionsOpened).toBe(0)
  })

  it('fails with AUTH_REFUSED when the server does not know our key', async () => {
    const stranger = ssh2.utils.generateKeyPairSync('ed25519')
    const ssh = transport({ privateKey: stranger.private })
    const error = await failure(ssh.run({ argv: ['true'] }), 'AUTH_REFUSED')
    expect(error.message).toContain(testSshd().username)
  })

  it('fails with CONNECTION_REFUSED on a port nothing listens on', async () => {
    const ssh = transport({ port: await closedPort() })
    await failure(ssh.run({ argv: ['true'] }), 'CONNECTION_REFUSED')
  })

  it('fails with CONNECT_TIMEOUT when the server accepts but never speaks SSH', async () => {
    const sockets = new Set<import('node:net').Socket>()
    const silent: Server = createServer((socket) => sockets.add(socket))
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done))
    const address = silent.address()
    if (address === null || typeof address === 'string') throw new Error('no port')
    try {
      const started = performance.now()
      await failure(transport({ port: address.port, connectTimeoutMs: 500 }).run({ argv: ['true'] }), 'CONNECT_TIMEOUT')
      expect(performance.now() - started).toBeLessThan(3000)
    } finally {
      for (const socket of sockets) socket.destroy()
      await new Promise((done) => silent.close(done))
    }
  })

  it('kills a hanging `sleep 60` at the command timeout, within the limit, and keeps the connection', async () => {
    const ssh = transport({ commandTimeoutMs: 1000 })
    // A duration no other test uses, so the check below finds only this command's process.
    const duration = `60.${process.pid}`
    const before = await clientPort(ssh)
    const started = performance.now()
    const error = await failure(ssh.run({ argv: ['sleep', duration] }), 'TIMEOUT')
    expect(performance.now() - started).toBeLessThan(5000)
    expect(error.message).toMatch(new RegExp(`\`sleep ${duration.replace('.', '\\.')}\` ran past its 1000 ms timeout`))
    // The signal reached the program on the node: the process is gone (sshd may take a moment under load).
    await expect
      .poll(async () => (await ssh.run({ argv: ['pgrep', '-f', '-x', `sleep ${duration}`] })).exitCode, {
        timeout: 15_000,
      })
      .toBe(1)
    expect(await clientPort(ssh)).toBe(before)
    expect(ssh.connectionsOpened).toBe(1)
  })

  it('stops `yes` at the output cap: OUTPUT_LIMIT, or truncated on request', async () => {
    const ssh = transport({ maxOutputBytes: 100_000 })
    const error = await failure(ssh.run({ argv: ['yes'] }), 'OUTPUT_LIMIT')
    expect(error.details.partial?.stdout).toHaveLength(100_000)
    const truncated = await ssh.run({ argv: ['yes', 'gpu'] }, { maxOutputBytes: 1000, onOutputLimit: 'truncate' })
    expect(truncated.truncated).toBe(true)
    expect(truncated.stdout).toHaveLength(1000)
    expect(truncated.stdout.startsWith('gpu\ngpu\n')).toBe(true)
    await expect(ssh.run({ argv: ['echo', 'still usable'] })).resolves.toMatchObject({ stdout: 'still usable\n' })
  })

  it('sends the environment the server accepts (GPU_SIM_*) with each command', async () => {
    const ssh = transport({ env: { GPU_SIM_STATE_DIR: '/tmp/sim node 7' } })
    const result = await ssh.run({ argv: ['sh', '-c', 'echo "$GPU_SIM_STATE_DIR"'] })
    expect(result.stdout).toBe('/tmp/sim node 7\n')
  })

  it('cancels through an AbortSignal, and refuses runs after close', async () => {
    const ssh = transport()
    await failure(ssh.run({ argv: ['sleep', '60'] }, { signal: AbortSignal.timeout(300) }), 'ABORTED')
    const duration = `60.${process.pid}1`
    const running = failure(ssh.run({ argv: ['sleep', duration] }), 'CLOSED')
    // Close once the command runs on the node, seen from a second connection, not after a guessed delay.
    const observer = transport()
    await expect
      .poll(async () => (await observer.run({ argv: ['pgrep', '-f', '-x', `sleep ${duration}`] })).exitCode, {
        timeout: 15_000,
      })
      .toBe(0)
    await observer.close()
    await ssh.close()
    await running
    await failure(ssh.run({ argv: ['true'] }), 'CLOSED')
  })

  it('refuses unusable options when created: a malformed fingerprint, a public key', () => {
    expect(() => transport({ hostKeySha256: 'md5:aa:bb' })).toThrow(/hostKeySha256 must be a SHA-256 fingerprint/)
    const { public: publicKey } = ssh2.utils.generateKeyPairSync('ed25519')
    expect(() => transport({ privateKey: publicKey })).toThrow(/not a usable private key/)
    expect(() => transport({ commandTimeoutMs: -1 })).toThrow(/commandTimeoutMs/)
  })
})
