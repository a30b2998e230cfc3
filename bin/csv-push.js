#!/usr/bin/env node
// CommonJS (see bin/package.json): Node starts it without its ES module loader, a few ms sooner.
require('../dist/start.cjs').start(process.argv);
