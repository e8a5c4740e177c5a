// Finds the model (configured, or a local server probed on the usual ports) and opens one
// ModelSession per room. Detection is cached; a failed detection is retried after a while so
// that starting Ollama after Tandem works without a restart.
import type { AiConfig } from './aiConfigTypes.ts';
import { detectProvider, type Detection } from './providers/detect.ts';
import { createModelSession } from './providers/index.ts';
import type { ModelSession, ProviderTarget } from './providers/types.ts';

export interface ModelConnector {
  detect(): Promise<Detection>;
  /** The detection already known to be ready, without waiting (null: call detect()). */
  peek?(): Detection | null;
  open(target: ProviderTarget): ModelSession;
}

const RETRY_DETECTION_MS = 15_000;

export function createConnector(config: AiConfig): ModelConnector {
  let cached: { at: number; detection: Promise<Detection> } | null = null;
  // A ready detection, readable synchronously: a run then reaches the model without waiting.
  let ready: Detection | null = null;
  const remember = (d: Promise<Detection>) => {
    ready = null;
    d.then(
      (r) => {
        if (cached?.detection === d) ready = r.status === 'ready' ? r : null;
      },
      () => {},
    );
    return d;
  };
  return {
    peek() {
      return cached ? ready : null;
    },
    detect() {
      const now = Date.now();
      if (cached) {
        const { at, detection } = cached;
        // Successful detections are kept; others are retried once they are old enough.
        const keep = detection.then((d) => d.status === 'ready' || now - at < RETRY_DETECTION_MS);
        return keep.then((k) => {
          if (k && cached?.detection === detection) return detection;
          if (cached?.detection !== detection) return cached!.detection;
          cached = { at: Date.now(), detection: remember(detectProvider(config)) };
          return cached.detection;
        });
      }
      cached = { at: now, detection: remember(detectProvider(config)) };
      return cached.detection;
    },
    open(target) {
      return createModelSession(target, { stallMs: config.stallMs, rotateAfterMs: config.rotateAfterMs });
    },
  };
}
