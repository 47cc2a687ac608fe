/**
 * Where SARIF helpUri points (src/validate/format/rules-base-url.ts): the flag, then
 * GMSCTL_RULES_BASE_URL, then package.json `repository` on a known forge, else nowhere.
 */
import { describe, expect, it } from 'vitest';
import {
  parseRulesBaseUrl,
  resolveRulesBaseUrl,
  rulesBaseUrlFromRepository,
} from '../../../src/validate/format/rules-base-url.js';

describe('rulesBaseUrlFromRepository', () => {
  it.each([
    ['github:org/gms-operator', 'https://github.com/org/gms-operator/blob/HEAD/docs/rules/'],
    ['org/gms-operator', 'https://github.com/org/gms-operator/blob/HEAD/docs/rules/'],
    [
      'https://github.com/org/gms-operator',
      'https://github.com/org/gms-operator/blob/HEAD/docs/rules/',
    ],
    [
      'git+https://github.com/org/gms-operator.git',
      'https://github.com/org/gms-operator/blob/HEAD/docs/rules/',
    ],
    [
      'git://github.com/org/gms-operator.git',
      'https://github.com/org/gms-operator/blob/HEAD/docs/rules/',
    ],
    [
      'git+ssh://git@github.com/org/gms-operator.git',
      'https://github.com/org/gms-operator/blob/HEAD/docs/rules/',
    ],
    [
      'git@github.com:org/gms-operator.git',
      'https://github.com/org/gms-operator/blob/HEAD/docs/rules/',
    ],
    [
      'gitlab:group/sub/gms-operator',
      'https://gitlab.com/group/sub/gms-operator/-/blob/HEAD/docs/rules/',
    ],
    [
      'https://gitlab.com/group/gms-operator.git',
      'https://gitlab.com/group/gms-operator/-/blob/HEAD/docs/rules/',
    ],
    ['bitbucket:team/gms-operator', 'https://bitbucket.org/team/gms-operator/src/HEAD/docs/rules/'],
  ])('%s', (repository, expected) => {
    expect(rulesBaseUrlFromRepository(repository)).toBe(expected);
    expect(rulesBaseUrlFromRepository({ type: 'git', url: repository })).toBe(expected);
  });

  it('honours repository.directory (a package inside a monorepo)', () => {
    expect(
      rulesBaseUrlFromRepository({
        type: 'git',
        url: 'https://github.com/org/mono.git',
        directory: 'packages/gms-operator',
      }),
    ).toBe('https://github.com/org/mono/blob/HEAD/packages/gms-operator/docs/rules/');
    // A directory that climbs out is ignored, not followed.
    expect(rulesBaseUrlFromRepository({ url: 'github:org/mono', directory: '../elsewhere' })).toBe(
      'https://github.com/org/mono/blob/HEAD/docs/rules/',
    );
  });

  it('guesses nothing for unknown hosts, odd paths or no repository', () => {
    for (const r of [
      undefined,
      null,
      42,
      {},
      { url: 7 },
      '',
      'https://git.example.com/org/gms-operator.git', // self-hosted: layout unknown
      'https://github.com/org', // not a repository
      'https://github.com/org/repo/tree/main', // not a repository URL
      'file:///srv/git/repo',
      'not a url at all',
    ])
      expect(rulesBaseUrlFromRepository(r), JSON.stringify(r)).toBeUndefined();
  });
});

describe('parseRulesBaseUrl', () => {
  it('accepts absolute URLs and makes them end in /', () => {
    expect(parseRulesBaseUrl('https://docs.example.com/gmsctl/rules', 'x')).toBe(
      'https://docs.example.com/gmsctl/rules/',
    );
    expect(parseRulesBaseUrl(' https://e.com/r/ ', 'x')).toBe('https://e.com/r/');
  });

  it('treats an empty value as "no helpUri"', () => {
    expect(parseRulesBaseUrl('', 'x')).toBeUndefined();
    expect(parseRulesBaseUrl('  ', 'x')).toBeUndefined();
  });

  it('refuses relative URLs, queries and fragments, naming the source', () => {
    expect(() => parseRulesBaseUrl('docs/rules/', '--rules-base-url')).toThrow(
      /--rules-base-url "docs\/rules\/" is not an absolute URL/,
    );
    expect(() => parseRulesBaseUrl('https://e.com/r?x=1', 'GMSCTL_RULES_BASE_URL')).toThrow(
      /GMSCTL_RULES_BASE_URL .* must not have a query or fragment/,
    );
  });
});

describe('resolveRulesBaseUrl', () => {
  const repository = 'github:org/gms-operator';
  const env = { GMSCTL_RULES_BASE_URL: 'https://env.example.com/rules/' };

  it('flag first, then the environment, then the repository', () => {
    expect(resolveRulesBaseUrl({ flag: 'https://flag.example.com/r', env, repository })).toBe(
      'https://flag.example.com/r/',
    );
    expect(resolveRulesBaseUrl({ env, repository })).toBe('https://env.example.com/rules/');
    expect(resolveRulesBaseUrl({ env: {}, repository })).toBe(
      'https://github.com/org/gms-operator/blob/HEAD/docs/rules/',
    );
    expect(resolveRulesBaseUrl({ env: {} })).toBeUndefined();
  });

  it('an empty flag or variable switches helpUri off even with a repository', () => {
    expect(resolveRulesBaseUrl({ flag: '', env, repository })).toBeUndefined();
    expect(resolveRulesBaseUrl({ env: { GMSCTL_RULES_BASE_URL: '' }, repository })).toBeUndefined();
  });
});
