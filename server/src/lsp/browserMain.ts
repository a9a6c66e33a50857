// The language server in a web worker (VS Code for the Web): the same startServer as the
// stdio server, over the worker's postMessage channel. Bundled for the browser
// (dist/web/server.js): nothing here or below may import Node modules.
import { BrowserMessageReader, BrowserMessageWriter, createConnection } from 'vscode-languageserver/browser';
import { startServer } from './server';

// The worker's global scope speaks the same postMessage / message-event protocol as a Worker.
const scope = self as unknown as Worker;
startServer(createConnection(new BrowserMessageReader(scope), new BrowserMessageWriter(scope)));
