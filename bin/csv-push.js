#!/usr/bin/env node
import module from 'node:module';

// Node.js 22.1 and later can keep compiled code between runs; older ones simply start without it.
module.enableCompileCache?.();

const { main } = await import('../dist/cli.js');
await main(process.argv);
