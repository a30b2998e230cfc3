import { getJson } from './http-get.js';
import { startPushgateway, type RunningGateway } from './pushgateway.js';
import { bcryptHash, pem, writeWebConfig, type TestPki } from './tls.js';

export interface SecuredGatewayOptions {
  /** Serve https with the PKI's server certificate. */
  readonly tls?: boolean;
  /** Demand a client certificate signed by the PKI's CA (implies tls). */
  readonly clientCertificate?: boolean;
  /** Demand basic auth from user `alice` with this password. */
  readonly alicePassword?: string;
}

/** A real Pushgateway behind its own --web.config.file: TLS, mutual TLS and basic auth, as asked. */
export function startSecuredGateway(pki: TestPki, options: SecuredGatewayOptions): Promise<RunningGateway> {
  const tls = options.tls === true || options.clientCertificate === true;
  const yaml = [
    tls ? `tls_server_config:\n  cert_file: ${pki.serverCert}\n  key_file: ${pki.serverKey}\n` : '',
    options.clientCertificate === true ? `  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ${pki.caCert}\n` : '',
    options.alicePassword === undefined ? '' : `basic_auth_users:\n  alice: ${bcryptHash(options.alicePassword, pki.dir)}\n`,
  ].join('');
  const config = writeWebConfig(pki.dir, `web-${Math.random().toString(36).slice(2)}.yml`, yaml);
  const authorization = options.alicePassword === undefined ? undefined : `Basic ${Buffer.from(`alice:${options.alicePassword}`).toString('base64')}`;
  return startPushgateway({
    args: [`--web.config.file=${config}`],
    scheme: tls ? 'https' : 'http',
    readBack: (url) =>
      getJson(url, {
        ...(tls ? { ca: pem(pki.caCert) } : {}),
        ...(options.clientCertificate === true ? { cert: pem(pki.clientCert), key: pem(pki.clientKey) } : {}),
        ...(authorization === undefined ? {} : { headers: { authorization } }),
      }),
  });
}
