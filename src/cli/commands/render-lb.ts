/**
 * The load-balancer targets of `gmsctl render` (nginx, haproxy, apache, ingress-nginx,
 * gateway-api): per ChatService, the files of src/lb's renderLoadBalancer under
 * <DIR>/<namespace>/<name>/. Backends: the --backend values (named gms-0, gms-1, ... in the order
 * given), else the ChatService's StatefulSet pod DNS names. A value that fails src/lb's strict
 * patterns stops the command with the field named; nothing is written.
 */
import type { ChatService } from '../../api/types.js';
import { LbInputError, renderLoadBalancer, type LbTarget } from '../../lb/index.js';
import type { RenderOutcome, RenderTarget } from './render.js';

/** The file printed when there is no output directory. */
const MAIN_FILE = /(^|\/)(nginx\.conf|haproxy\.cfg|httpd\.conf|[^/]+\.yaml)$/;

export function lbRenderTarget(target: LbTarget): RenderTarget {
  return ({ model, backends }) => {
    const outcome: RenderOutcome = { files: [], notes: [], errors: [] };
    const lbBackends =
      backends.length > 0
        ? backends.map((b, i) => ({ name: `gms-${i}`, host: b.host, port: b.port }))
        : undefined;
    for (const obj of model.chatServices) {
      const cs = obj.data as unknown as ChatService;
      const ns = obj.namespace ?? 'default';
      try {
        const files = renderLoadBalancer(target, cs, lbBackends ? { backends: lbBackends } : {});
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
        for (const i of err.issues)
          outcome.errors.push(
            `${obj.file}: ChatService ${ns}/${obj.name}: ${i.field}: ${i.message} (got ${JSON.stringify(i.value)})`,
          );
      }
    }
    return outcome;
  };
}
