// Types for the parts of bench/registry-build.mjs that tests import.
export declare const RESOURCES: number;
export declare const TARGET_RATIO: number;
export declare const JQ_FILTER: string;
export declare function mulberry32(seed: number): () => number;
export declare function syntheticState(total?: number, seed?: number): any;
