import { describe, expect, it } from 'vitest';
import { displayUrl, groupingPath, parseGatewayUrl, parseGroupingLabel, validateGroupingKey } from '../../src/transport/gateway-url.js';

describe('parseGatewayUrl', () => {
  it('adds http to host:port', () => {
    expect(displayUrl(parseGatewayUrl('localhost:9091').base)).toBe('http://localhost:9091');
  });
  it('keeps a path prefix and drops a trailing slash', () => {
    expect(displayUrl(parseGatewayUrl('https://gw.example:8443/pgw/').base)).toBe('https://gw.example:8443/pgw');
  });
  it('moves credentials out of the URL it shows', () => {
    const address = parseGatewayUrl('https://alice:s%40cret@gw:9091');
    expect(address.credentials).toEqual({ username: 'alice', password: 's@cret' });
    expect(displayUrl(address.base)).toBe('https://gw:9091');
  });
  it('refuses other schemes and garbage without echoing credentials', () => {
    expect(() => parseGatewayUrl('ftp://gw')).toThrow(/http or https/);
    expect(() => parseGatewayUrl('http://bob:hunter2@[bad')).toThrow(/is not a URL/);
    expect(() => parseGatewayUrl('http://bob:hunter2@[bad')).not.toThrow(/hunter2/);
  });
});

describe('groupingPath', () => {
  it('encodes plain values as path segments', () => {
    expect(groupingPath('example_job', [{ name: 'instance', value: 'web 1' }])).toBe('/metrics/job/example_job/instance/web%201');
  });
  it('uses the base64 form for slashes, empty values and dot segments', () => {
    expect(groupingPath('a/b', [{ name: 'path', value: '/var/tmp' }, { name: 'empty', value: '' }, { name: 'dot', value: '..' }])).toBe(
      `/metrics/job@base64/${Buffer.from('a/b').toString('base64url')}/path@base64/${Buffer.from('/var/tmp').toString('base64url')}/empty@base64/=/dot@base64/Li4`,
    );
  });
});

describe('grouping labels', () => {
  it('parses name=value with = and empty values', () => {
    expect(parseGroupingLabel('a=b=c')).toEqual({ name: 'a', value: 'b=c' });
    expect(parseGroupingLabel('a=')).toEqual({ name: 'a', value: '' });
    expect(() => parseGroupingLabel('novalue')).toThrow(/name=value/);
  });
  it('refuses an empty job, job as a label, bad names and repeats', () => {
    expect(() => validateGroupingKey('', [])).toThrow(/--job cannot be empty/);
    expect(() => validateGroupingKey('j', [{ name: 'job', value: 'x' }])).toThrow(/use --job/);
    expect(() => validateGroupingKey('j', [{ name: '2x', value: 'x' }])).toThrow(/not a valid label name/);
    expect(() => validateGroupingKey('j', [{ name: 'a', value: '1' }, { name: 'a', value: '2' }])).toThrow(/twice/);
  });
});
