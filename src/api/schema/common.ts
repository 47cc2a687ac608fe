/**
 * Schema pieces shared by ChatService and PushProvider: Kubernetes references and conditions
 * (metav1.Condition, as the upstream CRDs write it), names, durations.
 */
import type { SchemaNode } from './model.js';

/** A Kubernetes object name (RFC 1123 subdomain), e.g. a Secret name. */
export const DNS_SUBDOMAIN_PATTERN =
  '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
/** A key of a Secret's data. */
export const SECRET_KEY_PATTERN = '^[-._a-zA-Z0-9]+$';
/** A Kubernetes-style duration: 90s, 10m, 1h30m. */
export const DURATION_PATTERN = '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$';
/** A value with no line break or NUL: anything that ends up on one INI or config line. */
export const SINGLE_LINE_PATTERN = '^[^\\r\\n\\x00]*$';

export function str(description: string, extra: Partial<SchemaNode> = {}): SchemaNode {
  return { description, type: 'string', ...extra };
}

export function bool(description: string): SchemaNode {
  return { description, type: 'boolean' };
}

export function int(description: string, extra: Partial<SchemaNode> = {}): SchemaNode {
  return { description, type: 'integer', ...extra };
}

export function obj(
  description: string,
  properties: Record<string, SchemaNode>,
  extra: Partial<SchemaNode> = {},
): SchemaNode {
  return { description, type: 'object', properties, ...extra };
}

export function objectName(description: string): SchemaNode {
  return str(description, { pattern: DNS_SUBDOMAIN_PATTERN, minLength: 1, maxLength: 253 });
}

export function secretKeySelector(description: string): SchemaNode {
  return obj(
    description,
    {
      name: objectName('Name of a Secret in the namespace of this object.'),
      key: str('Key in the Secret data.', { pattern: SECRET_KEY_PATTERN, maxLength: 253 }),
    },
    { required: ['name', 'key'] },
  );
}

export function basicAuth(description: string, usage: string): SchemaNode {
  return obj(
    description,
    {
      secretRef: obj(
        `Secret holding the credentials; ${usage}`,
        {
          name: objectName('Name of a Secret in the namespace of this object.'),
          usernameKey: str('Key of the user name in the Secret (default: username).', {
            pattern: SECRET_KEY_PATTERN,
            maxLength: 253,
          }),
          passwordKey: str('Key of the password in the Secret (default: password).', {
            pattern: SECRET_KEY_PATTERN,
            maxLength: 253,
          }),
        },
        { required: ['name'] },
      ),
    },
    { required: ['secretRef'] },
  );
}

export function port(description: string): SchemaNode {
  return int(description, { format: 'int32', minimum: 1, maximum: 65535 });
}

export function duration(description: string): SchemaNode {
  return str(description, { pattern: DURATION_PATTERN, maxLength: 32 });
}

export function timestamp(description: string): SchemaNode {
  return str(description, { format: 'date-time' });
}

export function stringList(description: string, item: SchemaNode): SchemaNode {
  return { description, type: 'array', items: item, 'x-kubernetes-list-type': 'atomic' };
}

/** metav1.Condition, with the same constraints as the upstream type. */
export function conditions(description: string): SchemaNode {
  return {
    description,
    type: 'array',
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['type'],
    items: obj(
      'Condition contains details for one aspect of the current state of this API resource (metav1.Condition).',
      {
        type: str('Type of condition in CamelCase.', {
          pattern:
            '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
          maxLength: 316,
        }),
        status: str('Status of the condition, one of True, False, Unknown.', {
          enum: ['True', 'False', 'Unknown'],
        }),
        observedGeneration: int('The .metadata.generation that the condition was set based upon.', {
          format: 'int64',
          minimum: 0,
        }),
        lastTransitionTime: timestamp(
          'Last time the condition transitioned from one status to another.',
        ),
        reason: str("Programmatic identifier for the condition's last transition (CamelCase).", {
          pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
          minLength: 1,
          maxLength: 1024,
        }),
        message: str('Human readable message indicating details about the transition.', {
          maxLength: 32768,
        }),
      },
      { required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'] },
    ),
  };
}

/** JSON Schema of `metadata` for editors (the API server validates metadata itself). */
export function metadataJson(namePattern?: string, nameHint?: string, nameMax = 253): SchemaNode {
  return {
    description: 'Standard object metadata.',
    type: 'object',
    json: {
      replace: {
        type: 'object',
        required: ['name'],
        properties: {
          name: {
            type: 'string',
            minLength: 1,
            maxLength: nameMax,
            pattern: namePattern ?? DNS_SUBDOMAIN_PATTERN,
            ...(nameHint ? { description: nameHint } : {}),
          },
          namespace: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
          annotations: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
    },
  };
}
