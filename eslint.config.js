// ESLint flat config: typescript-eslint recommended rules over src/, test/ and bench/, plus the
// architecture rule of DESIGN.md: imports flow one way only,
//   catalog -> api -> config -> validate -> lb -> manifests -> {operator, cli, gateway}
// so a folder may import from folders to its left and never from those to its right.
// src/util comes before all of them: small helpers any folder may use, importing no other.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const LAYERS = [
  ['util'],
  ['catalog'],
  ['api'],
  ['config'],
  ['validate'],
  ['lb'],
  ['manifests'],
  ['operator', 'cli', 'gateway'],
];

function boundaryRules() {
  return LAYERS.flatMap((layer, i) => {
    const later = LAYERS.slice(i + 1).flat();
    const forbidden = later;
    if (forbidden.length === 0) return [];
    return layer.map((folder) => ({
      files: [`src/${folder}/**/*.ts`],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: forbidden.map((f) => ({
              group: [`**/${f}/*`, `**/${f}/**`, `../${f}`, `../../${f}`],
              message: `src/${folder} may not import src/${f} (DESIGN.md: imports flow util -> catalog -> api -> config -> validate -> lb -> manifests -> operator/cli/gateway)`,
            })),
          },
        ],
      },
    }));
  });
}

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.cache/**', // hack/cluster.sh's default cluster dir and other local scratch (gitignored)
      'charts/**',
      'crds/**',
      'schemas/**',
      'hack/tools/**',
      'coverage/**',
      // Git-ignored working directories (.gitignore): local caches and scratch scripts, rendered
      // output. Prettier skips them through .gitignore already.
      '.cache/**',
      'out/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        fetch: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  ...boundaryRules(),
);
