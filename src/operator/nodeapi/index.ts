export * from './types.js';
export { HttpNodeApiClient, type HttpNodeApiOptions } from './http.js';
export { RecordingNodeApi, type RecordedCall, type ScriptedAnswer } from './recording.js';
export {
  nodeBaseUrl,
  DEFAULT_NODE_URL_TEMPLATE,
  DNS_NODE_URL_TEMPLATE,
  type NodeAddress,
} from './address.js';
