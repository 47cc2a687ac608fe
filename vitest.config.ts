import { defineConfig } from 'vitest/config';

// Test projects (README, "Tests"):
//   unit        pure functions, fakes allowed for collaborators
//   integration real servers on loopback (nginx, HAProxy, Apache, gateway processes)
//   k8s         a real kube-apiserver + etcd (+ KCM, scheduler, kwok) started once per run
//   e2e         whole chats through rendered configs, real LBs and the official cometd client
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: ['test/integration/k8s/**'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'k8s',
          include: ['test/integration/k8s/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
          // One real control plane per run (hack/cluster.sh up --full), or the cluster KUBECONFIG
          // points at; see docs/testing.md.
          globalSetup: ['test/cluster/global-setup.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
