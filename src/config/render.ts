/**
 * render(ChatService, PushProviders, Secrets) -> the GMS config of a chat service, split the way
 * the container contract of DESIGN.md reads it:
 *
 *   static.ini   restart-required and unknown options   immutable, hash-named ConfigMap
 *   dynamic.ini  options that take effect immediately   mutable ConfigMap, changed in place
 *   secrets.ini  credentials                            a Secret, never in the other two
 *
 * `all` is the three merged (what a node sees; it holds credentials when `secrets` was given).
 *
 * Mapping (docs/config.md, "Render"):
 *   spec.chat                       -> [chat]
 *   spec.options                    -> [chat.<serviceName>]  (the section is always written: it
 *                                      defines the chat service and its CometD channel)
 *   spec.auth.basic.secretRef       -> [chat.<serviceName>] auth.basic.username (static),
 *                                      auth.basic.password (secrets)
 *   spec.push.enabled               -> [push] pushEnabled (comma list)
 *   spec.push.defaultProvider       -> its settings fill [push]
 *   spec.push.providers             -> one [push.provider.<name>] each
 *   spec.push.options               -> [push] (overrides the default provider's value, warned)
 *   spec.chatServer.endpoints       -> [connections] chatserver.<name>=host:port
 *   spec.gms.options                -> [gms]
 *   spec.sections.<section>         -> [<section>] ([log], [server], [service.<name>], ...; never
 *                                      a section with a dedicated field above: src/api/sections.ts)
 * PushProvider settings (into [push] or [push.provider.<name>]):
 *   fcm.apiKeySecretRef             -> fcm.apiKey (secrets)
 *   fcm.debugApiKeySecretRef        -> debug.fcm.apiKey (secrets)
 *   apple.keystoreSecretRef         -> apple.keystore = /etc/gms/secrets/<provider>/apple.keystore
 *                                      (a file the operator mounts from the Secret: secretFiles)
 *   apple.keystorePasswordSecretRef -> apple.keystorePassword (secrets)
 *   customhttp.url / debugUrl       -> customhttp.url / debug.customhttp.url
 *   events.<Event>                  -> fcm.<Event>.title|body, apple.<Event>.title|alertMessage.body,
 *                                      customhttp.<Event>.message (project convention; the
 *                                      catalog flags it UNVERIFIED, domain/gms.md §1.4)
 *   options                         -> the same section
 *
 * render never throws on valid input. It never invents a value: a Secret key that is not in
 * `secrets` leaves the credential out and is listed in `missingSecrets`; a value that is unsafe
 * for INI text, an inline credential or a conflict is left out and listed in `problems` (the
 * validator reports the same things earlier, with file, line and column).
 */ import { takesEffect } from '../catalog/index.js';
import { dedicatedSection, dedicatedSectionMessage } from '../api/sections.js';
import {
  serviceNameOf,
  type ChatService,
  type PushProvider,
  type PushSpec,
  type SecretData,
} from '../api/types.js';
import { emptyConfig, ensureSection, mergeConfigs, type GmsConfig } from './model.js';
import { hostProblem, isValidPort, printable, sectionNameProblem } from './ini/safety.js';
import { serializeIni } from './ini/serialize.js';
import {
  CONFIG_FILES,
  chatServerKey,
  chatServiceSection,
  isCredentialOption,
  providerSection,
} from './names.js';
import {
  Renderer,
  isRecord,
  refOf,
  type MissingSecret,
  type RenderProblem,
  type SecretFile,
  type Source,
} from './render-context.js';
import { renderProvider } from './render-provider.js';

export interface RenderedConfig {
  all: GmsConfig;
  static: GmsConfig;
  dynamic: GmsConfig;
  secrets: GmsConfig;
  missingSecrets: MissingSecret[];
  secretFiles: SecretFile[];
  problems: RenderProblem[];
}

function findProvider(
  providers: readonly PushProvider[],
  name: string,
  namespace: string | undefined,
): PushProvider | undefined {
  return providers.find(
    (p) =>
      p?.metadata?.name === name &&
      (namespace === undefined ||
        p.metadata.namespace === undefined ||
        p.metadata.namespace === namespace),
  );
}

/** Render a ChatService and its PushProviders; see the module comment. */
export function render(
  cs: ChatService,
  providers: readonly PushProvider[],
  secrets?: SecretData,
): RenderedConfig {
  const r = new Renderer(secrets);
  const object = refOf('ChatService', cs.metadata);
  const spec = (isRecord(cs.spec) ? cs.spec : {}) as ChatService['spec'];
  const at = (...path: (string | number)[]): Source => ({ object, path: ['spec', ...path] });
  const namespace = cs.metadata?.namespace;

  // [chat] and [chat.<serviceName>]
  r.options('chat', spec.chat, at('chat'));
  const serviceName = serviceNameOf(cs);
  let serviceSection: string | undefined;
  if (
    typeof serviceName !== 'string' ||
    serviceName.includes('.') ||
    sectionNameProblem(serviceName)
  ) {
    r.problem(
      'error',
      'render-unsafe-section',
      at(spec.serviceName !== undefined ? 'serviceName' : 'metadata'),
      `service name "${printable(String(serviceName))}" cannot name a [chat.<serviceName>] section (letters, digits, "-" and "_")`,
    );
  } else {
    serviceSection = chatServiceSection(serviceName);
    r.section(serviceSection, at('options'));
    r.options(serviceSection, spec.options, at('options'));
    const basic = spec.auth?.basic;
    if (basic !== undefined) {
      const ref: unknown = basic.secretRef;
      if (!isRecord(ref) || typeof ref.name !== 'string') {
        r.problem(
          'error',
          'render-invalid-value',
          at('auth', 'basic', 'secretRef'),
          'spec.auth.basic.secretRef must name a Secret',
          serviceSection,
        );
      } else {
        const usernameKey = typeof ref.usernameKey === 'string' ? ref.usernameKey : 'username';
        const passwordKey = typeof ref.passwordKey === 'string' ? ref.passwordKey : 'password';
        r.putSecret(
          serviceSection,
          'auth.basic.username',
          { name: ref.name, key: usernameKey },
          at('auth', 'basic', 'secretRef'),
        );
        r.putSecret(
          serviceSection,
          'auth.basic.password',
          { name: ref.name, key: passwordKey },
          at('auth', 'basic', 'secretRef'),
        );
      }
    }
  }

  // [push] and [push.provider.<name>]
  const push = isRecord(spec.push) ? (spec.push as PushSpec) : undefined;
  if (push !== undefined) {
    if (push.enabled !== undefined) {
      if (!Array.isArray(push.enabled) || !push.enabled.every((v) => typeof v === 'string')) {
        r.problem(
          'error',
          'render-invalid-value',
          at('push', 'enabled'),
          'spec.push.enabled must be a list of push types',
          'push',
          'pushEnabled',
        );
      } else {
        r.put('push', 'pushEnabled', push.enabled.join(','), at('push', 'enabled'));
      }
    }
    if (push.defaultProvider !== undefined) {
      const p = findProvider(providers, push.defaultProvider, namespace);
      if (!p) {
        r.problem(
          'error',
          'render-missing-provider',
          at('push', 'defaultProvider'),
          `PushProvider "${printable(String(push.defaultProvider))}" (spec.push.defaultProvider) was not found; [push] gets no provider settings`,
          'push',
        );
      } else {
        renderProvider(r, 'push', p);
      }
    }
    if (push.providers !== undefined) {
      if (!Array.isArray(push.providers)) {
        r.problem(
          'error',
          'render-invalid-value',
          at('push', 'providers'),
          'spec.push.providers must be a list of PushProvider names',
          'push',
        );
      } else {
        const seen = new Set<string>();
        push.providers.forEach((name, i) => {
          if (typeof name !== 'string' || seen.has(name)) {
            if (seen.has(String(name)))
              r.problem(
                'warning',
                'render-conflict',
                at('push', 'providers', i),
                `PushProvider "${printable(String(name))}" is listed twice; rendered once`,
              );
            else
              r.problem(
                'error',
                'render-invalid-value',
                at('push', 'providers', i),
                'a provider name must be a string',
              );
            return;
          }
          seen.add(name);
          if (name.includes('.') || sectionNameProblem(name)) {
            r.problem(
              'error',
              'render-unsafe-section',
              at('push', 'providers', i),
              `provider name "${printable(name)}" cannot name a [push.provider.<name>] section (letters and digits)`,
            );
            return;
          }
          const p = findProvider(providers, name, namespace);
          if (!p) {
            r.problem(
              'error',
              'render-missing-provider',
              at('push', 'providers', i),
              `PushProvider "${name}" was not found; [${providerSection(name)}] is not rendered`,
              providerSection(name),
            );
            return;
          }
          renderProvider(r, providerSection(name), p);
        });
      }
    }
    r.options('push', push.options, at('push', 'options'), 'override');
  }

  // [gms]: node-wide options (domain/gms.md §1.5)
  if (isRecord(spec.gms)) r.options('gms', spec.gms.options, at('gms', 'options'));

  // spec.sections: every other section, by name
  renderSections(r, spec.sections, at('sections'));

  // [connections]
  const endpoints = spec.chatServer?.endpoints;
  if (endpoints !== undefined) {
    if (!Array.isArray(endpoints)) {
      r.problem(
        'error',
        'render-invalid-value',
        at('chatServer', 'endpoints'),
        'spec.chatServer.endpoints must be a list',
        'connections',
      );
    } else {
      endpoints.forEach((ep, i) => {
        const src = at('chatServer', 'endpoints', i);
        if (!isRecord(ep) || typeof ep.name !== 'string') {
          r.problem(
            'error',
            'render-invalid-value',
            src,
            'a Chat Server endpoint needs a name, host and port',
            'connections',
          );
          return;
        }
        const key = chatServerKey(ep.name);
        const hostWhy =
          typeof ep.host === 'string' ? hostProblem(ep.host) : 'host must be a string';
        if (hostWhy) {
          r.problem(
            'error',
            'render-unsafe-value',
            at('chatServer', 'endpoints', i, 'host'),
            `cannot render [connections] ${printable(key)}: ${hostWhy}`,
            'connections',
            key,
          );
          return;
        }
        if (!isValidPort(ep.port)) {
          r.problem(
            'error',
            'render-invalid-value',
            at('chatServer', 'endpoints', i, 'port'),
            `cannot render [connections] ${printable(key)}: port must be an integer from 1 to 65535`,
            'connections',
            key,
          );
          return;
        }
        r.put('connections', key, `${ep.host}:${ep.port}`, src);
      });
    }
  }

  // Split into the three files.
  const stat = emptyConfig();
  const dyn = emptyConfig();
  const sec = emptyConfig();
  if (serviceSection !== undefined && r.all.has(serviceSection))
    ensureSection(stat, serviceSection);
  for (const [section, entries] of r.all) {
    // A section without keys (a provider with no settings yet) still exists for GMS.
    if (entries.size === 0) ensureSection(stat, section);
    for (const [key, value] of entries) {
      const target = r.isSecretDerived(section, key)
        ? isCredentialOption(section, key)
          ? sec
          : stat
        : takesEffect(section, key) === 'immediate'
          ? dyn
          : stat;
      ensureSection(target, section).set(key, value);
    }
  }
  return {
    all: mergeConfigs(stat, dyn, sec),
    static: stat,
    dynamic: dyn,
    secrets: sec,
    missingSecrets: r.missingSecrets,
    secretFiles: r.secretFiles,
    problems: r.problems,
  };
}

/**
 * ChatService spec.sections: one section per key, each an option map. A section name the INI
 * serializer would not write, or a section a dedicated field owns ([chat] from spec.chat,
 * [gms] from spec.gms.options, ...), is left out and reported; the validator and the CRD refuse
 * the same names earlier.
 */
function renderSections(r: Renderer, sections: unknown, src: Source): void {
  if (sections === undefined) return;
  if (!isRecord(sections)) {
    r.problem(
      'error',
      'render-invalid-value',
      src,
      'spec.sections must be a map of section names to option maps',
    );
    return;
  }
  for (const [name, map] of Object.entries(sections)) {
    const at: Source = { object: src.object, path: [...src.path, name] };
    const dedicated = dedicatedSection(name);
    if (dedicated) {
      r.problem(
        'error',
        'render-dedicated-section',
        at,
        `${dedicatedSectionMessage(dedicated)}; spec.sections.${printable(name)} is not rendered`,
        name,
      );
      continue;
    }
    // Unlike r.options (which skips an undefined map), a key with no map (null in YAML) is
    // reported: it names a section to render.
    if (!isRecord(map)) {
      r.notAnOptionMap(name, at);
      continue;
    }
    // An empty map still renders its section (as an imported empty [log] did).
    if (r.section(name, at)) r.options(name, map, at);
  }
}

export interface RenderedFiles {
  /** The whole config (static + dynamic + secrets): `gmsctl render` writes it as gms.ini. */
  all: string;
  static: string;
  dynamic: string;
  secrets: string;
}

/**
 * The rendered configs as INI text. The header is fixed text (never a generation or a time
 * stamp), so the hash of static.ini changes only when its options do.
 */
export function renderFiles(
  rendered: RenderedConfig,
  header = 'Rendered by gms-operator; do not edit.',
): RenderedFiles {
  return {
    all: serializeIni(rendered.all, { header }),
    static: serializeIni(rendered.static, {
      header: `${header}\nRestart-required and unknown options (${CONFIG_FILES.static}).`,
    }),
    dynamic: serializeIni(rendered.dynamic, {
      header: `${header}\nOptions that take effect immediately (${CONFIG_FILES.dynamic}).`,
    }),
    secrets: serializeIni(rendered.secrets, {
      header: `${header}\nCredentials (${CONFIG_FILES.secrets}).`,
    }),
  };
}
