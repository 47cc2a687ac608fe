/**
 * The ChatService schema (DESIGN.md "API"), field by field from src/api/types.ts. A field added
 * to the types must be added here; test/unit/api/types-coverage.test.ts compares the two.
 */
import {
  CHAT_SERVER_NAME_PATTERN,
  HOST_MAX,
  HOST_PATTERN,
  PROVIDER_NAME_PATTERN,
  SERVICE_NAME_MAX,
  SERVICE_NAME_PATTERN,
  VERSION_PATTERN,
} from '../../catalog/index.js';
import {
  AFFINITY_MODES,
  CONDITION_TYPES,
  EXPOSE_MODES,
  GMS_COOKIES,
  LB_SERVICE_TYPES,
  NO_SOURCE_IP_AFFINITY,
  PUSH_TYPES,
  ROLLOUT_PHASES,
  ROLLOUT_STRATEGIES,
  RUN_LB_MODES,
} from '../types.js';
import {
  DNS_SUBDOMAIN_PATTERN,
  basicAuth,
  bool,
  conditions,
  duration,
  int,
  obj,
  objectName,
  port,
  str,
  stringList,
  timestamp,
} from './common.js';
import { celRegex, celString, type CelRule, type SchemaNode } from './model.js';
import { optionMapNode } from './options.js';
import { sectionsNode } from './sections.js';

const version = (what: string): SchemaNode =>
  str(`${what} version, e.g. 8.5.219.03 (three or four dot-separated numbers).`, {
    pattern: VERSION_PATTERN,
  });

const quantityMap = (description: string): SchemaNode => ({
  description,
  type: 'object',
  additionalProperties: {
    'x-kubernetes-int-or-string': true,
    pattern:
      '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$',
  },
});

const providerName = (description: string): SchemaNode =>
  str(description, { pattern: PROVIDER_NAME_PATTERN, maxLength: 32 });

/**
 * A ChatService name names the GMS StatefulSet, its pods and the Services `<name>` and
 * `<name>-nodes`: a DNS-1035 label (Service names start with a letter), at most 52 characters
 * because StatefulSet pods get a controller-revision-hash label of name + 11 characters (limit
 * 63; src/manifests MAX_STATEFULSET_NAME). Such a name is always a valid chat service name too,
 * so spec.serviceName stays optional.
 */
export const CHAT_SERVICE_NAME_PATTERN = '^[a-z]([-a-z0-9]*[a-z0-9])?$';
export const CHAT_SERVICE_NAME_MAX = 52;
export const CHAT_SERVICE_NAME_RULE_MESSAGE = `ChatService name must be a DNS-1035 label (lowercase letters, digits and "-", starting with a letter) of at most ${CHAT_SERVICE_NAME_MAX} characters: it names the GMS StatefulSet, whose pods get a controller-revision-hash label of name + 11 characters (limit 63), and the Services <name> and <name>-nodes`;

/** The longest affinity cookie name (src/lb/model.ts COOKIE_NAME); bounds the CEL rule's cost. */
const COOKIE_NAME_MAX = 64;

const celList = (values: readonly string[]): string => `[${values.map(celString).join(', ')}]`;

/**
 * The error-level checks of the expose-mode rule (src/validate/rules/expose.ts) that need no
 * context, as CEL on spec.expose, so `kubectl apply` without the webhook refuses them too.
 * Messages are the rule's own (messageExpression where the rule's message quotes the value;
 * `message` is the API server's fallback should that expression fail). Warning-level checks
 * (settings another mode reads) stay in gmsctl and the webhook.
 */
function exposeRules(): CelRule[] {
  const sourceIp = Object.entries(NO_SOURCE_IP_AFFINITY).map(([mode, why]): CelRule => ({
    rule: `!has(self.affinity) || self.affinity != 'source-ip' || !has(self.mode) || self.mode != ${celString(mode)}`,
    message: `spec.expose.affinity source-ip cannot be used with spec.expose.mode ${mode}: ${why}; use "cookie"`,
    fieldPath: '.affinity',
  }));
  const hostWhy =
    'Ingress and HTTPRoute hostnames and the load-balancer configs take lower-case names only';
  const cookieWhy =
    "GMS sets this cookie itself; the load balancer's affinity cookie needs another name (default GMSROUTE)";
  return [
    {
      rule: "!has(self.mode) || self.mode != 'gateway-api' || has(self.gateway)",
      message:
        'spec.expose.mode gateway-api needs spec.expose.gateway.name: the Gateway the HTTPRoute attaches to',
      fieldPath: '.gateway',
      reason: 'FieldValueRequired',
    },
    ...sourceIp,
    {
      rule: '!has(self.host) || self.host == self.host.lowerAscii()',
      messageExpression: `'spec.expose.host ' + self.host + ': write it in lower case (' + self.host.lowerAscii() + ${celString(`); ${hostWhy}`)}`,
      message: `spec.expose.host: write it in lower case; ${hostWhy}`,
      fieldPath: '.host',
    },
    {
      rule: `!has(self.cookieName) || !(self.cookieName.upperAscii() in ${celList(GMS_COOKIES)})`,
      messageExpression: `'spec.expose.cookieName ' + self.cookieName + ${celString(`: ${cookieWhy}`)}`,
      message: `spec.expose.cookieName must not be ${GMS_COOKIES.join(' or ')} (any case): GMS sets these cookies itself; the load balancer's affinity cookie needs another name (default GMSROUTE)`,
      fieldPath: '.cookieName',
    },
  ];
}

/** expose-mode's replicas check: it reads spec.gms and spec.expose, so it sits on spec. */
function specRules(): CelRule[] {
  const why =
    'no GMS node to balance over; keep at least 1 node, or set spec.expose.mode none while the nodes are scaled to zero';
  return [
    {
      rule: `!has(self.expose) || !has(self.expose.mode) || !(self.expose.mode in ${celList(RUN_LB_MODES)}) || !has(self.gms.replicas) || self.gms.replicas != 0`,
      messageExpression: `'spec.gms.replicas 0 leaves the load balancer of spec.expose.mode ' + self.expose.mode + ${celString(` ${why}`)}`,
      message: `spec.gms.replicas 0 leaves the load balancer of spec.expose.mode ${RUN_LB_MODES.slice(0, -1).join(', ')} or ${RUN_LB_MODES.at(-1)} ${why}`,
      fieldPath: '.gms.replicas',
    },
  ];
}

export function chatServiceSpec(): SchemaNode {
  return obj(
    'Desired state of a GMS Chat V2 CometD service: the GMS nodes, the Chat Servers they connect to, the [chat], [chat.<service>], [push], [gms] and other section options, and how the service is exposed and rolled out.',
    {
      serviceName: str(
        'Chat service name: the [chat.<serviceName>] section and the CometD channel /service/chatV2/<serviceName>. Default: metadata.name.',
        { pattern: SERVICE_NAME_PATTERN, maxLength: SERVICE_NAME_MAX },
      ),
      gms: obj(
        'The GMS nodes (a StatefulSet).',
        {
          version: version('GMS'),
          image: str('GMS container image.', { pattern: '^[^\\s]+$', maxLength: 512 }),
          replicas: int('Number of GMS nodes. Default: 1.', { format: 'int32', minimum: 0 }),
          port: port('HTTP port of the GMS node. Default: 8080 (every GMS documentation example).'),
          resources: obj('Compute resources of the GMS container.', {
            requests: quantityMap('Minimum resources, e.g. cpu: 500m, memory: 2Gi.'),
            limits: quantityMap('Maximum resources.'),
          }),
          options: optionMapNode({
            section: 'gms',
            description:
              '[gms] section: node-wide, cross-service GMS options (outgoing HTTP timeouts and connection pools, proxy auto-configuration, http.ssl_trust_all for HTTPS push receivers whose certificate is not imported).',
            credentialHint: 'a Secret',
          }),
        },
        { required: ['version'] },
      ),
      chatServer: obj(
        'The Chat Server instances every GMS node connects to. CometD needs Chat Server 8.5.108+.',
        {
          version: version('Chat Server'),
          endpoints: {
            description:
              'All-primary (N+1) Chat Server instances; rendered as [connections] chatserver.<name>=<host>:<port>.',
            type: 'array',
            minItems: 1,
            maxItems: 64,
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['name'],
            items: obj(
              'One Chat Server instance.',
              {
                name: str('Chat Server application/instance name, e.g. cs-1.', {
                  pattern: CHAT_SERVER_NAME_PATTERN,
                  maxLength: 63,
                }),
                host: str('DNS name or IPv4 address of the Chat Server.', {
                  pattern: HOST_PATTERN,
                  maxLength: HOST_MAX,
                }),
                port: port('Chat Server port (e.g. 4125).'),
              },
              { required: ['name', 'host', 'port'] },
            ),
          },
        },
        { required: ['version', 'endpoints'] },
      ),
      chat: optionMapNode({
        section: 'chat',
        description:
          '[chat] section: node-wide Chat API V2 options (e.g. enable_notification_mode).',
        credentialHint: 'spec.auth',
      }),
      options: optionMapNode({
        section: 'chat.<service>',
        description:
          '[chat.<serviceName>] section: options of this chat service (e.g. push_notification_to_active_client).',
        credentialHint: 'spec.auth.basic.secretRef',
      }),
      push: obj('Push notifications ([push] and [push.provider.<name>] sections).', {
        enabled: {
          description: `Push notification types, rendered as [push] pushEnabled. One of ${PUSH_TYPES.join(', ')}. From GMS 8.5.103.10 include comet.`,
          type: 'array',
          'x-kubernetes-list-type': 'set',
          items: str('A push notification type.', { enum: [...PUSH_TYPES] }),
        },
        defaultProvider: providerName(
          'PushProvider whose options fill the [push] section (used when a client names no provider).',
        ),
        providers: {
          description:
            'PushProviders rendered as one [push.provider.<name>] section each (clients select one with push_notification_provider).',
          type: 'array',
          'x-kubernetes-list-type': 'set',
          items: providerName('A PushProvider name (letters and digits, at most 32).'),
        },
        options: optionMapNode({
          section: 'push',
          description: 'Other [push] section options (e.g. defaultSubscriptionExpiration).',
          credentialHint: 'a PushProvider secretRef',
        }),
      }),
      auth: obj('Authentication of the chat service.', {
        basic: basicAuth(
          'Basic Authentication: CometD clients send the credentials in the auth parameter of requestChat.',
          'keys username and password unless usernameKey/passwordKey say otherwise.',
        ),
      }),
      expose: obj(
        'How clients reach the GMS nodes. Every route is sticky (CometD long polls must stay on one node).',
        {
          mode: str(`Load balancer or route to render. One of ${EXPOSE_MODES.join(', ')}.`, {
            enum: [...EXPOSE_MODES],
          }),
          host: str('Public host name clients use.', {
            pattern: HOST_PATTERN,
            maxLength: HOST_MAX,
          }),
          tls: obj(
            'TLS for the public host.',
            { secretName: objectName('Secret of type kubernetes.io/tls.') },
            { required: ['secretName'] },
          ),
          affinity: str(`Session affinity. One of ${AFFINITY_MODES.join(', ')}. Default: cookie.`, {
            enum: [...AFFINITY_MODES],
          }),
          cookieName: str(
            'Name of the affinity cookie the load balancer sets itself. Default: GMSROUTE.',
            {
              // same rule as src/lb/model.ts COOKIE_NAME (an HTTP cookie token the LB configs quote safely)
              pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$',
              maxLength: COOKIE_NAME_MAX,
            },
          ),
          crossSite: bool(
            'Mark the affinity cookie SameSite=None; Secure (widgets embedded cross-site).',
          ),
          ingressClassName: objectName('ingress-nginx: spec.ingressClassName.'),
          gateway: obj(
            'gateway-api: the Gateway the HTTPRoute attaches to.',
            {
              name: objectName('Gateway name.'),
              namespace: str('Gateway namespace (default: this namespace).', {
                pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
                maxLength: 63,
              }),
              sectionName: str('Listener of the Gateway.', {
                pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
                maxLength: 253,
              }),
              experimental: bool(
                'Use experimental Gateway API features (e.g. session persistence).',
              ),
            },
            { required: ['name'] },
          ),
          image: str(
            'nginx, haproxy, apache: image of the load balancer the operator runs. Default: the official image (haproxy:2.6, nginx:1.22, httpd:2.4).',
            { pattern: '^[^\\s]+$', maxLength: 512 },
          ),
          replicas: int('nginx, haproxy, apache: load-balancer pods. Default: 2.', {
            format: 'int32',
            minimum: 0,
            maximum: 100,
          }),
          resources: obj(
            'nginx, haproxy, apache: compute resources of the load-balancer container.',
            {
              requests: quantityMap(
                'Minimum resources. Default: cpu: 100m, memory: 64Mi (apache: 128Mi).',
              ),
              limits: quantityMap('Maximum resources. Default: memory: 256Mi (apache: 512Mi).'),
            },
          ),
          serviceType: str(
            `nginx, haproxy, apache: type of the Service <name>-lb in front of the load balancer. One of ${LB_SERVICE_TYPES.join(', ')}. Default: LoadBalancer.`,
            { enum: [...LB_SERVICE_TYPES] },
          ),
          serviceAnnotations: {
            description:
              'nginx, haproxy, apache: annotations of the Service <name>-lb (e.g. cloud load-balancer settings).',
            type: 'object',
            maxProperties: 64,
            additionalProperties: { type: 'string', maxLength: 4096 },
          },
        },
        { 'x-kubernetes-validations': exposeRules() },
      ),
      rollout: obj('How restart-required changes reach the GMS nodes.', {
        strategy: str(
          `DetachReattach keeps GMS online (one node at a time: detach from the Chat Server, restart, reattach); Offline stops all nodes, changes, starts. One of ${ROLLOUT_STRATEGIES.join(', ')}. Default: DetachReattach.`,
          { enum: [...ROLLOUT_STRATEGIES] },
        ),
        podReadyTimeout: duration(
          'A node not Ready within this duration halts the roll (Degraded=True), e.g. 10m.',
        ),
        drainTimeout: duration(
          "How long to wait for a detached node's CometD clients to drain before restarting it, e.g. 60s.",
        ),
      }),
      nodeApi: obj(
        'Credentials for the GMS node API (/genesys/1/admin/node/...), when it requires authentication.',
        {
          basicAuth: basicAuth(
            'Basic Authentication for the node API.',
            'keys username and password by default.',
          ),
        },
      ),
      sections: sectionsNode(),
    },
    { required: ['gms', 'chatServer'], 'x-kubernetes-validations': specRules() },
  );
}

export function chatServiceStatus(): SchemaNode {
  const nodeList = (d: string) => stringList(d, str('Pod name.', { maxLength: 253 }));
  return obj('Observed state, written by the operator.', {
    observedGeneration: int('metadata.generation the status reflects.', {
      format: 'int64',
      minimum: 0,
    }),
    conditions: conditions(`Conditions: ${CONDITION_TYPES.join(', ')}.`),
    rollout: obj(
      'Progress of the rollout of restart-required config, persisted so an operator restart resumes it.',
      {
        phase: str(`One of ${ROLLOUT_PHASES.join(', ')}.`, { enum: [...ROLLOUT_PHASES] }),
        targetHash: str('Hash of the restart-required config the roll moves nodes to.'),
        currentNode: str('The node (pod) the roll is working on.'),
        updatedNodes: nodeList('Nodes already on targetHash.'),
        detachedNodes: nodeList('Nodes detached from the Chat Server right now.'),
        message: str('Human readable progress.'),
        startedAt: timestamp('When the roll started.'),
        strategy: str('Strategy of the roll in progress.', { enum: [...ROLLOUT_STRATEGIES] }),
        stepStartedAt: timestamp('When the current step began (bounds its timeout).'),
        offlineStep: str('Strategy Offline: Stopping or Starting.', {
          enum: ['Stopping', 'Starting'],
        }),
        reason: str(
          'Why the roll halted: PodNotReady, DetachFailed, ReattachFailed, SingleReplicaRefused, ScaleDownStuck.',
        ),
        haltedGeneration: int('metadata.generation when the roll halted.', {
          format: 'int64',
          minimum: 0,
        }),
      },
      { required: ['phase'] },
    ),
    serviceName: str('Effective chat service name (spec.serviceName or metadata.name).'),
    cometdUrl: str('CometD URL clients use, e.g. https://chat.example.com/genesys/cometd.'),
    channel: str('CometD channel, /service/chatV2/<serviceName>.'),
    staticConfigHash: str('Hash of the restart-required config applied.'),
    dynamicConfigHash: str('Hash of the dynamic config applied.'),
    replicas: int('GMS nodes that exist.', { format: 'int32', minimum: 0 }),
    readyReplicas: int('GMS nodes that are Ready.', { format: 'int32', minimum: 0 }),
  });
}

/** Root-level rules: they see metadata.name (Kubernetes exposes it to CEL at the root). */
export function chatServiceRootRules(): SchemaNode['x-kubernetes-validations'] {
  return [
    {
      rule: `self.metadata.name.size() <= ${CHAT_SERVICE_NAME_MAX} && self.metadata.name.matches(${celRegex(CHAT_SERVICE_NAME_PATTERN)})`,
      message: CHAT_SERVICE_NAME_RULE_MESSAGE,
      fieldPath: '.metadata.name',
    },
  ];
}

export { DNS_SUBDOMAIN_PATTERN };
