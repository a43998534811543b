import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

const config = [
  ...nextVitals,
  ...nextTs,
  { ignores: ['.next/**', 'node_modules/**', '.splitscope/**', 'tests/cluster/.work/**', 'next-env.d.ts'] },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-unused-vars': ['warn', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    // One cluster gateway: only lib/kube talks to client-node.
    files: ['app/**', 'components/**', 'lib/split/**', 'lib/probe/**', 'lib/api/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['@kubernetes/client-node'] }] },
  },
  {
    // The pure domain must stay pure: no cluster client, framework or UI imports.
    files: ['lib/split/**', 'lib/probe/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@kubernetes/*', 'next', 'next/*', 'react', 'react-dom', '@/lib/kube/*', '@/lib/sandbox/*', 'node:*'] }],
    },
  },
];
export default config;
