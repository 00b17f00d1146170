// ESLint: recommended rules with typescript-eslint, for sources, tests and benches.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'test/generated/', '.data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // Layering: the domain, services, jobs and integrations know nothing of GraphQL types; resolvers map to them.
    // Coded errors (schema/errors) are the one shared piece: a service decides that input is bad.
    files: ['src/domain/**/*.ts', 'src/services/**/*.ts', 'src/jobs/**/*.ts', 'src/integrations/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'type-graphql', message: 'GraphQL types belong in src/schema and src/resolvers' }],
          patterns: [
            { group: ['**/schema/*', '!**/schema/errors'], message: 'GraphQL types belong in src/schema and src/resolvers' },
            { group: ['**/resolvers/**'], message: 'services are called by resolvers, not the other way round' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly', process: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
