/**
 * The validate box of DESIGN.md: rules over manifests and INI -> Diagnostic{file, line, column,
 * severity, rule, message}. gmsctl (files) and the operator (objects in memory) share it.
 */
export type { Diagnostic, Severity, ValidationSummary } from './diagnostic.js';
export { compareDiagnostics, countSeverities } from './diagnostic.js';
export { validatePaths, validateTexts, type EngineOptions, type EngineResult } from './engine.js';
export {
  describeDiagnostic,
  validateObjects,
  type ObjectsInput,
  type SecretLike,
  type ValidateObjectsOptions,
} from './objects-api.js';
export { validateIniText, type IniOptions } from './ini/validate-ini.js';
export type { FileChecker } from './checker.js';
export {
  allRules,
  builtinRules,
  registerRules,
  ruleDocsUrl,
  ruleMeta,
  type RuleMeta,
} from './rules/meta.js';
export type { ManifestObject, SecretObject, ValidationModel } from './model.js';
export { DEFAULT_MAX_FILE_SIZE, parseSize } from './input/sources.js';
export {
  FORMATS,
  formatReport,
  resolveFormat,
  resolveRulesBaseUrl,
  RULES_BASE_URL_ENV,
  githubStepSummary,
  summaryLine,
  type FormatName,
  type Report,
} from './format/index.js';
