// The bare-Node remote-write floor: the least a sender built on csv-parse, protobufjs and snappyjs
// can cost. It reads the CSV with csv-parse, makes one series per row (every column a label, plus
// __name__ and job, sorted by name once; value 1, the time of the run), encodes each batch of 5000
// as a WriteRequest with protobufjs, compresses it with snappyjs and POSTs it with fetch, one batch
// at a time. No checks, no messages, no retries.
//
// Usage: node remote_write_floor.mjs <csv> <write url> <job> <metric>
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import protobuf from 'protobufjs';
import snappy from 'snappyjs';

const [path, url, job, metric] = process.argv.slice(2);
const { root } = protobuf.parse(`syntax = "proto3";
message WriteRequest { repeated TimeSeries timeseries = 1; }
message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; }
message Label { string name = 1; string value = 2; }
message Sample { double value = 1; int64 timestamp = 2; }`);
const WriteRequest = root.lookupType('WriteRequest');
const headers = { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy', 'X-Prometheus-Remote-Write-Version': '0.1.0' };
const post = async (timeseries) => {
  const response = await fetch(url, { method: 'POST', headers, body: snappy.compress(WriteRequest.encode({ timeseries }).finish()) });
  if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
};
const timestamp = Date.now();
let names;
const batch = [];
for await (const row of createReadStream(path).pipe(parse({ columns: true }))) {
  names ??= [...Object.keys(row), '__name__', 'job'].sort();
  const labels = names.map((name) => ({ name, value: name === '__name__' ? metric : name === 'job' ? job : row[name] }));
  batch.push({ labels, samples: [{ value: 1, timestamp }] });
  if (batch.length === 5000) await post(batch.splice(0));
}
if (batch.length > 0) await post(batch);
