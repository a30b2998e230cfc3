import * as http from 'node:http';
import * as https from 'node:https';

export interface GetOptions {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly headers?: Record<string, string>;
}

/** GET a JSON document, also from a gateway behind TLS or auth; fetch cannot take a private CA. */
export async function getJson(url: string, options: GetOptions = {}): Promise<unknown> {
  return JSON.parse(await getText(url, options));
}

/** GET a text body (status 200 only), also from a server behind TLS or auth. */
export function getText(url: string, options: GetOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const client = target.protocol === 'https:' ? https : http;
    const request = client.get(
      target,
      { headers: options.headers ?? {}, ca: options.ca, cert: options.cert, key: options.key, agent: false, timeout: 5000 },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => {
          if (response.statusCode !== 200) reject(new Error(`GET ${url}: ${response.statusCode} ${body}`));
          else resolve(body);
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error(`GET ${url} timed out`)));
    request.on('error', reject);
  });
}
