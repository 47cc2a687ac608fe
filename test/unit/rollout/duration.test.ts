import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../src/operator/rollout/duration.js';
import { rolloutSettings, rolloutSpecProblems } from '../../../src/operator/rollout/settings.js';
import type { ChatServiceSpec } from '../../../src/api/types.js';

describe('parseDuration', () => {
  it.each([
    ['10m', 600_000],
    ['90s', 90_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['1.5s', 1500],
    ['0', 0],
    ['0s', 0],
  ])('%s = %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '10', 'm', '10 m', '-5s', '5d', '1h-2m', '10m;'])('rejects %j', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );
});

describe('formatDuration', () => {
  it.each([
    [90_000, '1m30s'],
    [600_000, '10m'],
    [3_600_000, '1h'],
    [250, '250ms'],
    [0, '0ms'],
  ])('%d ms -> %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe('rolloutSettings', () => {
  const spec = (rollout?: ChatServiceSpec['rollout']): ChatServiceSpec => ({
    gms: { version: '8.5.219.03' },
    chatServer: { version: '8.5.108.02', endpoints: [] },
    ...(rollout ? { rollout } : {}),
  });
  it('defaults to DetachReattach, 10m ready timeout, 30s drain', () => {
    expect(rolloutSettings(spec())).toMatchObject({
      strategy: 'DetachReattach',
      podReadyTimeoutMs: 600_000,
      drainTimeoutMs: 30_000,
    });
  });
  it('reads spec.rollout', () => {
    expect(
      rolloutSettings(spec({ strategy: 'Offline', podReadyTimeout: '90s', drainTimeout: '5s' })),
    ).toMatchObject({
      strategy: 'Offline',
      podReadyTimeoutMs: 90_000,
      drainTimeoutMs: 5000,
    });
  });
  it('reports invalid durations with their path', () => {
    expect(rolloutSpecProblems(spec({ podReadyTimeout: '10' }))).toEqual([
      { path: 'spec.rollout.podReadyTimeout', message: expect.stringContaining('not a duration') },
    ]);
  });
});
