// Replaced at bundle time by scripts/build.mjs from package.json; the fallback serves tests run from source.
declare const __FABER_CLOUD_VERSION__: string | undefined;
export const VERSION: string = typeof __FABER_CLOUD_VERSION__ === 'string' ? __FABER_CLOUD_VERSION__ : '0.0.0-dev';
