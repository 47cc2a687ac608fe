/**
 * The shape of one GMS option in the catalog. The catalog is the single source of truth the
 * validator, renderer, diff, CRD generator, gateway and operator all read (DESIGN.md, "One
 * source of truth").
 */

/**
 * Where an option may be written. `chat.<service>` matches `[chat.customer-support]`,
 * `push.provider.<name>` matches `[push.provider.fcmprod]`.
 */
export const SECTION_PATTERNS = [
  'chat',
  'chat.<service>',
  'push',
  'push.provider.<name>',
  'gms',
  'server',
  'log',
  'service.<name>',
  // Chat Server application sections (not GMS): the file-transfer limits GMS reports through
  // fileGetLimits, and the Chat Server HA / flex-push settings (domain/gms.md §1.6, §1.7).
  'client-file-transfer',
  'settings',
  // gms-operator convention, not a GMS section: the Chat Server connections of the GMS
  // application (Configuration Server connections in real GMS, domain/gms.md §7), rendered so
  // the gateway and the real-GMS entrypoint can read them. Changes are restart-required.
  'connections',
] as const;
export type SectionPattern = (typeof SECTION_PATTERNS)[number];

/** "Changes Take Effect", normalised (domain/gms.md §0): anything not clearly immediate is restart. */
export type TakesEffect = 'immediate' | 'restart';

export type OptionType = 'boolean' | 'integer' | 'string' | 'enum' | 'list' | 'url';

/** Which application reads the option: GMS itself, or the Chat Server it connects to. */
export type OptionApplication = 'gms' | 'chat-server';

/**
 * One placeholder of a templated option name (`fcm.<Event>.title`): either a closed set of
 * values (the push events) or a pattern (a Chat Server connection name).
 */
export interface TemplateParam {
  /** The allowed values, when the set is closed. */
  values?: readonly string[];
  /** A regular expression (no anchors) for open sets. */
  pattern?: string;
  description: string;
}

export interface OptionSpec {
  /**
   * Key as written in the INI file, e.g. `fcm.title`. A templated name holds `<Placeholder>`s
   * (`fcm.<Event>.title`) that `template` defines; look-ups match concrete keys against it.
   */
  name: string;
  /** Placeholders of a templated name (absent for plain names). */
  template?: Readonly<Record<string, TemplateParam>>;
  /** The application that reads the option (default: gms). */
  application?: OptionApplication;
  /** Sections the option is valid in. */
  sections: readonly SectionPattern[];
  /** Sections where writing it is a placement error, with the reason shown to the user. */
  forbiddenIn?: readonly { section: SectionPattern; reason: string }[];
  type: OptionType;
  /** Default as GMS writes it (a string), absent when the documentation gives none. */
  default?: string;
  /** Enum members, or the allowed members of a comma-separated list. */
  validValues?: readonly string[];
  /** Inclusive numeric bounds for integers. */
  min?: number;
  max?: number;
  /** Unit of an integer value (`seconds`, `bytes`), for explain and the docs. */
  unit?: string;
  /** Anchored regular expression a string value must match (e.g. `<tenant>:<endpoint>`). */
  pattern?: string;
  /** Human form of `pattern`, used in messages (e.g. `<tenant_name>:<chat_endpoint>`). */
  patternHint?: string;
  takesEffect: TakesEffect;
  /**
   * First version with the option (e.g. 8.5.109.05): a GMS version, or a Chat Server version
   * for `application: 'chat-server'` options (never gate those by the GMS version).
   */
  introduced?: string;
  /** Versions that changed its meaning. */
  modified?: readonly string[];
  /** Deprecation note, e.g. "8.5.112". */
  deprecated?: string;
  /** Per-value version gates for list options, e.g. pushEnabled=fcm needs 8.5.112.05. */
  valueIntroduced?: Readonly<Record<string, string>>;
  /** Per-value deprecation notes for enum/list options, e.g. pushEnabled=gcm. */
  valueDeprecated?: Readonly<Record<string, string>>;
  /** A credential: only ever from a Secret reference, never rendered into a ConfigMap. */
  credential: boolean;
  description: string;
  /** Public source (URL or the seed file) the facts come from. */
  source: string;
  /** Set when no source confirms the option (domain/gms.md: UNVERIFIED); says what is unverified. */
  unverified?: string;
  /** How the project reads or applies the option where the sources leave room (shown by explain). */
  notes?: string;
}

/** Version-gated features (seed: "Versions" and "Prerequisites for the CometD API"). */
export interface FeatureGate {
  id: string;
  description: string;
  /** Minimum GMS version. */
  gms?: string;
  /** Minimum Chat Server version. */
  chatServer?: string;
  /** Extra requirement the validator cannot check from versions alone (shown to users). */
  note?: string;
  source: string;
}
