// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'coverage/', 'tools/ferretdb/bin/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true, argsIgnorePattern: '^_' }],
    },
  },
  {
    // Mongoose schema definitions are plain objects by design.
    files: ['src/storage/models/**'],
    rules: { '@typescript-eslint/no-unsafe-class-instance-assignment': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { globals: globals.node },
  },
  {
    // The web chat page and the public map run in the browser.
    files: ['src/channels/webchat/public/**/*.js', 'src/public/assets/**/*.js'],
    languageOptions: { globals: globals.browser },
  },
  {
    // The inbox UI runs in the browser (its own tsconfig: DOM, JSX for Preact).
    files: ['src/inbox/ui/**'],
    languageOptions: { globals: globals.browser },
  },
  {
    // Scripts and benchmarks print their results for a person to read.
    files: ['scripts/**', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
);
