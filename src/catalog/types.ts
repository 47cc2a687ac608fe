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
  'client-file-transfer',
  // gms-operator convention, not a GMS section: the Chat Server connections of the GMS
  // application (Configuration Server connections in real GMS, domain/gms.md §7), rendered so
  // the gateway and the real-GMS entrypoint can read them. Changes are restart-required.
  'connections',
] as const;
export type SectionPattern = (typeof SECTION_PATTERNS)[number];

/** "Changes Take Effect", normalised (domain/gms.md §0): anything not clearly immediate is restart. */
export type TakesEffect = 'immediate' | 'restart';

export type OptionType = 'boolean' | 'integer' | 'string' | 'enum' | 'list' | 'url';

export interface OptionSpec {
  /** Key as written in the INI file, e.g. `fcm.title`. */
  name: string;
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
  takesEffect: TakesEffect;
  /** First GMS version with the option (e.g. 8.5.109.05). */
  introduced?: string;
  /** Versions that changed its meaning. */
  modified?: readonly string[];
  /** Deprecation note, e.g. "8.5.112". */
  deprecated?: string;
  /** Per-value version gates for list options, e.g. pushEnabled=fcm needs 8.5.112.05. */
  valueIntroduced?: Readonly<Record<string, string>>;
  /** A credential: only ever from a Secret reference, never rendered into a ConfigMap. */
  credential: boolean;
  description: string;
  /** Public source (URL or the seed file) the facts come from. */
  source: string;
  /** Set when no source confirms the option (domain/gms.md: UNVERIFIED); says what is unverified. */
  unverified?: string;
}

/** Version-gated features (seed: "Versions" and "Prerequisites for the CometD API"). */
export interface FeatureGate {
  id: string;
  description: string;
  /** Minimum GMS version. */
  gms?: string;
  /** Minimum Chat Server version. */
  chatServer?: string;
  source: string;
}
