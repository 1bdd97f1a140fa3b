import type { Plugin, PluginBuild } from 'esbuild';
import { init, parse } from 'es-module-lexer';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * The AWS SDK's files import from barrels (`@smithy/core/protocols`,
 * `@aws-sdk/core/protocols`: index files that only re-export). With code
 * splitting, esbuild puts a file in a chunk the entry loads if the entry can
 * reach it by any import edge, and a barrel is an edge to every file it
 * re-exports. So the XML, query and REST protocols that only the lazily
 * loaded clients use (SES, SNS, KMS, the STS and SSO credential providers)
 * were loaded at every cold start. This plugin rewrites the SDK's named
 * imports from its barrels into imports of the files that define the names:
 * the same modules, so nothing is duplicated, but each chunk reaches only what
 * it uses. Imports it cannot map (a namespace import, a name it does not find)
 * are left as they are.
 */
export const sdkDeepImports: Plugin = {
  name: 'sdk-deep-imports',
  setup(build) {
    const barrels = new BarrelIndex(build);
    build.onLoad({ namespace: 'file', filter: /[\\/]node_modules[\\/]@(aws-sdk|smithy)[\\/].+[\\/]dist-es[\\/].+\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      return { contents: await rewriteImports(source, args.path, barrels), loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

const NAMED_IMPORT = /^import\s*\{([^}]*)\}\s*from\s*"([^"]+)";?$/gm;

async function rewriteImports(source: string, file: string, barrels: BarrelIndex): Promise<string> {
  const statements = [...source.matchAll(NAMED_IMPORT)];
  if (statements.length === 0) return source;
  const replacements = await Promise.all(
    statements.map(async (statement) => {
      const [text, list, specifier] = statement as unknown as [string, string, string];
      const names = importedNames(list);
      const exports = await barrels.exportsOf(specifier, dirname(file));
      if (names === undefined || exports === undefined) return text;
      const byFile = new Map<string, string[]>();
      for (const { imported, local } of names) {
        const origin = exports.names.get(imported);
        if (origin === undefined) return text;
        const binding = origin.name === local ? local : `${origin.name} as ${local}`;
        byFile.set(origin.file, [...(byFile.get(origin.file) ?? []), binding]);
      }
      if (byFile.size === 1 && byFile.has(exports.file)) return text;
      return [...byFile].map(([path, bindings]) => `import { ${bindings.join(', ')} } from ${JSON.stringify(path)};`).join('\n');
    }),
  );
  let result = '';
  let last = 0;
  statements.forEach((statement, index) => {
    result += source.slice(last, statement.index) + replacements[index];
    last = statement.index + statement[0].length;
  });
  return result + source.slice(last);
}

/** `a, b as c` -> [{a, a}, {b, c}]; undefined for anything else (`type` modifiers, defaults). */
function importedNames(list: string): Array<{ imported: string; local: string }> | undefined {
  const names = [];
  for (const part of list.split(',').map((item) => item.trim()).filter(Boolean)) {
    const match = /^([A-Za-z_$][\w$]*)(?:\s+as\s+([A-Za-z_$][\w$]*))?$/.exec(part);
    if (match === null) return undefined;
    names.push({ imported: match[1]!, local: match[2] ?? match[1]! });
  }
  return names;
}

/** Where a barrel's exported name is defined: the file and the name there. */
interface Origin {
  file: string;
  name: string;
}

const SDK_FILE = /[\\/]node_modules[\\/]@(aws-sdk|smithy)[\\/]/;
const REEXPORT = /export\s*(\*|\{[^}]*\})\s*from\s*"([^"]+)";?/g;

/** The SDK's modules, each read once: exported name -> defining file, through any number of re-exports. */
class BarrelIndex {
  private readonly resolved = new Map<string, Promise<string | undefined>>();
  private readonly modules = new Map<string, Promise<Map<string, Origin> | undefined>>();

  constructor(private readonly build: PluginBuild) {}

  /** The names `specifier` (imported from a file in `resolveDir`) exports and where each is defined; undefined outside the SDK or when unsure. */
  async exportsOf(specifier: string, resolveDir: string): Promise<{ file: string; names: Map<string, Origin> } | undefined> {
    const file = await this.resolve(specifier, resolveDir);
    const names = file === undefined ? undefined : await this.module(file, []);
    return file === undefined || names === undefined ? undefined : { file, names };
  }

  private resolve(specifier: string, resolveDir: string): Promise<string | undefined> {
    const key = `${resolveDir}\0${specifier}`;
    let found = this.resolved.get(key);
    if (found === undefined) {
      found = this.build.resolve(specifier, { resolveDir, kind: 'import-statement' }).then((result) =>
        result.errors.length === 0 && SDK_FILE.test(result.path) ? result.path : undefined,
      );
      this.resolved.set(key, found);
    }
    return found;
  }

  private module(file: string, reading: readonly string[]): Promise<Map<string, Origin> | undefined> {
    // A cycle of re-exports: give up on the modules in it (their imports stay as written).
    if (reading.includes(file)) return Promise.resolve(undefined);
    let index = this.modules.get(file);
    if (index === undefined) {
      index = this.read(file, [...reading, file]);
      this.modules.set(file, index);
    }
    return index;
  }

  /** The module's own exports, and its `export ... from` names mapped through to their definitions. */
  private async read(file: string, reading: readonly string[]): Promise<Map<string, Origin> | undefined> {
    const source = await readFile(file, 'utf8');
    await init;
    const [, exports] = parse(source);
    const names = new Map<string, Origin>();
    for (const entry of exports) if (entry.ln !== undefined) names.set(entry.n, { file, name: entry.ln });
    for (const [, what, specifier] of [...source.matchAll(REEXPORT)] as unknown as Array<[string, string, string]>) {
      const target = await this.resolve(specifier, dirname(file));
      if (target === undefined) return undefined;
      const nested = await this.module(target, reading);
      if (nested === undefined) return undefined;
      if (what === '*') {
        for (const [name, origin] of nested) if (name !== 'default') names.set(name, origin);
        continue;
      }
      const list = importedNames(what.slice(1, -1));
      if (list === undefined) return undefined;
      for (const { imported, local } of list) {
        const origin = nested.get(imported);
        if (origin === undefined) return undefined;
        names.set(local, origin);
      }
    }
    return names;
  }
}

