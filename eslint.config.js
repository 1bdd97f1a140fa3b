// Lint rules that keep the layers apart and promises awaited. Typed: the rules read tsconfig.json's program.
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const sdk = { regex: '^@aws-sdk/', message: 'Only lib/aws and functions/ talk to AWS: take an adapter from lib/aws as a parameter.' };
const adapters = {
  regex: '(^|/)aws/',
  message: 'lib/ outside lib/aws depends on interfaces, not on the AWS adapters: functions/ wires them in.',
};
const handlers = { regex: '(^|/)functions/', message: 'lib/ never depends on the Lambda entry points.' };

/** The same bans for `import()`, which no-restricted-imports does not see. */
const dynamicImportBans = (...bans) =>
  bans.map((ban) => ({ selector: `ImportExpression[source.value=/${ban.regex.replaceAll('/', '\\/')}/]`, message: ban.message }));

/** The config table's owner and account key formats: only lib/aws builds or reads keys; everything else passes typed owners. */
const storageKeyBans = ['Literal[value=/(GLOBAL|TENANT|ACCOUNT)#/]', 'TemplateElement[value.raw=/(GLOBAL|TENANT|ACCOUNT)#/]'].map((selector) => ({
  selector,
  message: 'Storage key formats live in lib/aws: pass an Owner (lib/tenancy/owner.ts) to the store instead.',
}));

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.serverless/', '.tidings/', 'coverage/', 'bench/results/'] },
  {
    files: ['**/*.ts', 'console/**/*.tsx'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin, 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      // Sources import `./x.js` and the file on disk is `./x.ts` (NodeNext).
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'], extensionAlias: { '.js': ['.ts', '.tsx', '.js'] } })],
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      'import-x/no-cycle': 'error',
    },
  },
  // The domain: no SDK, no adapters, no handlers. Adapters arrive as parameters.
  {
    files: ['lib/**/*.ts'],
    ignores: ['lib/aws/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [sdk, adapters, handlers] }],
      'no-restricted-syntax': ['error', ...dynamicImportBans(sdk, adapters, handlers), ...storageKeyBans],
    },
  },
  { files: ['functions/**/*.ts'], rules: { 'no-restricted-syntax': ['error', ...storageKeyBans] } },
  // The adapters may use the SDK, still never the handlers.
  {
    files: ['lib/aws/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [handlers] }],
      'no-restricted-syntax': ['error', ...dynamicImportBans(handlers)],
    },
  },
  // The web console renders every user-supplied string as text: no way to write raw HTML into the page.
  {
    files: ['console/**/*.ts', 'console/**/*.tsx'],
    rules: {
      // console/tsconfig.json has Node's types only for the API types it takes from lib/: a browser has none of these.
      'no-restricted-globals': ['error', ...['process', 'Buffer', 'global', 'require', '__dirname', '__filename', 'setImmediate'].map((name) => ({ name, message: 'The console runs in a browser.' }))],
      'no-restricted-syntax': [
        'error',
        { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'Render text: user strings (labels, annotations, messages) must never become HTML.' },
        { selector: 'MemberExpression[property.name=/^(innerHTML|outerHTML)$/]', message: 'Render text: user strings must never become HTML.' },
        { selector: "CallExpression[callee.property.name=/^(insertAdjacentHTML|write|writeln)$/]", message: 'Render text: user strings must never become HTML.' },
        // The console mirrors the API's types from lib/; a value import would bundle lib/ and zod into the browser.
        { selector: "ImportDeclaration[importKind!='type'][source.value=/(^|\\/)lib\\/|^zod/]", message: "The console takes only types from lib/ and zod: write `import type`." },
      ],
    },
  },
  // Tests read the JSON bodies of the API under test and assert on them: the assertions are their type check, so
  // `any` for a parsed body is allowed there. Promises and cycles are checked as everywhere.
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  // functions/ wires SDK clients and adapters into lib/: no bans. infra/, test/ and bench/ are tooling around the
  // deployed code: the local stack creates tables and queues with the SDK, and integration tests exercise the real
  // protocol through it (STYLE.md), so they are not bound by the layer rules either.
);
