// ESLint for the whole tree: typescript-eslint's type-aware recommended rules
// for main, shared, tests, benches and scripts; React's hook rules for the
// renderer. Formatting is Prettier's job (npm run format), not ESLint's.
import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // .bench-cache: what the benchmarks build and bundle (git-ignored; ESLint does not read .gitignore).
  { ignores: ['dist/**', 'node_modules/**', 'docs/**', 'bench/children/**', '.bench-cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // `async` on a function without `await` is how this code base says "returns a promise" (interfaces
      // of sources, writers and stand-ins, where a throw must become a rejection): not a mistake here.
      '@typescript-eslint/require-await': 'off',
      // `_name` says "unused on purpose"; `const { a: _a, ...rest } = x` is how a field is dropped.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // A cancelled call rejects with its AbortSignal's reason, typed `any` by the DOM typings.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
    },
  },
  {
    // The renderer is type-checked with the DOM library (tsconfig.renderer.json), not Node's.
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: {
      parserOptions: { projectService: false, project: './tsconfig.renderer.json', tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // Says only that the React Compiler would skip a component using TanStack Virtual's useVirtualizer
      // (its result is not memo-safe); Lading does not run the compiler, and those lists render correctly.
      'react-hooks/incompatible-library': 'off',
    },
  },
  {
    // Tests read JSON that children, registries and tools print, and check it field by field with
    // expect(): typing every such document would add nothing the assertions do not already say.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Plain Node scripts (the install and start helpers): no types to check.
    files: ['**/*.{js,mjs,cjs}'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
);
