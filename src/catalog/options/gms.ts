/**
 * `[gms]` options: cross-service settings, "Changes take effect: Immediately" at the section
 * level (S23, GMS 8.5.0 Configuration Options); domain/gms.md §1.5.
 */
import { SOURCES } from '../sources.js';
import type { OptionSpec } from '../types.js';

const BOOL = ['true', 'false'] as const;
const SECURITY_NOTE = 'Documented on the GMS 8.5.1 Security page (domain/gms.md §1.5).';

export const GMS_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'http.use_lax_redirect_strategy',
    sections: ['gms'],
    type: 'boolean',
    default: 'true',
    validValues: BOOL,
    takesEffect: 'immediate',
    introduced: '8.5.002.02',
    credential: false,
    description: 'Follow HTTP redirects of outgoing requests with a lax redirect strategy.',
    source: SOURCES.S23,
  },
  {
    name: 'http.connection_timeout',
    sections: ['gms'],
    type: 'integer',
    default: '10',
    unit: 'seconds',
    takesEffect: 'immediate',
    credential: false,
    description: 'Connection timeout of outgoing HTTP requests, in seconds.',
    notes: 'GMS 8.1.1 documented a default of 2.',
    source: SOURCES.S23,
  },
  {
    name: 'http.socket_timeout',
    sections: ['gms'],
    type: 'integer',
    default: '10',
    unit: 'seconds',
    takesEffect: 'immediate',
    credential: false,
    description: 'Socket (read) timeout of outgoing HTTP requests, in seconds.',
    notes: 'GMS 8.1.1 documented a default of 2.',
    source: SOURCES.S23,
  },
  {
    name: 'http.max_connections_per_route',
    sections: ['gms'],
    type: 'integer',
    default: '20',
    takesEffect: 'immediate',
    credential: false,
    description: 'Maximum outgoing HTTP connections per route.',
    source: SOURCES.S23,
  },
  {
    name: 'http.max_connections_total',
    sections: ['gms'],
    type: 'integer',
    default: '100',
    takesEffect: 'immediate',
    credential: false,
    description: 'Maximum outgoing HTTP connections in total.',
    source: SOURCES.S23,
  },
  {
    name: 'http.proxy-ttl',
    sections: ['gms'],
    type: 'integer',
    default: '5',
    takesEffect: 'immediate',
    credential: false,
    description: 'Time to live of cached proxy look-ups (proxy auto-configuration).',
    notes: SECURITY_NOTE,
    source: SOURCES.S23,
  },
  {
    name: 'http.proxy-cache-size',
    sections: ['gms'],
    type: 'integer',
    default: '32',
    takesEffect: 'immediate',
    credential: false,
    description: 'Size of the proxy look-up cache (proxy auto-configuration).',
    notes: SECURITY_NOTE,
    source: SOURCES.S23,
  },
  {
    name: 'http.proxy-auto-config-file',
    sections: ['gms'],
    type: 'url',
    takesEffect: 'immediate',
    credential: false,
    description: 'URL of the proxy auto-configuration (PAC) file for outgoing HTTP requests.',
    notes: SECURITY_NOTE,
    source: SOURCES.S23,
  },
  {
    name: 'http.ssl_trust_all',
    sections: ['gms'],
    type: 'boolean',
    validValues: BOOL,
    takesEffect: 'restart',
    credential: false,
    description:
      'Trust every HTTPS server certificate on outgoing requests (e.g. customhttp.url over HTTPS without importing the certificate into the Java cacerts).',
    unverified: 'referenced by S2 only: default and when changes take effect are unknown',
    source: SOURCES.S2,
  },
];
