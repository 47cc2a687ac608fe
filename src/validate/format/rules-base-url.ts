/**
 * Where the rule pages (docs/rules/<id>.md) are published, for SARIF `helpUri` and
 * `informationUri`. In order: `--rules-base-url`, the GMSCTL_RULES_BASE_URL environment
 * variable (an empty value in either means "none"), the docs/rules/ folder of the package's
 * `repository` (package.json) on a forge whose file URLs are known, else none: SARIF allows
 * helpUri to be absent, and a made-up URL would send users to a page that does not exist.
 */

export const RULES_BASE_URL_ENV = 'GMSCTL_RULES_BASE_URL';

/** Path of the rule pages inside the repository. */
const RULES_DIR = 'docs/rules/';

/**
 * An absolute URL for the rule pages, ending in `/` (so `<base><id>.md` is a page); undefined
 * for an empty text; an Error naming `what` for anything else.
 */
export function parseRulesBaseUrl(text: string, what: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new Error(
      `${what} ${JSON.stringify(text)} is not an absolute URL (e.g. https://github.com/org/repo/blob/main/docs/rules/)`,
    );
  }
  if (url.search !== '' || url.hash !== '')
    throw new Error(`${what} ${JSON.stringify(text)} must not have a query or fragment`);
  const href = url.href;
  return href.endsWith('/') ? href : `${href}/`;
}

/** File URL layout per forge: where `<path>` of the default branch lives under the repo URL. */
const FORGES: Readonly<Record<string, (repo: string, path: string) => string>> = {
  'github.com': (repo, path) => `${repo}/blob/HEAD/${path}`,
  'gitlab.com': (repo, path) => `${repo}/-/blob/HEAD/${path}`,
  'bitbucket.org': (repo, path) => `${repo}/src/HEAD/${path}`,
};

const SHORTHAND_HOSTS: Readonly<Record<string, string>> = {
  github: 'github.com',
  gitlab: 'gitlab.com',
  bitbucket: 'bitbucket.org',
};

/** `https://<host>/<owner>/<repo>` of a package.json repository URL, or undefined. */
function repositoryWebUrl(url: string): { host: string; web: string } | undefined {
  const u = url.trim();
  // npm shorthands: "owner/repo" (GitHub), "github:owner/repo", "gitlab:group/repo" ...
  const short = /^(?:(github|gitlab|bitbucket):)?([\w.-]+(?:\/[\w.-]+)+)$/.exec(u);
  if (short && !u.includes('//')) {
    const host = SHORTHAND_HOSTS[short[1] ?? 'github']!;
    return { host, web: `https://${host}/${short[2]!.replace(/\.git$/, '')}` };
  }
  // scp-like: git@github.com:owner/repo.git
  const scp = /^[\w.-]+@([\w.-]+):([\w./-]+?)(?:\.git)?\/?$/.exec(u);
  if (scp)
    return { host: scp[1]!.toLowerCase(), web: `https://${scp[1]!.toLowerCase()}/${scp[2]}` };
  let parsed: URL;
  try {
    parsed = new URL(u.replace(/^git\+/, ''));
  } catch {
    return undefined;
  }
  if (!/^(https?|git|ssh):$/.test(parsed.protocol)) return undefined;
  const path = parsed.pathname.replace(/\.git$/, '').replace(/\/+$/, '');
  if (!/^\/[\w.-]+(\/[\w.-]+)+$/.test(path)) return undefined;
  const host = parsed.hostname.toLowerCase();
  return { host, web: `https://${host}${path}` };
}

/**
 * The docs/rules/ URL of a package.json `repository` (string or `{ url, directory }`), on
 * github.com, gitlab.com or bitbucket.org; undefined elsewhere (the layout of other hosts is
 * not guessed: use --rules-base-url).
 */
export function rulesBaseUrlFromRepository(repository: unknown): string | undefined {
  const url =
    typeof repository === 'string'
      ? repository
      : repository && typeof repository === 'object'
        ? (repository as { url?: unknown }).url
        : undefined;
  if (typeof url !== 'string') return undefined;
  const repo = repositoryWebUrl(url);
  const forge = repo && FORGES[repo.host];
  if (!repo || !forge) return undefined;
  // github.com and bitbucket.org repositories are exactly owner/repo (GitLab nests groups).
  if (repo.host !== 'gitlab.com' && new URL(repo.web).pathname.split('/').length !== 3)
    return undefined;
  const dirRaw =
    repository && typeof repository === 'object'
      ? (repository as { directory?: unknown }).directory
      : undefined;
  const dir =
    typeof dirRaw === 'string' &&
    /^[\w.-]+(\/[\w.-]+)*\/?$/.test(dirRaw) &&
    !/(^|\/)\.\.?(\/|$)/.test(dirRaw)
      ? `${dirRaw.replace(/\/$/, '')}/`
      : '';
  return forge(repo.web, `${dir}${RULES_DIR}`);
}

/**
 * The base URL to use: the flag (when given), else the environment variable (when set), else
 * the package's repository. Errors name the flag or variable that is malformed.
 */
export function resolveRulesBaseUrl(opts: {
  flag?: string;
  env?: NodeJS.ProcessEnv;
  repository?: unknown;
}): string | undefined {
  if (opts.flag !== undefined) return parseRulesBaseUrl(opts.flag, '--rules-base-url');
  const fromEnv = (opts.env ?? process.env)[RULES_BASE_URL_ENV];
  if (fromEnv !== undefined) return parseRulesBaseUrl(fromEnv, RULES_BASE_URL_ENV);
  return rulesBaseUrlFromRepository(opts.repository);
}
