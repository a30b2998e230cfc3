// Starts the bundled CLI (dist/csv-push.cjs) with V8's code cache for it, written at build time
// (scripts/bundle.mjs): compiling the bundle is a good part of a small run's start-up. When the
// cache is missing, belongs to other source, or V8 rejects it (another Node.js version), the
// bundle compiles as usual.
import fs = require('node:fs');
import path = require('node:path');
import vm = require('node:vm');
import nodeModule = require('node:module');

interface CliModule {
  main(argv: string[]): Promise<void>;
}

const bundlePath = path.join(__dirname, 'csv-push.cjs');
const codeCachePath = `${bundlePath}.v8cache`;
/**
 * V8 checks a code cache against the source's length, not its content: a cache left from
 * another build of the same length would run that build's code. So the cache file starts with
 * the source it was made from (its length, then the bytes), compared here; a memory compare
 * costs far less than hashing the source in not-yet-optimised JavaScript.
 */
function readCodeCache(bundle: Buffer): Buffer | undefined {
  let file: Buffer;
  try {
    file = fs.readFileSync(codeCachePath);
  } catch {
    return undefined;
  }
  if (file.length < 4) return undefined;
  const sourceLength = file.readUInt32LE(0);
  if (sourceLength !== bundle.length || file.length <= 4 + sourceLength) return undefined;
  if (!file.subarray(4, 4 + sourceLength).equals(bundle)) return undefined;
  return file.subarray(4 + sourceLength);
}

function loadCli(): { cli: CliModule; writeCodeCache: () => void } {
  const bundle = fs.readFileSync(bundlePath);
  const cachedData = readCodeCache(bundle);
  const script = new vm.Script(nodeModule.wrap(bundle.toString('utf8')), {
    filename: bundlePath,
    ...(cachedData === undefined ? {} : { cachedData }),
  });
  const loaded = { exports: {} as CliModule };
  // The bundle requires nothing but Node's built-in modules, so this file's require serves it.
  script.runInThisContext()(loaded.exports, require, loaded, bundlePath, __dirname);
  const writeCodeCache = () => {
    const length = Buffer.alloc(4);
    length.writeUInt32LE(bundle.length, 0);
    fs.writeFileSync(codeCachePath, Buffer.concat([length, bundle, script.createCachedData()]));
  };
  return { cli: loaded.exports, writeCodeCache };
}

function start(argv: string[]): Promise<void> {
  return loadCli().cli.main(argv);
}

export = { start, loadCli, codeCachePath };
