// Local typing for link2aws (ISC; CommonJS, ships no types). Only what console-urls.ts uses.
declare module 'link2aws' {
  export class ARN {
    /** Throws on a malformed ARN or on characters outside [a-zA-Z0-9:/+=,.@_*#-]. */
    constructor(text: string);
    readonly partition: string;
    readonly service: string;
    readonly region: string;
    readonly account: string;
    /** Console host for the partition; throws for partitions other than aws, aws-cn and aws-us-gov. */
    readonly console: string;
    /** The console URL; throws for unknown services and resource types, some templates return null. */
    readonly consoleLink: string | null | undefined;
    /** Built by the constructor (~1,000 closures over `this`); console-urls.ts reuses one table. */
    _linkTemplates: Record<string, Record<string, ((arn: ARN) => string | null) | null>>;
    _getLinkTemplates(): ARN['_linkTemplates'];
  }
  const link2aws: { ARN: typeof ARN };
  export default link2aws;
}
