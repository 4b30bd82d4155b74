// One vitest run, several projects: pure unit tests, and integration tests on real Postgres and Redis.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'domain',
          include: ['packages/domain/src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'gpu',
          include: ['packages/gpu/src/**/*.test.ts', 'packages/gpu/test/**/*.test.ts'],
          exclude: ['packages/gpu/test/transport/ssh.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          // Needs the real sshd that ./scripts/test starts (CABINET_TEST_SSH_*).
          name: 'ssh',
          include: ['packages/gpu/test/transport/ssh.test.ts', 'apps/worker/test/fleet-ssh.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'gpu-sim',
          include: ['packages/gpu-sim/src/**/*.test.ts', 'packages/gpu-sim/test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'cli',
          include: ['apps/cli/test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          // Builds the server bundles (scripts/build-server.ts) and starts them under plain node.
          name: 'build',
          include: ['scripts/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'contracts',
          include: ['packages/contracts/src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'api',
          include: ['apps/api/test/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['apps/api/test/support/global-setup.ts'],
          // Each file gets its own database cloned from the template, so files may run in parallel.
          fileParallelism: true,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'worker',
          include: ['apps/worker/test/**/*.test.ts'],
          // Needs the real sshd: it runs in the `ssh` project.
          exclude: ['apps/worker/test/fleet-ssh.test.ts'],
          environment: 'node',
          globalSetup: ['apps/api/test/support/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
})
