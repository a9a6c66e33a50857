// The package version, injected by esbuild from package.json (`define`); "dev" when unbundled.
declare const __LAYERLINT_VERSION__: string | undefined;
export const VERSION: string = typeof __LAYERLINT_VERSION__ === 'string' ? __LAYERLINT_VERSION__ : 'dev';
