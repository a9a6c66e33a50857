// Which open documents are models, as the client sees them before any server runs: it
// starts the language server only for those (a plain `config.yaml` costs no process), and
// switches a Darknet `.cfg`, which VS Code opens as Properties, to `darknet-cfg`. The
// content tests are the engine's own (formats/sniff.ts, dependency-free), so the client and
// the server agree on what is a model. No Node modules: the web build bundles this file.
import type * as vscode from 'vscode';
import { looksLikeDarknet, looksLikeKeras, looksLikeUltralytics } from '../../server/src/formats/sniff';

/** Languages that are models by declaration (package.json `contributes.languages`). */
const MODEL_LANGUAGES = new Set(['layerspec', 'prototxt', 'darknet-cfg']);
/** Languages VS Code and its extensions give `.cfg` files (Properties, INI). */
export const CFG_LANGUAGES = new Set(['properties', 'ini']);

/** A `.cfg` that VS Code opened as Properties/INI but is a Darknet network. */
export function isDarknetUnderOtherLanguage(doc: vscode.TextDocument): boolean {
  return (
    CFG_LANGUAGES.has(doc.languageId) && doc.uri.path.toLowerCase().endsWith('.cfg') && looksLikeDarknet(doc.getText())
  );
}

/** A document the language server should see: one of our languages, YAML that is an Ultralytics model, or JSON that is a Keras / TensorFlow.js model. */
export function isModelDocument(doc: vscode.TextDocument): boolean {
  if (MODEL_LANGUAGES.has(doc.languageId)) return true;
  if (doc.languageId === 'json') return looksLikeKeras(doc.getText());
  return doc.languageId === 'yaml' && looksLikeUltralytics(doc.getText());
}
