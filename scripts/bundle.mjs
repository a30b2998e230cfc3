// Bundles the CLI into one CommonJS file. Start-up is most of a small run: one file, compiled
// lazily, loads faster than two dozen ES modules resolved one by one (see bench/README.md).
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// No cache from an earlier build may take part in making the new one.
rmSync('dist/csv-push.cjs.v8cache', { force: true });

/**
 * commander loads node:child_process up front, for executable subcommands csv-push does not
 * have; loading it costs about 2 ms of every run. Hand commander a stand-in that loads the
 * real module only if something is ever asked of it.
 */
const lazyChildProcessForCommander = {
  name: 'lazy-child-process-for-commander',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.importer.includes(`${'node_modules'}/commander/`) ? { path: 'child_process', namespace: 'lazy' } : undefined,
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
      contents: "module.exports = new Proxy({}, { get: (_, key) => require('node:child_process')[key] });",
      loader: 'js',
    }));
  },
};

await build({
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/csv-push.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  legalComments: 'none',
  minify: true,
  keepNames: true,
  // cli.ts finds package.json through import.meta.url, which CommonJS spells differently.
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [lazyChildProcessForCommander],
  logLevel: 'warning',
});

// V8's code cache for the bundle, taken after a representative run (a dry run of the example),
// so that the functions a push needs are in it too. dist/start.cjs uses it when V8 accepts it.
const warmUp = spawnSync(
  process.execPath,
  ['-e', `
    const { loadCli } = require('./dist/start.cjs');
    const { cli, writeCodeCache } = loadCli();
    cli.main(['node', 'csv-push', 'fixtures/example_data.csv', '--job', 'warm_up', '--dry-run', '-q']).then(writeCodeCache);
  `],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);
if (warmUp.status !== 0) throw new Error('could not write the code cache for dist/csv-push.cjs');
