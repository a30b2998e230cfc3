export declare const PUSHGATEWAY_BINARY: string;
export declare function freePort(): Promise<number>;
/** Returns the first line of `--version`; throws, saying how to install it, when it is missing. */
export declare function requirePushgatewayBinary(): string;
export interface LocalPushgateway {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}
export declare function startLocalPushgateway(options: {
  readonly args?: readonly string[];
  readonly scheme?: 'http' | 'https';
  readonly prefix?: string;
  readonly probe: (url: string) => Promise<unknown>;
}): Promise<LocalPushgateway>;
