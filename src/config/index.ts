/**
 * The config box of DESIGN.md: the positional INI model, the deterministic serializer, render
 * (ChatService + PushProviders -> GmsConfig), diff (dynamic vs restart-required) and import
 * (gms.ini -> ChatService + PushProviders). Imports only from catalog and api.
 */
export type {
  IniDocument,
  IniEntry,
  IniProblem,
  IniProblemRule,
  IniSection,
  Position,
} from './ini/types.js';
export { parseIni, parseIniBuffer, MAX_PROBLEMS } from './ini/parse.js';
export {
  serializeIni,
  compareSectionNames,
  compareKeys,
  orderedSections,
  type SerializeOptions,
} from './ini/serialize.js';
export {
  IniSafetyError,
  isSafeSectionName,
  isSafeIniKey,
  isSafeIniValue,
  sectionNameProblem,
  iniKeyProblem,
  iniValueProblem,
  isSafeHost,
  hostProblem,
  isValidPort,
  printable,
  MAX_NAME_LENGTH,
  MAX_VALUE_LENGTH,
} from './ini/safety.js';
export * from './model.js';
export { configHash, shortConfigHash } from './hash.js';
export { optionValueToString, type ValueResult } from './values.js';
export * from './names.js';
export { render, renderFiles, type RenderedConfig, type RenderedFiles } from './render.js';
export {
  formatPath,
  type FieldPath,
  type MissingSecret,
  type ObjectRef,
  type RenderProblem,
  type RenderRule,
  type SecretFile,
} from './render-context.js';
export {
  diff,
  changeEffect,
  hasRestartRequired,
  dynamicChanges,
  restartChanges,
  summarizeDiff,
  formatChange,
  type ConfigChange,
  type ChangeKind,
  type ChangeEffect,
  type DiffSummary,
} from './diff.js';
export {
  importIni,
  secretCommands,
  type ImportOptions,
  type ImportResult,
  type ImportNote,
  type ImportRule,
  type SecretToCreate,
} from './import.js';
