/**
 * The catalog and config pieces the rules use, in one place (validate imports only leftwards).
 * Config is imported from its leaf modules (the INI guards and parser), not its index, which
 * also loads render, diff and import: `gmsctl validate` starts faster without them.
 */
export {
  CHAT_SERVER_NAME_PATTERN,
  HOST_PATTERN,
  PROVIDER_NAME_MAX,
  PROVIDER_NAME_PATTERN,
  SERVICE_NAME_PATTERN,
} from '../../catalog/index.js';
export {
  hostProblem,
  iniKeyProblem,
  iniValueProblem,
  isValidPort,
  printable,
  sectionNameProblem,
} from '../../config/ini/safety.js';
export { parseIni } from '../../config/ini/parse.js';
