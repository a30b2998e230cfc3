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
/** The cache file starts with the length and a hash of the source it was made from. */
const HEADER_BYTES = 8;

/**
 * V8 checks a code cache against the source's length, not its content: a cache left from
 * another build of the same length would run that build's code. So the cache carries its own
 * fingerprint of the source, checked here.
 */
function fingerprint(source: string): Buffer {
  let hash = 0x811c9dc5;
  for (let index = 0; index < source.length; index++) {
    hash ^= source.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32LE(source.length >>> 0, 0);
  header.writeUInt32LE(hash >>> 0, 4);
  return header;
}

function readCodeCache(source: string): Buffer | undefined {
  let file: Buffer;
  try {
    file = fs.readFileSync(codeCachePath);
  } catch {
    return undefined;
  }
  if (file.length <= HEADER_BYTES || !file.subarray(0, HEADER_BYTES).equals(fingerprint(source))) return undefined;
  return file.subarray(HEADER_BYTES);
}

function loadCli(): { cli: CliModule; writeCodeCache: () => void } {
  const source = nodeModule.wrap(fs.readFileSync(bundlePath, 'utf8'));
  const cachedData = readCodeCache(source);
  const script = new vm.Script(source, {
    filename: bundlePath,
    ...(cachedData === undefined ? {} : { cachedData }),
  });
  const loaded = { exports: {} as CliModule };
  // The bundle requires nothing but Node's built-in modules, so this file's require serves it.
  script.runInThisContext()(loaded.exports, require, loaded, bundlePath, __dirname);
  const writeCodeCache = () => fs.writeFileSync(codeCachePath, Buffer.concat([fingerprint(source), script.createCachedData()]));
  return { cli: loaded.exports, writeCodeCache };
}

function start(argv: string[]): Promise<void> {
  return loadCli().cli.main(argv);
}

export = { start, loadCli, codeCachePath };
