/**
 * The manifest rules. gmsctl validate and the operator run the same ones, through a RuleRun:
 *
 * - `add()` takes each object as its document is read and runs every rule that needs only that
 *   object, at once (one pass per kind over each object, sharing what several rules read:
 *   shared.ts ChatServiceFacts). What the cross-object rules need later is kept as a small
 *   summary (its reference, facts, provider type, option map, Secret references), so the
 *   document itself can be dropped: at CI scale (10,000 documents) keeping every document
 *   cost more than the rules (docs/adr/0016, 0019).
 * - `finish()` runs the cross-object rules over the summaries: references between
 *   ChatServices, PushProviders and Secrets, FCM providers of an old GMS, PushProvider options
 *   gated by the versions of the ChatServices using them; and the schema rule for the few
 *   objects that failed the quick schema check (those are kept whole: the schema rule leaves
 *   out paths any other rule reported, including the cross-object ones).
 *
 * Diagnostics come out in the order the rules ran over the whole model before (rule by rule,
 * kind by kind, objects in input order): each rule and kind has its own list.
 */
import { KIND_CHAT_SERVICE, KIND_PUSH_PROVIDER } from '../../api/types.js';
import type { FeatureGateProblem } from '../../catalog/index.js';
import type { Diagnostic } from '../diagnostic.js';
import type {
  Emit,
  Finding,
  ManifestObject,
  ObjectRef,
  SecretObject,
  ValidationModel,
} from '../model.js';
import { toDiagnostic } from '../model.js';
import type { ObjectCategory } from '../objects.js';
import { closest } from '../suggest.js';
import { formatPath, type Path } from '../yaml/path.js';
import { checkInlineCredentialsOf } from './credentials.js';
import { DuplicateObjects } from './duplicates.js';
import { checkChatServiceExpose } from './expose.js';
import { checkChatServiceInjection, checkPushProviderInjection } from './injection.js';
import {
  checkChatServiceOptions,
  checkProviderFields,
  checkPushProviderOptions,
  pushProviderOptions,
  type ProviderUser,
  type SiteCache,
} from './manifest-options.js';
import { checkChatServiceProviderNames, checkPushProviderName } from './provider-name.js';
import {
  checkProviderReferences,
  checkSecretReferences,
  enabledPushTypes,
  secretRefsOf,
  type ProviderReferences,
  type ReferenceOptions,
  type SecretRefs,
} from './references.js';
import type { SchemaValidator } from './schema.js';
import {
  chatServiceFacts,
  indexProviders,
  providersUsed,
  providerType,
  type ChatServiceFacts,
  type ProviderSummary,
} from './shared.js';
import { checkChatServiceVersions, checkFcmProviders } from './versions.js';

export interface RuleOptions extends ReferenceOptions {
  schema?: SchemaValidator;
}

/**
 * Where each rule's diagnostics go, in the order they are reported: the order in which the
 * rules ran (each over all ChatServices, then all PushProviders) when they ran over a whole
 * model, which is also the order of equal positions in the sorted report.
 */
const UNKNOWN_KIND = 0;
const CS_OPTIONS = 1;
const PP_OPTIONS = 2;
const PP_FIELDS = 3;
const CS_VERSIONS = 4;
const PP_NAME = 5;
const CS_PROVIDER_NAMES = 6;
const CS_CREDENTIALS = 7;
const PP_CREDENTIALS = 8;
const REFERENCES = 9;
const CS_INJECTION = 10;
const PP_INJECTION = 11;
const CS_DUPLICATES = 12;
const PP_DUPLICATES = 13;
const SECRET_DUPLICATES = 14;
const CS_SCHEMA = 15;
const PP_SCHEMA = 16;
const CS_EXPOSE = 17;
const LISTS = 18;

/**
 * What a ChatService leaves for the cross-object rules: what names it in their findings (the
 * ObjectRef fields, not its data) and the facts they need.
 */
interface ChatServiceSummary extends ObjectRef, ProviderReferences, ProviderUser {
  /** Set when its FCM PushProviders are too new for its GMS (checkFcmProviders). */
  fcmGate: FeatureGateProblem | undefined;
  secretRefs: SecretRefs | undefined;
}

/** What a PushProvider leaves for the cross-object rules. */
interface PushProviderSummary extends ProviderSummary {
  options: Record<string, unknown> | undefined;
  secretRefs: SecretRefs | undefined;
  /** The ChatServices that use it, in input order (filled in by finish()). */
  users: ChatServiceSummary[] | undefined;
}

/**
 * Strings kept from a document must not keep the document's text: V8 makes a substring of 13
 * or more characters (what the YAML reader gives for a scalar) a slice that references the
 * whole text. Using a string as a property key turns it, in place, into a reference to its
 * interned copy, which lets the text go; the value and every reference to it stay as they were.
 * (Without this, one `apiVersion` per object keeps every file of a large run in memory.)
 */
const internTable: Record<string, number> = Object.create(null) as Record<string, number>;
function detach(s: unknown): void {
  if (typeof s !== 'string' || s.length < 13) return;
  internTable[s] = 0;
  delete internTable[s];
}

function detachAll(list: readonly unknown[] | undefined): void {
  if (list) for (let i = 0; i < list.length; i++) detach(list[i]);
}

function detachValues(map: Record<string, unknown> | undefined): void {
  if (map) for (const key in map) detach(map[key]);
}

function chatServiceSummary(o: ManifestObject, facts: ChatServiceFacts): ChatServiceSummary {
  const summary: ChatServiceSummary = {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.name,
    namespace: o.namespace,
    file: o.file,
    locate: o.locate,
    gmsVersion: facts.gmsVersion,
    providers: facts.providers,
    defaultProvider: facts.defaultProvider,
    enabledPushTypes: enabledPushTypes(facts.enabled),
    fcmGate: undefined,
    secretRefs: secretRefsOf(o),
  };
  detach(summary.apiVersion);
  detach(summary.name);
  detach(summary.namespace);
  detach(summary.gmsVersion);
  detachAll(summary.providers);
  detach(summary.defaultProvider);
  if (summary.secretRefs) for (const ref of summary.secretRefs) detachValues(ref);
  return summary;
}

function pushProviderSummary(o: ManifestObject): PushProviderSummary {
  const summary: PushProviderSummary = {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.name,
    namespace: o.namespace,
    file: o.file,
    locate: o.locate,
    type: providerType(o),
    options: pushProviderOptions(o),
    secretRefs: secretRefsOf(o),
    users: undefined,
  };
  detach(summary.apiVersion);
  detach(summary.name);
  detach(summary.namespace);
  detach(summary.type);
  detachValues(summary.options);
  if (summary.secretRefs) for (const ref of summary.secretRefs) detachValues(ref);
  return summary;
}

function checkUnknownKind(o: ManifestObject, emit: Emit): void {
  const guess = closest(o.kind, [KIND_CHAT_SERVICE, KIND_PUSH_PROVIDER]);
  emit({
    rule: 'schema',
    obj: o,
    path: ['kind'],
    message: `${o.apiVersion} has no kind ${o.kind}${guess ? `; did you mean ${guess}?` : ` (it has ${KIND_CHAT_SERVICE} and ${KIND_PUSH_PROVIDER})`}`,
  });
}

/** One run of the manifest rules over objects given one at a time (see the module comment). */
export class RuleRun {
  private readonly lists: Diagnostic[][] = [];
  private readonly emitters: Emit[] = [];
  private readonly chatServices: ChatServiceSummary[] = [];
  private readonly pushProviders: PushProviderSummary[] = [];
  private readonly secrets: SecretObject[] = [];
  private readonly duplicates = new DuplicateObjects();
  private readonly sites: SiteCache = new Map();
  /** Objects that failed the quick schema check, for the schema rule at the end. */
  private readonly schemaPending: ManifestObject[] = [];
  /** The paths other rules reported, for objects in schemaPending. */
  private readonly claims = new Map<ObjectRef, Set<string>>();
  private finished = false;

  constructor(private readonly opts: RuleOptions = {}) {
    for (let i = 0; i < LISTS; i++) {
      const list: Diagnostic[] = [];
      this.lists.push(list);
      this.emitters.push((f) => this.record(list, f));
    }
  }

  /** How many diagnostics the rules have reported so far. */
  reported = 0;

  private record(list: Diagnostic[], f: Finding): void {
    if (this.claims.size > 0) this.claims.get(f.obj)?.add(formatPath(f.path));
    list.push(toDiagnostic(f));
    this.reported++;
  }

  add(category: ObjectCategory, o: ManifestObject): void {
    if (this.finished) throw new Error('RuleRun.add after finish');
    const emit = this.emitters;
    switch (category) {
      case 'unknownKinds':
        checkUnknownKind(o, emit[UNKNOWN_KIND]!);
        return;
      case 'secrets':
        this.secrets.push(o as SecretObject);
        this.duplicates.check(o, emit[SECRET_DUPLICATES]!);
        return;
      case 'chatServices': {
        const facts = chatServiceFacts(o);
        const cs = chatServiceSummary(o, facts);
        this.schemaCheckLater(o, cs);
        checkChatServiceOptions(o, facts.gmsVersion, this.sites, emit[CS_OPTIONS]!);
        cs.fcmGate = checkChatServiceVersions(o, facts, emit[CS_VERSIONS]!);
        checkChatServiceProviderNames(o, emit[CS_PROVIDER_NAMES]!);
        checkInlineCredentialsOf(o, emit[CS_CREDENTIALS]!);
        checkChatServiceInjection(o, emit[CS_INJECTION]!);
        checkChatServiceExpose(o, emit[CS_EXPOSE]!);
        this.duplicates.check(cs, emit[CS_DUPLICATES]!);
        this.chatServices.push(cs);
        return;
      }
      case 'pushProviders': {
        const pp = pushProviderSummary(o);
        this.schemaCheckLater(o, pp);
        checkProviderFields(o, emit[PP_FIELDS]!);
        checkPushProviderName(o, emit[PP_NAME]!);
        checkInlineCredentialsOf(o, emit[PP_CREDENTIALS]!);
        checkPushProviderInjection(o, emit[PP_INJECTION]!);
        this.duplicates.check(pp, emit[PP_DUPLICATES]!);
        this.pushProviders.push(pp);
        return;
      }
    }
  }

  /**
   * When `o` failed the quick schema check, the schema rule looks at it in finish(): `o` is
   * kept whole until then, and the paths other rules report on it (as `o` while its rules run
   * now, as its summary later) are collected from now on.
   */
  private schemaCheckLater(o: ManifestObject, summary: ObjectRef): void {
    const schema = this.opts.schema;
    if (!schema || o.schemaOk === true) return;
    if (o.schemaOk === undefined && schema.quickValid(o.kind, o.data) !== false) return;
    this.schemaPending.push(o);
    const claimed = new Set<string>();
    this.claims.set(o, claimed);
    this.claims.set(summary, claimed);
  }

  /** The cross-object rules and the pending schema checks; then every diagnostic, in order. */
  finish(): Diagnostic[] {
    if (this.finished) throw new Error('RuleRun.finish twice');
    this.finished = true;
    const emit = this.emitters;
    const providers = indexProviders(this.pushProviders);
    const secrets = this.secrets;
    for (const cs of this.chatServices) {
      if (cs.fcmGate) checkFcmProviders(cs, cs, cs.fcmGate, providers, emit[CS_VERSIONS]!);
      checkProviderReferences(cs, cs, providers, emit[REFERENCES]!, this.opts);
      if (secrets.length > 0 && cs.secretRefs)
        checkSecretReferences(cs, cs.secretRefs, secrets, emit[REFERENCES]!, this.opts);
      // Who uses which PushProvider (its options are gated by their versions).
      const names = providersUsed(cs);
      const ns = cs.namespace;
      for (let j = 0; j < names.length; j++) {
        const candidates = providers.get(names[j]!);
        if (!candidates) continue;
        for (let k = 0; k < candidates.length; k++) {
          const p = candidates[k]!;
          const pns = p.namespace;
          if (pns !== undefined && ns !== undefined && pns !== ns) continue;
          if (p.users) p.users.push(cs);
          else p.users = [cs];
        }
      }
    }
    for (const pp of this.pushProviders) {
      if (pp.options) checkPushProviderOptions(pp, pp.options, pp.users ?? [], emit[PP_OPTIONS]!);
      if (secrets.length > 0 && pp.secretRefs)
        checkSecretReferences(pp, pp.secretRefs, secrets, emit[REFERENCES]!, this.opts);
    }
    const schema = this.opts.schema;
    if (schema) {
      // The paths other rules reported; the schema rule's own findings do not count.
      const claimedOf = new Map(this.claims);
      this.claims.clear();
      for (const o of this.schemaPending) {
        const claimed = claimedOf.get(o)!;
        const list = o.kind === KIND_CHAT_SERVICE ? CS_SCHEMA : PP_SCHEMA;
        schema.check(o, emit[list]!, (_obj: ObjectRef, p: Path) => claimed.has(formatPath(p)));
      }
    }
    const out: Diagnostic[] = [];
    for (const list of this.lists) for (const d of list) out.push(d);
    return out;
  }
}

/** The rules over a whole model at once (objects in memory: the operator, tests). */
export function runRules(model: ValidationModel, opts: RuleOptions = {}): Diagnostic[] {
  const run = new RuleRun(opts);
  for (const o of model.chatServices) run.add('chatServices', o);
  for (const o of model.pushProviders) run.add('pushProviders', o);
  for (const o of model.secrets) run.add('secrets', o);
  for (const o of model.unknownKinds) run.add('unknownKinds', o);
  return run.finish();
}
