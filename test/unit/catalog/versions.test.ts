import { describe, expect, it } from 'vitest';
import {
  checkFeature,
  compareVersions,
  FEATURE_GATES,
  isAtLeast,
  isValidVersion,
  parseVersion,
  VersionError,
} from '../../../src/catalog/index.js';

describe('GMS versions', () => {
  it('parses three and four part versions numerically', () => {
    expect(parseVersion('8.5.219.03').parts).toEqual([8, 5, 219, 3]);
    expect(parseVersion('8.5.108').parts).toEqual([8, 5, 108, 0]);
    expect(parseVersion('8.5.002.02').parts).toEqual([8, 5, 2, 2]);
  });

  it('rejects malformed versions with a clear error', () => {
    for (const bad of ['', '8.5', '8.5.x', 'v8.5.1', '8.5.1.2.3', ' 8.5.1', '8.5.1\n', '8..5.1']) {
      expect(isValidVersion(bad), JSON.stringify(bad)).toBe(false);
      expect(() => parseVersion(bad)).toThrow(VersionError);
    }
    expect(() => parseVersion('8.5')).toThrow(/invalid GMS version "8.5": expected three or four/);
  });

  it('compares part by part, a missing build counting as 0', () => {
    expect(compareVersions('8.5.219.03', '8.5.219.3')).toBe(0);
    expect(compareVersions('8.5.108', '8.5.108.00')).toBe(0);
    expect(compareVersions('8.5.110', '8.5.109.05')).toBe(1);
    expect(compareVersions('8.5.109.04', '8.5.109.05')).toBe(-1);
    expect(compareVersions('8.5.1000', '8.5.999.99')).toBe(1); // not string order
    expect(isAtLeast('8.5.108.02', '8.5.108')).toBe(true);
    expect(isAtLeast('8.5.107.99', '8.5.108')).toBe(false);
    expect(() => isAtLeast('latest', '8.5.108')).toThrow(VersionError);
  });
});

describe('feature gates', () => {
  it('carries the seed prerequisites', () => {
    const byId = Object.fromEntries(FEATURE_GATES.map((f) => [f.id, f]));
    expect(byId.cometd).toMatchObject({ gms: '8.5.109.05', chatServer: '8.5.108' });
    expect(byId.websocket?.gms).toBe('8.5.110');
    expect(byId.fcm?.gms).toBe('8.5.114');
    expect(byId['read-receipts']?.gms).toBe('8.5.201');
    expect(byId['push-to-active-client']?.gms).toBe('8.5.219.03');
  });

  it('reports the component that misses a minimum', () => {
    expect(checkFeature('cometd', { gms: '8.5.219.03', chatServer: '8.5.108.02' })).toEqual([]);
    const p = checkFeature('cometd', { gms: '8.5.109.04', chatServer: '8.5.107' });
    expect(p.map((x) => x.component)).toEqual(['gms', 'chatServer']);
    expect(p[1]?.message).toMatch(/needs Chat Server 8\.5\.108\+, but the version is 8\.5\.107/);
    expect(checkFeature('fcm', {})).toEqual([]);
    expect(() => checkFeature('nope', {})).toThrow(/unknown feature gate/);
  });
});
