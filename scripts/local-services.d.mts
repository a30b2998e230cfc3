export interface LocalService {
  /** Base URL, e.g. http://127.0.0.1:PORT. */
  readonly url: string;
  readonly port: number;
  /** Its working directory (data, config; the textfile directory for node_exporter). */
  readonly directory: string;
  stop(): Promise<void>;
  /** The last of what it wrote to stderr. */
  log(): string;
}
/** Throws, saying how to install it, when `binary` is not on the PATH. */
export declare function requireBinary(binary: string, debianPackage: string): void;
export interface ServiceOptions {
  /** Extra flags, e.g. `--web.config.file=...`. */
  readonly args?: readonly string[];
  readonly scheme?: 'http' | 'https';
  /** How to check readiness: a secured server needs a CA, a client certificate or credentials. */
  readonly probe?: (url: string) => Promise<unknown>;
}
export declare function startLocalPrometheus(options?: ServiceOptions & { readonly dataDirectory?: string }): Promise<LocalService>;
export declare function startLocalVictoriaMetrics(options?: {
  readonly args?: readonly string[];
  /** Its data directory, kept when it stops, so that one started again finds its data. */
  readonly directory?: string;
  /** Its port, for one started again where its clients send. */
  readonly port?: number;
}): Promise<LocalService>;
/** vmagent at `/api/v1/write`, replicating to every URL of `remoteWriteUrls`, its queue in its own directory. */
export declare function startLocalVmagent(options: { readonly remoteWriteUrls: readonly string[]; readonly args?: readonly string[] }): Promise<LocalService>;
export declare function startLocalNodeExporter(options: { readonly textfileDirectory: string }): Promise<LocalService>;
export interface LocalServiceSpec {
  readonly name: string;
  readonly binary: string;
  readonly debianPackage: string;
  readonly args: (port: number, directory: string) => readonly string[];
  readonly readyPath: string;
  readonly scheme?: 'http' | 'https';
  readonly probe?: (url: string) => Promise<unknown>;
  /** A directory to work in that outlives the service; a temporary one otherwise. */
  readonly directory?: string;
  /** A port to listen on instead of a free one (no retry elsewhere if it is taken). */
  readonly port?: number;
}
export declare function startLocalService(spec: LocalServiceSpec): Promise<LocalService>;
