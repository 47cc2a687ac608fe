/**
 * gmsctl render -f FILE... [-o DIR] [--target ini] [--backend host:port]...
 *
 * Validates first, with exactly the rules of `gmsctl validate`, and refuses to render when
 * there are errors (diagnostics on stderr, exit 1). Then, per ChatService, writes
 *   <DIR>/<namespace or default>/<name>/gms.ini      the whole config without credentials
 *                                       static.ini   restart-required options (immutable ConfigMap)
 *                                       dynamic.ini  options that apply at once (mutable ConfigMap)
 *                                       secrets.ini  credentials, mode 0600, only when the
 *                                                    inputs hold the Secrets they come from
 * all or nothing (temporary files, renamed into place once every one is written), and prints
 * what it wrote. Without -o it prints each ChatService's gms.ini to stdout (never credentials).
 *
 * Targets: `ini` here; the load-balancer targets (nginx, haproxy, apache, ingress-nginx,
 * gateway-api) plug into RENDER_TARGETS from src/lb. --backend host:port (repeatable) names the
 * GMS nodes a load-balancer config sends traffic to; it is parsed and checked here for all
 * targets.
 */
import { isIPv6 } from 'node:net';
import { join } from 'node:path';
import type { Argv } from 'yargs';
import type { ChatService, PushProvider, SecretData } from '../../api/types.js';
import { hostProblem, render, renderFiles } from '../../config/index.js';
import {
  formatReport,
  validatePaths,
  type ManifestObject,
  type SecretObject,
  type ValidationModel,
} from '../../validate/index.js';
import { UsageError, type CommandModule } from '../command.js';
import { useColor, writeFilesAtomic, WriteFilesError } from './output.js';
import { inputOptions, parseInputArgs, positionals, reportIoErrors } from './validate.js';
import { loadFileCheckers } from './validate-checkers.js';

export interface Backend {
  host: string;
  port: number;
}

/** One file a target produces, relative to the output directory. */
export interface RenderedFile {
  path: string;
  content: string;
  /** File mode (0600 for credentials). */
  mode?: number;
  /** Printed to stdout when there is no output directory (credentials never are). */
  stdout?: boolean;
}

export interface RenderInput {
  model: ValidationModel;
  backends: readonly Backend[];
  /** --listen / --https-port of the nginx, haproxy and apache targets (render-lb.ts). */
  listen?: { address: string; httpPort: number; httpsPort?: number };
}

export interface RenderOutcome {
  files: RenderedFile[];
  /** Notes for stderr (missing Secrets, mounted keystore files ...). */
  notes: string[];
  /** Render-time problems that must stop the command (defense in depth after validation). */
  errors: string[];
}

export type RenderTarget = (input: RenderInput) => RenderOutcome | Promise<RenderOutcome>;

/**
 * The dispatch point for targets. A target that is listed without a loader is planned but not
 * built yet: asking for it is a usage error (exit 2), not a silent no-op.
 */
export const RENDER_TARGETS: Readonly<Record<string, (() => Promise<RenderTarget>) | undefined>> = {
  ini: async () => renderIniTarget,
  nginx: async () => (await import('./render-lb.js')).lbRenderTarget('nginx'),
  haproxy: async () => (await import('./render-lb.js')).lbRenderTarget('haproxy'),
  apache: async () => (await import('./render-lb.js')).lbRenderTarget('apache'),
  'ingress-nginx': async () => (await import('./render-lb.js')).lbRenderTarget('ingress-nginx'),
  'gateway-api': async () => (await import('./render-lb.js')).lbRenderTarget('gateway-api'),
};

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A Kubernetes name safe as a directory name (no `..`, no `/`). */
function pathSegment(name: string): string | undefined {
  return name.length <= 253 && DNS_SUBDOMAIN.test(name) ? name : undefined;
}

function secretsFor(model: ValidationModel, namespace: string | undefined): SecretData {
  const data: SecretData = {};
  const inNs = (s: SecretObject) =>
    s.namespace === undefined || namespace === undefined || s.namespace === namespace;
  for (const s of model.secrets) if (inNs(s)) data[s.name] = { ...s.values };
  return data;
}

function providersFor(model: ValidationModel, cs: ManifestObject): PushProvider[] {
  return model.pushProviders
    .filter(
      (p) =>
        p.namespace === undefined || cs.namespace === undefined || p.namespace === cs.namespace,
    )
    .map((p) => p.data as unknown as PushProvider);
}

/** The `ini` target: the GMS config files of every ChatService. */
export const renderIniTarget: RenderTarget = ({ model }) => {
  const outcome: RenderOutcome = { files: [], notes: [], errors: [] };
  for (const obj of model.chatServices) {
    const cs = obj.data as unknown as ChatService;
    const ns = obj.namespace ?? 'default';
    const nsDir = pathSegment(ns);
    const nameDir = pathSegment(obj.name);
    if (!nsDir || !nameDir) {
      outcome.errors.push(
        `${obj.file}: ChatService ${ns}/${obj.name} has a name that cannot be a directory name`,
      );
      continue;
    }
    const providers = providersFor(model, obj);
    const secrets = secretsFor(model, obj.namespace);
    const withSecrets = render(cs, providers, secrets);
    const withoutSecrets = render(cs, providers);
    for (const p of withSecrets.problems) {
      const line = `${obj.file}: ${p.rule}: ${p.message}`;
      if (p.severity === 'error') outcome.errors.push(line);
      else outcome.notes.push(`warning: ${line}`);
    }
    const files = renderFiles(withSecrets);
    const base = `${nsDir}/${nameDir}`;
    outcome.files.push(
      { path: `${base}/gms.ini`, content: renderFiles(withoutSecrets).all, stdout: true },
      { path: `${base}/static.ini`, content: files.static },
      { path: `${base}/dynamic.ini`, content: files.dynamic },
    );
    const credentialCount = [...withSecrets.secrets.values()].reduce((n, s) => n + s.size, 0);
    if (credentialCount > 0)
      outcome.files.push({ path: `${base}/secrets.ini`, content: files.secrets, mode: 0o600 });
    for (const m of withSecrets.missingSecrets) {
      outcome.notes.push(
        `${ns}/${obj.name}: [${m.section}] ${m.option} left out: Secret ${m.secretName} key ${m.key} is not among the inputs`,
      );
    }
    for (const f of withSecrets.secretFiles) {
      outcome.notes.push(
        `${ns}/${obj.name}: ${f.path} is read from Secret ${f.secretName} key ${f.key} (mounted by the operator; not written here)`,
      );
    }
  }
  return outcome;
};

export function parseBackend(text: string): Backend {
  // IPv6 in brackets, as in URLs: [2001:db8::1]:8080 (docs/load-balancers.md, "Backends").
  const v6 = /^\[([0-9A-Fa-f:.]+)\]:(\d{1,5})$/.exec(text);
  const m = v6 ?? /^([^:\s]+):(\d{1,5})$/.exec(text);
  if (!m)
    throw new UsageError(
      `--backend ${JSON.stringify(text)}: expected host:port or [IPv6]:port (e.g. gms-0.gms.contact-center.svc:8080)`,
    );
  const host = m[1]!;
  const port = Number(m[2]);
  const problem = v6
    ? isIPv6(host)
      ? undefined
      : `"${host}" in brackets is not an IPv6 address`
    : hostProblem(host);
  if (problem) throw new UsageError(`--backend ${JSON.stringify(text)}: ${problem}`);
  if (port < 1 || port > 65535)
    throw new UsageError(`--backend ${JSON.stringify(text)}: port ${port} is not 1-65535`);
  return { host, port };
}

export const command: CommandModule = {
  usage: 'render -f FILE... [-o DIR] [--target ini] [--backend host:port]...',
  describe:
    'Render the GMS config (gms.ini, static.ini, dynamic.ini, secrets.ini) of each ChatService',
  builder: (y: Argv) =>
    inputOptions(
      // yargs reads `-f -` as -f plus a positional "-": positionals are inputs too.
      y
        .strict(false)
        .strictOptions(true)
        .option('filename', {
          alias: 'f',
          type: 'string',
          array: true,
          describe: 'Manifests: files, directories, globs, or - for stdin (repeatable)',
        })
        .option('output-dir', {
          alias: 'o',
          type: 'string',
          describe: 'Write files under DIR/<namespace>/<name>/ (default: gms.ini to stdout)',
        })
        .option('target', {
          type: 'string',
          default: 'ini',
          describe: `What to render: ${Object.keys(RENDER_TARGETS).join(', ')}`,
        })
        .option('backend', {
          type: 'string',
          array: true,
          describe: 'GMS node host:port for load-balancer targets (repeatable)',
        })
        .option('listen', {
          type: 'string',
          describe:
            'nginx/haproxy/apache: ADDRESS:PORT the config listens on, IPv4 or * (default *:80)',
        })
        .option('https-port', {
          type: 'number',
          describe: 'nginx/haproxy/apache with spec.expose.tls: HTTPS port (default 443)',
        }),
    )
      .example(
        'gmsctl render -f examples/ -o out/',
        'Write the INI files of every ChatService under out/',
      )
      .example('gmsctl render -f examples/customer-support.yaml', 'Print gms.ini'),
  run: async (args) => {
    const target = String(args.target ?? 'ini');
    if (!(target in RENDER_TARGETS)) {
      throw new UsageError(
        `unknown target ${JSON.stringify(target)} (targets: ${Object.keys(RENDER_TARGETS).join(', ')})`,
      );
    }
    // `-o ""` would write into the current directory.
    if (args.outputDir === '')
      throw new UsageError('-o/--output-dir needs a directory (use -o . for here)');
    const loadTarget = RENDER_TARGETS[target];
    if (!loadTarget) throw new UsageError(`target ${target} not available yet`);
    // The Ingress and the HTTPRoute route to the headless Service of the GMS nodes, and
    // gms.ini has no backends: --backend would be silently ignored there.
    if (args.backend !== undefined && !['nginx', 'haproxy', 'apache'].includes(target))
      throw new UsageError(
        `--backend applies to the nginx, haproxy and apache targets, not ${target}${target === 'ini' ? ' (add --target)' : ` (the ${target === 'ingress-nginx' ? 'Ingress' : 'HTTPRoute'} routes to the headless Service <name>-nodes)`}`,
      );
    const backends = ((args.backend as string[] | undefined) ?? []).map((b) =>
      parseBackend(String(b)),
    );
    const listen =
      args.listen !== undefined || args.httpsPort !== undefined
        ? (await import('./render-lb.js')).parseListen(target, args.listen, args.httpsPort)
        : undefined;
    const input = parseInputArgs(args);
    const paths = [
      ...((args.filename as string[] | undefined) ?? []).map(String),
      ...positionals(args),
    ];
    if (paths.length === 0)
      throw new UsageError(
        'give the manifests with -f FILE (files, directories, globs, or - for stdin)',
      );

    const checkers = await loadFileCheckers();
    const result = await validatePaths(paths, { ...input, checkers });
    if (result.diagnostics.length > 0) {
      process.stderr.write(
        formatReport(
          'text',
          { diagnostics: result.diagnostics, summary: result.summary },
          { sources: result.sources, color: useColor(process.stderr) },
        ),
      );
    }
    reportIoErrors('render', result);
    if (result.ioErrors.length > 0) return 2;
    if (result.summary.errors > 0) {
      process.stderr.write('gmsctl render: not rendering: fix the errors above first\n');
      return 1;
    }
    if (result.model.chatServices.length === 0) {
      process.stderr.write('gmsctl render: no ChatService in the inputs; nothing to render\n');
      return 1;
    }

    const renderTarget = await loadTarget();
    const outcome = await renderTarget({
      model: result.model,
      backends,
      ...(listen ? { listen } : {}),
    });
    for (const n of outcome.notes) process.stderr.write(`gmsctl render: ${n}\n`);
    if (outcome.errors.length > 0) {
      for (const e of outcome.errors) process.stderr.write(`gmsctl render: ${e}\n`);
      return 1;
    }

    const outDir = args.outputDir as string | undefined;
    if (outDir === undefined) {
      const printable = outcome.files.filter((f) => f.stdout);
      printable.forEach((f, i) => {
        if (printable.length > 1)
          process.stdout.write(`${i > 0 ? '\n' : ''}; ---- ${f.path} ----\n`);
        process.stdout.write(f.content);
      });
      return 0;
    }
    // All or nothing: a directory that cannot be written leaves no half-rendered output.
    try {
      writeFilesAtomic(
        outcome.files.map((f) => ({ ...f, path: join(outDir, f.path) })),
        (f) => process.stdout.write(`wrote ${f.path}${f.mode === 0o600 ? ' (mode 0600)' : ''}\n`),
      );
    } catch (err) {
      if (!(err instanceof WriteFilesError)) throw err;
      throw new UsageError(`cannot write ${err.path}: ${err.message}`);
    }
    return 0;
  },
};
