// Types for the parts of scripts/test-tools-lib.mjs that tests import.
export type Origin = 'path' | 'source' | 'registry' | 'machine' | 'pip';
export interface ProviderSpec {
  name: string;
  version: string;
  source: string;
  origin: Origin;
}
export declare const ORIGINS: Origin[];
export declare function goPlatform(sysname: string, machine: string): string;
export declare function goDownloadField(text: string, field: string): string;
export declare function goModDirectives(text: string): { go: string; godebug: string[]; replace: string[] };
export declare function wrapperGoMod(options: { module: string; what: string; go: string; godebug?: string[]; replace?: string[] }): string;
export declare function registryHost(providersOutput: string): string;
export declare function firstError(output: string): string;
export declare function requiredProvidersConfig(providers: { name: string; version: string }[]): string;
export declare function cliConfig(mirrorDir: string): string;
export declare function manifest(input: {
  moto: { binary: string; python: string; version: string; origin: Origin };
  iac: { kind: 'tofu' | 'terraform'; binary: string; version: string; origin: Origin };
  cliConfigFile: string;
  mirrorDir: string;
  platform: string;
  providers: ProviderSpec[];
}): Record<string, unknown> & { providers: (Omit<ProviderSpec, 'name'> & { name: string })[] };
export declare function writeIfChanged(file: string, text: string): boolean;
export declare function parseProviderLines(lines: string[]): ProviderSpec[];
