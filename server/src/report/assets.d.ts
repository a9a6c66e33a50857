// The report's stylesheet and webview script are real files that esbuild inlines as strings
// (the `text` loader for .css and .inline.js, TEXT_LOADERS in tools/loaders.mjs).
declare module '*.css' {
  const text: string;
  export default text;
}
declare module '*.inline.js' {
  const text: string;
  export default text;
}
