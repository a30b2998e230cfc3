// Starts the bundled CLI (dist/csv-push.cjs) with V8's code cache for it, written at build time
// (scripts/bundle.mjs): compiling the bundle is a good part of a small run's start-up. When the
// cache is missing or V8 rejects it (another Node.js version), the bundle compiles as usual.
import fs = require('node:fs');
import path = require('node:path');
import vm = require('node:vm');
import nodeModule = require('node:module');

interface CliModule {
  main(argv: string[]): Promise<void>;
}

const bundlePath = path.join(__dirname, 'csv-push.cjs');
const codeCachePath = `${bundlePath}.v8cache`;

function readCodeCache(): Buffer | undefined {
  try {
    return fs.readFileSync(codeCachePath);
  } catch {
    return undefined;
  }
}

function loadCli(): { cli: CliModule; script: vm.Script } {
  const cachedData = readCodeCache();
  const script = new vm.Script(nodeModule.wrap(fs.readFileSync(bundlePath, 'utf8')), {
    filename: bundlePath,
    ...(cachedData === undefined ? {} : { cachedData }),
  });
  const loaded = { exports: {} as CliModule };
  // The bundle requires nothing but Node's built-in modules, so this file's require serves it.
  script.runInThisContext()(loaded.exports, require, loaded, bundlePath, __dirname);
  return { cli: loaded.exports, script };
}

function start(argv: string[]): Promise<void> {
  return loadCli().cli.main(argv);
}

export = { start, loadCli, codeCachePath };
