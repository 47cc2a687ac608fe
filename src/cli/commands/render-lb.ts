/**
 * The load-balancer targets of `gmsctl render` (nginx, haproxy, apache, ingress-nginx,
 * gateway-api): per ChatService, the files of src/lb's renderLoadBalancer under
 * <DIR>/<namespace>/<name>/. Backends: the --backend values (named gms-0, gms-1, ... in the order
 * given), else the ChatService's StatefulSet pod DNS names. A value that fails src/lb's strict
 * patterns stops the command with the field named; nothing is written.
 */
import type { ChatService } from '../../api/types.js';
import {
  LbInputError,
  renderLoadBalancer,
  type LbTarget,
  type RenderOptions,
} from '../../lb/index.js';
import { IPV4 } from '../../lb/model.js';
import { UsageError } from '../command.js';
import type { RenderInput, RenderOutcome, RenderTarget } from './render.js';

/** Targets that write a server config of their own (and so have a listener). */
const LISTENING_TARGETS = ['nginx', 'haproxy', 'apache'];

function port(flag: string, text: string): number {
  const n = Number(text);
  if (!/^\d{1,5}$/.test(text) || n < 1 || n > 65535)
    throw new UsageError(`${flag}: port ${JSON.stringify(text)} is not 1-65535`);
  return n;
}

/**
 * --listen ADDRESS:PORT (and --https-port PORT) of the nginx, haproxy and apache targets.
 * One listener address per config (the renderers put HTTP and, with TLS, HTTPS on it), so the
 * flag is not repeatable. ADDRESS is an IPv4 address or `*`; nothing else reaches the config.
 */
export function parseListen(
  target: string,
  listen: unknown,
  httpsPort: unknown,
): NonNullable<RenderInput['listen']> {
  if (!LISTENING_TARGETS.includes(target))
    throw new UsageError(
      `--listen and --https-port apply to the nginx, haproxy and apache targets, not ${target}`,
    );
  if (Array.isArray(listen))
    throw new UsageError(
      '--listen given more than once: a rendered config has one listener address (HTTP, and HTTPS on --https-port with TLS)',
    );
  const out: NonNullable<RenderInput['listen']> = { address: '*', httpPort: 80 };
  if (listen !== undefined) {
    const text = String(listen);
    const m = /^(\*|[0-9.]{7,15}):([0-9]{1,5})$/.exec(text);
    if (!m || (m[1] !== '*' && !IPV4.test(m[1]!)))
      throw new UsageError(
        `--listen ${JSON.stringify(text)}: expected ADDRESS:PORT with an IPv4 address or * (e.g. 127.0.0.1:8080 or *:80)`,
      );
    out.address = m[1]!;
    out.httpPort = port('--listen', m[2]!);
  }
  if (httpsPort !== undefined) {
    if (Array.isArray(httpsPort)) throw new UsageError('--https-port given more than once');
    out.httpsPort = port('--https-port', String(httpsPort));
    if (out.httpsPort === out.httpPort)
      throw new UsageError(`--https-port ${out.httpsPort} is the --listen port too`);
  }
  return out;
}

/** The file printed when there is no output directory. */
const MAIN_FILE = /(^|\/)(nginx\.conf|haproxy\.cfg|httpd\.conf|[^/]+\.yaml)$/;

export function lbRenderTarget(target: LbTarget): RenderTarget {
  return ({ model, backends, listen }) => {
    const outcome: RenderOutcome = { files: [], notes: [], errors: [] };
    const lbBackends =
      backends.length > 0
        ? backends.map((b, i) => ({ name: `gms-${i}`, host: b.host, port: b.port }))
        : undefined;
    for (const obj of model.chatServices) {
      const cs = obj.data as unknown as ChatService;
      const ns = obj.namespace ?? 'default';
      try {
        const opts: RenderOptions = {};
        if (lbBackends) opts.backends = lbBackends;
        if (listen) opts.listen = { ...listen };
        const files = renderLoadBalancer(target, cs, opts);
        for (const f of files)
          outcome.files.push({
            path: `${ns}/${obj.name}/${f.path}`,
            content: f.content,
            stdout: MAIN_FILE.test(f.path),
          });
        if (!lbBackends && (target === 'nginx' || target === 'haproxy' || target === 'apache'))
          outcome.notes.push(
            `${ns}/${obj.name}: ${target} backends are the StatefulSet pod DNS names${target === 'nginx' ? ' (nginx resolves them once, at start)' : ''}; use --backend host:port for GMS nodes outside Kubernetes`,
          );
      } catch (err) {
        if (!(err instanceof LbInputError)) throw err;
        for (const i of err.issues) {
          // A field of the manifest: point at it, as gmsctl validate does (a missing field: its
          // deepest existing parent). spec.expose settings the target cannot carry out are the
          // expose-mode rule's (docs/rules/expose-mode.md).
          const where = /^(spec|metadata)(\.[A-Za-z]+)+$/.test(i.field)
            ? obj.locate(i.field.split('.'), 'value')
            : undefined;
          const rule = i.field.startsWith('spec.expose.') ? 'expose-mode: ' : '';
          outcome.errors.push(
            `${obj.file}${where ? `:${where.line}:${where.column}: error` : ':'} ${rule}ChatService ${ns}/${obj.name}: ${i.field}: ${i.message} (got ${JSON.stringify(i.value)})`,
          );
        }
      }
    }
    return outcome;
  };
}
