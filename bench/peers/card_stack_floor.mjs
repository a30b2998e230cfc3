// The card-stack floor: the least any tool built on csv-push's libraries can cost. It loads
// commander, csv-parse, prom-client and chalk by their main entries, reads the CSV with
// csv-parse, sets one gauge sample per row, and PUTs registry.metrics() with node:http. No
// checks, no messages, no options beyond the four arguments.
//
// Usage: node card_stack_floor.mjs <csv> <host:port> <job> <metric>
import { createReadStream } from 'node:fs';
import http from 'node:http';
import chalk from 'chalk';
import { program } from 'commander';
import { parse } from 'csv-parse';
import { Gauge, Registry } from 'prom-client';

const [path, hostPort, job, metric] = program.argument('<args...>').parse().args;
const registry = new Registry();
let gauge;
for await (const row of createReadStream(path).pipe(parse({ columns: true }))) {
  gauge ??= new Gauge({ name: metric, help: 'One sample of value 1 per CSV row.', labelNames: Object.keys(row), registers: [registry] });
  gauge.set(row, 1);
}
const [host, port] = hostPort.split(':');
const request = http.request({ host, port: Number(port), path: `/metrics/job/${job}`, method: 'PUT', headers: { 'Content-Type': registry.contentType } }, (response) => {
  response.resume();
  process.exitCode = response.statusCode === 200 || response.statusCode === 202 ? 0 : 1;
  console.log(chalk.green(`pushed ${response.statusCode}`));
});
request.end(await registry.metrics());
