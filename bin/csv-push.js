#!/usr/bin/env node
import module from 'node:module';

// Node.js 24 lets its young generation grow to a 64 MB semi-space (128 MB in all) when most of what
// is allocated lives on, as a push's label sets do; Node.js 20 and 22 stop at 16 MB. A 100,000-row
// push peaked at 331 MB of RSS there, against 207 MB on Node.js 22 (docs/performance.md). The
// largest semi-space size is fixed when Node starts, but the growth factor is read whenever the
// young generation grows: at 1 it keeps its starting size, which measured 203 MB at the same CPU
// time. Not on Node.js 22, where the larger young generation saves CPU time at 100,000 rows.
if (Number(process.versions.node.split('.')[0]) >= 24) module.createRequire(import.meta.url)('node:v8').setFlagsFromString('--semi-space-growth-factor=1');

// Node.js 22.1 and later can keep compiled code between runs; older ones simply start without it.
module.enableCompileCache?.();

const { main } = await import('../dist/cli.js');
await main(process.argv);
