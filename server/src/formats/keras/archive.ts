// A `.keras` archive (Keras 3 `model.save("m.keras")`): a zip holding config.json (the model
// config), metadata.json and model.weights.h5. Only config.json is inflated, through fflate,
// and only when the archive says it is at most MAX_CONFIG_BYTES and compresses it at most
// MAX_RATIO times (a zip bomb is refused before anything is inflated); the weights are not read.
//
// Contract: archiveConfig never throws; it gives config.json's text or why there is none.
import { unzipSync } from 'fflate';
import { LIMITS } from '../../core/limits';

const MAX_CONFIG_BYTES = LIMITS.maxTextLength;
const MAX_RATIO = 1000;

export function archiveConfig(bytes: Uint8Array): { text?: string; error?: string } {
  let refused = '';
  try {
    const files = unzipSync(bytes, {
      filter: (f) => {
        if (f.name !== 'config.json') return false;
        if (f.originalSize > MAX_CONFIG_BYTES || f.originalSize > Math.max(1, f.size) * MAX_RATIO) {
          refused = `its config.json would inflate to ${f.originalSize} bytes from ${f.size}`;
          return false;
        }
        return true;
      },
    });
    const config = files['config.json'];
    if (refused) return { error: refused };
    if (!config) return { error: 'it holds no config.json (is it a Keras 3 archive?)' };
    if (config.length > MAX_CONFIG_BYTES) return { error: `its config.json has ${config.length} bytes` };
    return { text: new TextDecoder().decode(config) };
  } catch (e) {
    return { error: `it is not a valid zip archive (${(e as Error).message})` };
  }
}
