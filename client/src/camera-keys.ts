/** The graph view's keyboard: arrows pan, + and - zoom, 0 resets, Escape clears (sigma's camera). */
import type { Camera } from 'sigma';

/** What a key does to the camera, or undefined for a key the view does not take. */
export function cameraMove(
  camera: Camera,
  key: string,
  onEscape: () => void,
): (() => void) | undefined {
  const step = 0.1 * camera.ratio;
  const moves: Record<string, () => void> = {
    ArrowLeft: () => void camera.animate({ x: camera.x - step }, { duration: 100 }),
    ArrowRight: () => void camera.animate({ x: camera.x + step }, { duration: 100 }),
    ArrowUp: () => void camera.animate({ y: camera.y + step }, { duration: 100 }),
    ArrowDown: () => void camera.animate({ y: camera.y - step }, { duration: 100 }),
    '+': () => void camera.zoomIn({ duration: 150 }),
    '=': () => void camera.zoomIn({ duration: 150 }),
    '-': () => void camera.zoomOut({ duration: 150 }),
    '0': () => void camera.reset({ duration: 200 }),
    Escape: onEscape,
  };
  return moves[key];
}
