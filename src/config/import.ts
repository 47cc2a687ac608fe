/**
 * importIni: an existing GMS INI file -> ChatService + PushProviders, where teams migrating
 * today's GMS nodes start (issue: "gmsctl import"). The inverse of render.ts:
 *
 *   [chat]                  -> spec.chat
 *   [chat.<svc>]            -> spec.options (one service: --service chooses when there are several)
 *     auth.basic.*          -> spec.auth.basic.secretRef (Secret <name>-basic-auth)
 *   [push] pushEnabled      -> spec.push.enabled (verbatim into spec.push.options when it is
 *                              not a clean list of known types, so nothing changes)
 *   [push] provider keys    -> spec.push.defaultProvider: the [push.provider.<x>] it repeats, or
 *     (fcm.*, apple.*, ...)    a generated PushProvider
 *   [push] other keys       -> spec.push.options
 *   [push.provider.<x>]     -> PushProvider x, listed in spec.push.providers
 *   [connections]           -> spec.chatServer.endpoints (chatserver.<name>=host:port)
 *   [gms]                   -> spec.gms.options
 *   any other section       -> spec.sections.<section> ([log], [server], [service.<name>], ...;
 *                              empty ones too, so render gives the same sections back)
 *
 * Credentials are never copied: they become Secret references and a note naming the Secret and
 * key to create, or, where no field can reference a Secret (a keystore password in [server]),
 * an `error` note. Anything without a place (entries before the first header, lines the parser
 * could not read, unparseable endpoints, a section name or key the INI serializer would not
 * write back, the chat services not chosen) is an `error` note at its line and column, never
 * dropped silently; `unplaced` counts them (gmsctl import exits 1 when > 0).
 */
import {
  CHAT_SERVER_NAME_PATTERN,
  PUSH_ENABLED_VALUES,
  isCredentialKey,
  sectionPatternOf,
} from '../catalog/index.js';
import { MAX_SECTIONS } from '../api/sections.js';
import {
  API_GROUP_VERSION,
  KIND_CHAT_SERVICE,
  KIND_PUSH_PROVIDER,
  type ChatService,
  type ChatServiceSpec,
  type ChatServerEndpoint,
  type ChatServerSpec,
  type GmsSpec,
  type OptionMap,
  type PushProvider,
  type PushSpec,
  type PushType,
  type ProviderType,
} from '../api/types.js';
import type { IniDocument, IniEntry, Position } from './ini/types.js';
import {
  hostProblem,
  iniKeyProblem,
  iniValueProblem,
  isValidPort,
  printable,
  sectionNameProblem,
} from './ini/safety.js';
import { isUnknownCredentialLike } from './names.js';
import {
  ImportContext,
  toDnsLabel,
  toProviderName,
  typedValue,
  type ImportNote,
  type SecretToCreate,
} from './import-context.js';
import { importProvider, isProviderKey } from './import-provider.js';

export type { ImportNote, ImportRule, SecretToCreate } from './import-context.js';

export interface ImportOptions {
  /** The chat service to import when the file has several [chat.<service>] sections. */
  serviceName?: string;
  /** spec.gms.version (the INI file does not say). */
  gmsVersion?: string;
  /** metadata.name of the ChatService (default: the service name, as a Kubernetes name). */
  name?: string;
  namespace?: string;
}

export interface ImportResult {
  chatService: ChatService;
  pushProviders: PushProvider[];
  /** Secrets to create for the credentials found (values are not copied). */
  secrets: SecretToCreate[];
  /** In file order. */
  notes: ImportNote[];
  /** Number of `error` notes: things that were not placed. */
  unplaced: number;
}

interface MergedSection {
  name: string;
  pos: Position;
  /** Last value of each key wins (the parser reported duplicates). */
  entries: IniEntry[];
}

function mergeSections(doc: IniDocument): MergedSection[] {
  const out = new Map<string, { name: string; pos: Position; entries: Map<string, IniEntry> }>();
  for (const s of doc.sections) {
    let m = out.get(s.name);
    if (!m) {
      m = { name: s.name, pos: s.pos, entries: new Map() };
      out.set(s.name, m);
    }
    for (const e of s.entries) {
      m.entries.delete(e.key);
      m.entries.set(e.key, e);
    }
  }
  return [...out.values()].map((m) => ({
    name: m.name,
    pos: m.pos,
    entries: [...m.entries.values()],
  }));
}

const CHAT_SERVER_NAME_RE = new RegExp(CHAT_SERVER_NAME_PATTERN);
const PUSH_TYPES: readonly string[] = PUSH_ENABLED_VALUES;
const PROVIDER_NAME_RE = /^[a-z0-9]{1,32}$/;

function sameEntries(a: readonly IniEntry[], b: readonly IniEntry[]): boolean {
  if (a.length !== b.length) return false;
  const m = new Map(b.map((e) => [e.key, e.value]));
  return a.every((e) => m.get(e.key) === e.value);
}

function byPosition(a: ImportNote, b: ImportNote): number {
  return a.line - b.line || a.column - b.column;
}

/** Import a parsed INI document; see the module comment. Never throws. */
export function importIni(doc: IniDocument, opts: ImportOptions = {}): ImportResult {
  const ctx = new ImportContext();

  // A malformed section header still opens its section (the parser keeps the entries below
  // it): say so rather than claim the line was dropped.
  const headers = new Map(doc.sections.map((s) => [s.pos.line, s.name]));
  for (const p of doc.problems) {
    const header = p.rule === 'ini-syntax' ? headers.get(p.line) : undefined;
    const lost =
      p.rule === 'ini-duplicate-key'
        ? ' (the last value is imported, the earlier one is lost)'
        : header !== undefined
          ? ` (read as section [${printable(header)}]: check it)`
          : p.rule === 'ini-syntax'
            ? ' (the line was not imported)'
            : p.rule === 'ini-encoding'
              ? ' (the text was imported as decoded: check it)'
              : '';
    ctx.note(p.severity, 'import-ini', p, `${p.rule}: ${p.message}${lost}`);
  }
  for (const e of doc.preamble)
    ctx.unplaced(e, 'it is before the first [section] header (GMS ignores it)');

  const sections = mergeSections(doc);
  const chat = sections.find((s) => s.name === 'chat');
  const services = sections.filter((s) => sectionPatternOf(s.name) === 'chat.<service>');
  const push = sections.find((s) => s.name === 'push');
  const providerSections = sections.filter(
    (s) => sectionPatternOf(s.name) === 'push.provider.<name>',
  );
  const connections = sections.find((s) => s.name === 'connections');
  const gms = sections.find((s) => s.name === 'gms');
  const handled = new Set<MergedSection>(
    [chat, push, connections, gms, ...services, ...providerSections].filter((s) => s !== undefined),
  );

  // --- Which chat service -------------------------------------------------------------------
  let service: MergedSection | undefined;
  let serviceName: string | undefined = opts.serviceName;
  if (opts.serviceName !== undefined) {
    service = services.find((s) => s.name === `chat.${opts.serviceName}`);
    if (!service && services.length > 0) {
      ctx.note(
        'error',
        'import-service',
        services[0]!.pos,
        `--service ${printable(opts.serviceName)}: there is no [chat.${printable(opts.serviceName)}] section (found ${services.map((s) => `[${s.name}]`).join(', ')})`,
      );
    }
  } else if (services.length === 1) {
    service = services[0]!;
    serviceName = service.name.slice('chat.'.length);
  } else if (services.length > 1) {
    ctx.note(
      'error',
      'import-service',
      services[1]!.pos,
      `the file defines ${services.length} chat services (${services.map((s) => s.name.slice(5)).join(', ')}); choose one with --service`,
    );
  }
  for (const s of services) {
    if (s === service) continue;
    const severity = service ? 'warning' : 'error';
    const why = service
      ? `not the chosen service (${service.name.slice(5)})`
      : 'no service was chosen';
    ctx.note(
      severity,
      'import-service',
      s.pos,
      `section [${printable(s.name)}] was not imported: ${why}`,
      s.name,
    );
  }

  // --- Names --------------------------------------------------------------------------------
  const name = opts.name ?? (toDnsLabel(serviceName ?? '') || 'gms');
  if (serviceName === undefined) {
    ctx.note(
      'warning',
      'import-service',
      { line: 1, column: 1 },
      `the file has no [chat.<service>] section; the ChatService is named ${name} (set --service to name the chat service)`,
    );
  } else if (opts.name === undefined && name !== serviceName) {
    ctx.note(
      'info',
      'import-service',
      service?.pos ?? { line: 1, column: 1 },
      `"${printable(serviceName)}" is not a Kubernetes name: metadata.name is ${name}, spec.serviceName keeps ${printable(serviceName)} (the CometD channel does not change)`,
    );
  }

  // The versions are required by the API but not in the INI file: left out (and reported)
  // rather than invented, so `gmsctl validate` flags them until they are filled in.
  const spec: ChatServiceSpec = {
    gms: (opts.gmsVersion !== undefined ? { version: opts.gmsVersion } : {}) as GmsSpec,
    chatServer: { endpoints: [] } as unknown as ChatServerSpec,
  };
  if (serviceName !== undefined && serviceName !== name) spec.serviceName = serviceName;
  if (opts.gmsVersion === undefined) {
    ctx.note(
      'warning',
      'import-version',
      { line: 1, column: 1 },
      'spec.gms.version is required and the INI file does not say it: pass --gms-version or fill it in',
    );
  }
  ctx.note(
    'warning',
    'import-version',
    connections?.pos ?? { line: 1, column: 1 },
    'spec.chatServer.version is required (CometD needs Chat Server 8.5.108+) and the INI file does not say it: fill it in',
  );

  // --- [chat] and [chat.<svc>] ----------------------------------------------------------------
  /** Copy a section's options as written (typed where the catalog says), refusing what render would. */
  const copyOptions = (
    s: MergedSection,
    credentialWhy: string,
    skip: (e: IniEntry) => boolean = () => false,
  ): OptionMap => {
    const out: OptionMap = {};
    for (const e of s.entries) {
      if (skip(e)) continue;
      if (isCredential(e)) {
        ctx.unplaced(e, credentialWhy);
        continue;
      }
      const why = iniKeyProblem(e.key) ?? iniValueProblem(e.value);
      if (why) {
        ctx.unplaced(e, `it cannot be written back to GMS INI text (${why})`);
        continue;
      }
      out[e.key] = typedValue(s.name, e.key, e.value);
    }
    return out;
  };
  const chatOptions = (s: MergedSection): OptionMap | undefined => {
    const out = copyOptions(
      s,
      'it is a credential, and the ChatService has no Secret reference for it',
      (e) => s !== chat && (e.key === 'auth.basic.username' || e.key === 'auth.basic.password'),
    );
    return Object.keys(out).length > 0 ? out : undefined;
  };
  if (chat) {
    const c = chatOptions(chat);
    if (c) spec.chat = c;
  }
  if (service) {
    const o = chatOptions(service);
    if (o) spec.options = o;
    const user = service.entries.find((e) => e.key === 'auth.basic.username');
    const password = service.entries.find((e) => e.key === 'auth.basic.password');
    if (user || password) {
      const secretName = `${name}-basic-auth`;
      spec.auth = { basic: { secretRef: { name: secretName } } };
      if (user)
        ctx.secret(user, secretName, 'username', 'spec.auth.basic.secretRef', {
          literal: user.value,
        });
      if (password) ctx.secret(password, secretName, 'password', 'spec.auth.basic.secretRef');
      if (!user || !password) {
        const e = (user ?? password)!;
        ctx.note(
          'warning',
          'import-secret',
          e.keyPos,
          `basic authentication has only ${e.key}; the Secret ${secretName} needs both username and password`,
          e.section,
          e.key,
        );
      }
    }
  }

  // --- Providers ------------------------------------------------------------------------------
  const pushProviders: PushProvider[] = [];
  const usedNames = new Set<string>();
  const fallbackType = ((): ProviderType | undefined => {
    const enabled =
      push?.entries
        .find((e) => e.key === 'pushEnabled')
        ?.value.split(',')
        .map((v) => v.trim()) ?? [];
    const types = (['fcm', 'ios', 'customhttp'] as const).filter((t) => enabled.includes(t));
    if (types.length !== 1) return undefined;
    return types[0] === 'ios' ? 'apple' : types[0];
  })();
  const makeProvider = (providerName: string, spec: PushProvider['spec']): PushProvider => {
    const p: PushProvider = {
      apiVersion: API_GROUP_VERSION,
      kind: KIND_PUSH_PROVIDER,
      metadata: { name: providerName },
      spec,
    };
    if (opts.namespace !== undefined) p.metadata.namespace = opts.namespace;
    return p;
  };
  const providerNames: string[] = [];
  const providerBySection = new Map<MergedSection, string>();
  for (const s of providerSections) {
    const original = s.name.slice('push.provider.'.length);
    let pname = PROVIDER_NAME_RE.test(original) ? original : toProviderName(original) || 'provider';
    for (let i = 2; usedNames.has(pname); i++) pname = `${pname.slice(0, 30)}${i}`;
    usedNames.add(pname);
    if (pname !== original) {
      ctx.note(
        'error',
        'import-renamed',
        s.pos,
        `provider "${printable(original)}" is imported as PushProvider ${pname} ([push.provider.${pname}]): a PushProvider name is lower-case letters and digits; clients that send push_notification_provider=${printable(original)} must send ${pname}`,
        s.name,
      );
    }
    const imported = importProvider(ctx, pname, s.entries, fallbackType, {
      section: s.name,
      pos: s.pos,
    });
    if (imported.guessedType) {
      ctx.note(
        'warning',
        'import-provider',
        s.pos,
        `the type of provider ${pname} cannot be told from its options; spec.type is ${imported.spec.type}: check it`,
        s.name,
      );
    }
    pushProviders.push(makeProvider(pname, imported.spec));
    providerNames.push(pname);
    providerBySection.set(s, pname);
  }

  // --- [push] ---------------------------------------------------------------------------------
  if (push) {
    const pushSpec: PushSpec = {};
    const pushOptions: OptionMap = {};
    const providerEntries: IniEntry[] = [];
    for (const e of push.entries) {
      if (e.key === 'pushEnabled') {
        const members = e.value.split(',');
        const clean = e.value === '' || members.every((m) => PUSH_TYPES.includes(m));
        if (clean) {
          pushSpec.enabled = e.value === '' ? [] : (members as PushType[]);
        } else {
          pushOptions.pushEnabled = e.value;
          ctx.note(
            'info',
            'import-push-enabled',
            e.valuePos,
            `pushEnabled "${printable(e.value)}" is not a plain comma list of ${PUSH_TYPES.join(', ')}; kept verbatim in spec.push.options.pushEnabled`,
            e.section,
            e.key,
          );
        }
        continue;
      }
      if (isProviderKey(e.key)) {
        providerEntries.push(e);
        continue;
      }
      if (isCredential(e)) {
        ctx.unplaced(
          e,
          'it is a credential, and [push] has no Secret reference for it outside a provider',
        );
        continue;
      }
      const why = iniKeyProblem(e.key) ?? iniValueProblem(e.value);
      if (why) {
        ctx.unplaced(e, `it cannot be written back to GMS INI text (${why})`);
        continue;
      }
      pushOptions[e.key] = typedValue('push', e.key, e.value);
    }
    if (providerEntries.length > 0) {
      const same = providerSections.find((s) => sameEntries(s.entries, providerEntries));
      if (same) {
        pushSpec.defaultProvider = providerBySection.get(same)!;
        ctx.note(
          'info',
          'import-provider',
          push.pos,
          `the provider options of [push] are those of [${same.name}]: spec.push.defaultProvider is ${pushSpec.defaultProvider}`,
          'push',
        );
      } else {
        let gen = `${toProviderName(name, 25) || 'gms'}default`;
        for (let i = 2; usedNames.has(gen); i++)
          gen = `${toProviderName(name, 23) || 'gms'}default${i}`;
        usedNames.add(gen);
        const imported = importProvider(ctx, gen, providerEntries, fallbackType, {
          section: 'push',
          pos: push.pos,
        });
        pushProviders.push(makeProvider(gen, imported.spec));
        pushSpec.defaultProvider = gen;
        ctx.note(
          'info',
          'import-provider',
          push.pos,
          `the provider options of [push] (${providerEntries.length}) become PushProvider ${gen}, the chat service's spec.push.defaultProvider`,
          'push',
        );
      }
    }
    if (providerNames.length > 0) pushSpec.providers = providerNames;
    if (Object.keys(pushOptions).length > 0) pushSpec.options = pushOptions;
    spec.push = pushSpec;
  } else if (providerNames.length > 0) {
    spec.push = { providers: providerNames };
  }

  // --- [connections] --------------------------------------------------------------------------
  if (connections) {
    const endpoints: ChatServerEndpoint[] = [];
    for (const e of connections.entries) {
      if (!e.key.startsWith('chatserver.')) {
        ctx.unplaced(e, '[connections] holds only chatserver.<name>=host:port entries');
        continue;
      }
      const epName = e.key.slice('chatserver.'.length);
      const colon = e.value.lastIndexOf(':');
      const host = colon === -1 ? e.value : e.value.slice(0, colon);
      const portText = colon === -1 ? '' : e.value.slice(colon + 1);
      const port = /^[0-9]{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
      const why = !CHAT_SERVER_NAME_RE.test(epName)
        ? `"${printable(epName)}" is not a Chat Server name (letters, digits, "-", "_")`
        : (hostProblem(host) ??
          (isValidPort(port)
            ? undefined
            : 'the value is not host:port with a port from 1 to 65535'));
      if (why) {
        ctx.unplaced(e, why);
        continue;
      }
      endpoints.push({ name: epName, host, port });
    }
    spec.chatServer.endpoints = endpoints;
  }

  // --- [gms] ---------------------------------------------------------------------------------
  if (gms) {
    const options = copyOptions(
      gms,
      'it is a credential, and spec.gms.options cannot reference a Secret (keep it out of the YAML; see docs/config.md)',
    );
    if (Object.keys(options).length > 0) spec.gms.options = options;
  }

  // --- Every other section: spec.sections -------------------------------------------------------
  const others: Record<string, OptionMap> = {};
  let placedSections = 0;
  for (const s of sections) {
    if (handled.has(s)) continue;
    const nameWhy = sectionNameProblem(s.name);
    const tooMany = placedSections >= MAX_SECTIONS;
    if (nameWhy || tooMany) {
      const why = nameWhy
        ? `section [${printable(s.name)}] cannot be written back to GMS INI text (${nameWhy})`
        : `spec.sections holds at most ${MAX_SECTIONS} sections`;
      if (s.entries.length === 0)
        ctx.note('error', 'import-unplaced', s.pos, `empty ${why}; not imported`, s.name);
      for (const e of s.entries) ctx.unplaced(e, why);
      continue;
    }
    placedSections++;
    const pattern = sectionPatternOf(s.name);
    if (pattern === 'client-file-transfer' || pattern === 'settings') {
      ctx.note(
        'warning',
        'import-section',
        s.pos,
        `[${s.name}] is a Chat Server application section, which GMS does not read; kept in spec.sections.${s.name}, but it belongs in the Chat Server's configuration`,
        s.name,
      );
    }
    others[s.name] = copyOptions(
      s,
      `it is a credential, and spec.sections cannot reference a Secret (keep it out of the YAML; see docs/config.md)`,
    );
  }
  if (Object.keys(others).length > 0) spec.sections = others;

  const chatService: ChatService = {
    apiVersion: API_GROUP_VERSION,
    kind: KIND_CHAT_SERVICE,
    metadata: opts.namespace !== undefined ? { name, namespace: opts.namespace } : { name },
    spec,
  };
  const notes = [...ctx.notes].sort(byPosition);
  return {
    chatService,
    pushProviders,
    secrets: ctx.secrets,
    notes,
    unplaced: notes.filter((n) => n.severity === 'error').length,
  };
}

/** A catalog credential, or an unknown key that looks like one (never copied into YAML). */
function isCredential(e: IniEntry): boolean {
  return isCredentialKey(e.key) || isUnknownCredentialLike(e.key);
}

/**
 * kubectl commands that create the Secrets an import asks for, one per Secret. Credential
 * values are placeholders naming where the value is in the INI file, never the value itself.
 */
export function secretCommands(
  secrets: readonly SecretToCreate[],
  file: string,
  namespace?: string,
): string[] {
  const bySecret = new Map<string, SecretToCreate[]>();
  for (const s of secrets) {
    const list = bySecret.get(s.secretName) ?? [];
    if (!list.some((x) => x.key === s.key)) list.push(s);
    bySecret.set(s.secretName, list);
  }
  const ns = namespace !== undefined ? ` -n ${namespace}` : '';
  return [...bySecret].map(([secretName, keys]) => {
    const parts = keys.map((s) =>
      s.fromFile !== undefined
        ? `--from-file=${s.key}=${shellQuote(s.fromFile)}`
        : s.literal !== undefined
          ? `--from-literal=${s.key}=${shellQuote(s.literal)}`
          : `--from-literal=${s.key}='<${s.option} from ${file}:${s.line}:${s.column}>'`,
    );
    return `kubectl create secret generic ${secretName}${ns} ${parts.join(' ')}`;
  });
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
