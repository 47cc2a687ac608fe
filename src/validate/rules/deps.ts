/** The catalog and config pieces the rules use, in one place (validate imports only leftwards). */
export {
  CHAT_SERVER_NAME_PATTERN,
  HOST_PATTERN,
  PROVIDER_NAME_MAX,
  PROVIDER_NAME_PATTERN,
  SERVICE_NAME_PATTERN,
} from '../../catalog/index.js';
export { hostProblem, iniValueProblem, isValidPort, printable } from '../../config/index.js';
