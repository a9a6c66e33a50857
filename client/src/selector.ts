// The documents LayerLint serves, shared by the desktop and web clients. YAML files go to
// the server whatever their name: it serves only those that are Ultralytics models
// (formats/sniff.ts), and so do JSON files (Keras configs, TensorFlow.js models); `.cfg` files reach it once the client has switched them to darknet-cfg.
import type { DocumentSelector } from 'vscode-languageclient';

export const DOCUMENT_SELECTOR: DocumentSelector = [
  { language: 'layerspec' },
  { language: 'prototxt' },
  { language: 'darknet-cfg' },
  { language: 'yaml' },
  { language: 'json' },
];
