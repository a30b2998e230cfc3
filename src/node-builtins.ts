import { createRequire } from 'node:module';

/**
 * Node's own modules, taken with require() instead of `import`.
 *
 * Why: an `import` of a built-in module builds an ES module facade that reads every one of its
 * exports once, and reading runs the lazy getters Node keeps for rarely used parts. From Node.js
 * 22 on, `import ... from 'node:http'` thereby loads undici, and with it http2, tls and web
 * streams, for `http.WebSocket` and friends: about 60 internal modules, the largest single cost
 * of a 100-row push on Node.js 22 and 24 (docs/performance.md). `node:fs` does the same for
 * `fs.promises` and its streams. require() hands back the module object and leaves those getters
 * alone. Types still come from `import type`.
 */
export const requireBuiltin = createRequire(import.meta.url);

/**
 * A library's own CommonJS build, where its package.json exports one for `require`: csv-parse's is
 * one file, where its ES module build is ten, and each ES module costs the loader more than a
 * CommonJS file (about 3 ms against 15 ms for csv-parse on Node.js 22, measured in one run).
 */
export const requirePackage = requireBuiltin;
