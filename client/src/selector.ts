// The documents LayerLint serves, shared by the desktop and web clients.
import type { DocumentSelector } from 'vscode-languageclient';

export const DOCUMENT_SELECTOR: DocumentSelector = [
  { language: 'layerspec' },
  { language: 'prototxt' },
  { language: 'darknet-cfg' },
  { language: 'yaml', pattern: '**/*{yolo,rtdetr,model}*.{yaml,yml}' },
];
