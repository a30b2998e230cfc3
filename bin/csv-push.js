#!/usr/bin/env node
// CommonJS (see bin/package.json): Node starts it without its ES module loader, a few ms sooner.
require('../dist/csv-push.cjs').main(process.argv);
