/**
 * AdmissionReview (admission.k8s.io/v1) handling: the same rules as `gmsctl validate`
 * (src/validate's validateObjects), so `kubectl apply` of an invalid ChatService or
 * PushProvider fails at once with the diagnostics, the ones the operator would otherwise only
 * report as ConfigValid=False.
 *
 * A ChatService is checked with the PushProviders of its namespace that the operator has
 * cached; a PushProvider that does not exist yet is a warning here (`kubectl apply -f dir/`
 * may create the ChatService first), and Secrets are not checked at admission (they may be
 * created later; the reconciler reports missing ones).
 */
import type { ChatService, PushProvider } from '../../api/types.js';
import type { Diagnostic } from '../../validate/index.js';
import { describeDiagnostic, validateObjects } from '../../validate/index.js';

export interface AdmissionRequest {
  uid: string;
  kind?: { group?: string; version?: string; kind?: string };
  operation?: string;
  namespace?: string;
  name?: string;
  object?: Record<string, unknown> | null;
  dryRun?: boolean;
}

export interface AdmissionReview {
  apiVersion?: string;
  kind?: string;
  request?: AdmissionRequest;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: { code: number; reason: string; message: string };
  warnings?: string[];
}

const MAX_LISTED = 20;
const MAX_WARNING = 256;

export function review(
  req: AdmissionRequest,
  pushProvidersInNamespace: (namespace: string) => PushProvider[],
): AdmissionResponse {
  const uid = req.uid;
  if (req.operation !== 'CREATE' && req.operation !== 'UPDATE') return { uid, allowed: true };
  const obj = req.object;
  if (!obj || typeof obj !== 'object') return { uid, allowed: true };
  const kind = req.kind?.kind;
  const namespace =
    req.namespace ?? (obj.metadata as { namespace?: string } | undefined)?.namespace ?? 'default';
  const withNs = { ...obj, metadata: { ...((obj.metadata as object) ?? {}), namespace } };
  let diags: Diagnostic[];
  if (kind === 'ChatService') {
    diags = validateObjects(
      {
        chatServices: [withNs as unknown as ChatService],
        pushProviders: pushProvidersInNamespace(namespace),
      },
      { missingProvider: 'warning' },
    ).filter((d) => d.file.startsWith('ChatService/'));
  } else if (kind === 'PushProvider') {
    diags = validateObjects({ pushProviders: [withNs as unknown as PushProvider] });
  } else {
    return { uid, allowed: true };
  }
  const errors = diags.filter((d) => d.severity === 'error');
  const warnings = diags
    .filter((d) => d.severity === 'warning')
    .slice(0, MAX_LISTED)
    .map((d) => truncate(describeDiagnostic(d), MAX_WARNING));
  if (errors.length === 0)
    return warnings.length ? { uid, allowed: true, warnings } : { uid, allowed: true };
  const listed = errors.slice(0, MAX_LISTED).map(describeDiagnostic);
  const more = errors.length > MAX_LISTED ? `\n- and ${errors.length - MAX_LISTED} more` : '';
  const res: AdmissionResponse = {
    uid,
    allowed: false,
    status: {
      code: 422,
      reason: 'Invalid',
      message: `${kind} ${namespace}/${req.name ?? (obj.metadata as { name?: string } | undefined)?.name ?? ''} is invalid (${errors.length} error(s), the same rules as gmsctl validate):\n- ${listed.join('\n- ')}${more}`,
    },
  };
  if (warnings.length) res.warnings = warnings;
  return res;
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 3)}...` : s;
}
