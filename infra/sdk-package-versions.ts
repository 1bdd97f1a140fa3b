import type { Plugin } from 'esbuild';
import { readFile } from 'node:fs/promises';

/**
 * Each AWS SDK client imports its whole package.json (about 2.4 KB minified:
 * scripts, dependencies, repository) to read one field, `version`, for its
 * user agent. A JSON default import cannot be tree-shaken, so every function
 * loaded it at init, once per client. This plugin gives the SDK's files a
 * package.json holding only its name and version. Any other use of it fails
 * the build, so a new use is noticed.
 */
export const sdkPackageVersions: Plugin = {
  name: 'sdk-package-versions',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]@aws-sdk[\\/][^\\/]+[\\/]package\.json$/ }, async (args) => {
      const { name, version } = JSON.parse(await readFile(args.path, 'utf8')) as { name: string; version: string };
      return { contents: JSON.stringify({ name, version }), loader: 'json' };
    });
    build.onLoad({ filter: /[\\/]node_modules[\\/]@aws-sdk[\\/].+[\\/]runtimeConfig\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const uses = source.match(/\bpackageInfo\b(\.\w+)?/g) ?? [];
      if (uses.some((use) => use !== 'packageInfo' && use !== 'packageInfo.version' && use !== 'packageInfo.name')) {
        throw new Error(`${args.path} reads more of its package.json than infra/sdk-package-versions.ts keeps: ${uses.join(', ')}`);
      }
      return undefined;
    });
  },
};
