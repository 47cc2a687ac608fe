/**
 * client-node's KubeConfig without client-node's generated API layer (docs/adr/0018).
 *
 * The operator uses @kubernetes/client-node only for KubeConfig: kubeconfig files, the
 * in-cluster service account, the exec/OIDC/token-file/Azure/GCP authenticators and the undici
 * dispatcher built from the cluster's TLS, proxy and SNI settings (docs/adr/0008). Its entry
 * point, and even a deep import of dist/config.js, also loads every generated API and model
 * class: config.js has one import from './gen/index.js' (for makeApiClient, which we never
 * call), and gen/index.js re-exports all of dist/gen (~29 MB of JavaScript). Measured with
 * Node 24.21 after a GC: importing the entry point costs ~90 MB RSS and ~26 MB of heap; the
 * narrowed graph below ~40 MB RSS and ~9 MB of heap (most of it undici and the auth libraries).
 *
 * The package has no `exports` map, so deep imports are allowed, but no deep import avoids
 * that one line of config.js. A module resolve hook (node:module registerHooks, synchronous and
 * in-thread) answers exactly that import - specifier './gen/index.js' from client-node's
 * dist/config.js - with a module re-exporting the two names config.js takes from it from their
 * own small files (gen/configuration.js, gen/servers.js). Nothing else is redirected, and the
 * hook is removed once config.js is loaded. KubeConfig is client-node's own code, unchanged.
 *
 * If an upgrade makes config.js import another name from './gen/index.js', loading fails at
 * start-up with "does not provide an export named ...", never later;
 * test/unit/operator/runtime/kubeconfig.test.ts reads config.js and fails first.
 */
import * as nodeModule from 'node:module';
import type * as ConfigModuleNs from '@kubernetes/client-node/dist/config.js';
import type { KubeConfig } from '@kubernetes/client-node/dist/config.js';

type ConfigModule = typeof ConfigModuleNs;

const CONFIG_MODULE = '@kubernetes/client-node/dist/config.js';
/** The import in client-node's dist/config.js that pulls in every generated class. */
export const GEN_INDEX_SPECIFIER = './gen/index.js';
/** What config.js takes from './gen/index.js', and the file each name really lives in. */
export const GEN_NAMES: Readonly<Record<string, string>> = {
  createConfiguration: './gen/configuration.js',
  ServerConfiguration: './gen/servers.js',
};

/** The module answering config.js's './gen/index.js' import (a data: URL; absolute imports). */
export function narrowGenModule(configUrl: string): string {
  const lines = Object.entries(GEN_NAMES).map(
    ([name, file]) => `export { ${name} } from ${JSON.stringify(new URL(file, configUrl).href)};`,
  );
  return `data:text/javascript,${encodeURIComponent(lines.join('\n'))}`;
}

let loading: Promise<ConfigModule> | undefined;

/** client-node's dist/config.js, loaded without dist/gen/index.js (once per process). */
export function loadConfigModule(): Promise<ConfigModule> {
  loading ??= (async () => {
    // module.registerHooks is Node >= 22.15 / 23.5; on an older Node 22 load it whole.
    const registerHooks = (nodeModule as Partial<typeof nodeModule>).registerHooks;
    if (typeof registerHooks !== 'function') return (await import(CONFIG_MODULE)) as ConfigModule;
    const hooks = registerHooks({
      resolve(specifier, context, nextResolve) {
        if (
          specifier === GEN_INDEX_SPECIFIER &&
          context.parentURL?.endsWith('/@kubernetes/client-node/dist/config.js')
        ) {
          return { url: narrowGenModule(context.parentURL), shortCircuit: true };
        }
        return nextResolve(specifier, context);
      },
    });
    try {
      return (await import(CONFIG_MODULE)) as ConfigModule;
    } finally {
      hooks.deregister();
    }
  })();
  return loading;
}

/**
 * Credentials for the operator: the kubeconfig file if one is given, else the in-cluster
 * service account. Throws when neither yields a current cluster.
 */
export async function loadKubeConfig(file?: string): Promise<KubeConfig> {
  const { KubeConfig } = await loadConfigModule();
  const kc = new KubeConfig();
  if (file) kc.loadFromFile(file);
  else kc.loadFromCluster();
  if (!kc.getCurrentCluster()) throw new Error('no current cluster');
  return kc;
}
