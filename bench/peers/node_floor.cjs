// The least a Node.js program can do for the same push: read the file, split it naively (the
// bench CSVs have no quotes), build the body, one PUT. No validation, no dependencies. It shows
// how much of a small run is Node.js itself starting up, which no CSV pusher in Node can avoid.
//
// Usage: node node_floor.cjs <csv> <host:port> <job> <metric>
const { readFileSync } = require('node:fs');
const http = require('node:http');

const [path, hostPort, job, metric] = process.argv.slice(2);
const [header, ...rows] = readFileSync(path, 'utf8').split('\n');
const names = header.split(',');
const lines = [`# HELP ${metric} One sample of value 1 per CSV row.`, `# TYPE ${metric} gauge`];
for (const row of rows) {
  if (row === '') continue;
  const cells = row.split(',');
  lines.push(`${metric}{${names.map((name, index) => `${name}="${cells[index]}"`).join(',')}} 1`);
}
const [host, port] = hostPort.split(':');
const request = http.request({ host, port: Number(port), path: `/metrics/job/${job}`, method: 'PUT' }, (response) => {
  response.resume();
  if (response.statusCode !== 200 && response.statusCode !== 202) process.exitCode = 1;
});
request.end(`${lines.join('\n')}\n`);
