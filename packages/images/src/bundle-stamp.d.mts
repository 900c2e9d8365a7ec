export interface Stamp {
  bundler: string;
  /** Every file esbuild read, relative to the service directory, with what it was when the bundle was built. */
  inputs: Record<string, { size: number; mtimeMs: number; sha256: string }>;
}

export declare const stampFile: string;
export declare function sha256(file: string): string;
export declare function bundleDirOf(serviceDir: string, entry: string | undefined): string;
export declare function bundlerDigest(): string;
export declare function readStamp(dir: string): Stamp | undefined;
export declare function currentBundle(serviceDir: string, entry: string | undefined): string | undefined;
