// The esbuild loaders every bundle of LayerLint sources needs: files inlined as strings (the
// report's stylesheet and webview script, declared in server/src/report/assets.d.ts).
export const TEXT_LOADERS = { '.css': 'text', '.inline.js': 'text' };
