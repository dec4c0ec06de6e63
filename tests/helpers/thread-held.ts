/**
 * How long work held this thread: a timer runs every `everyMs`, and the longest gap between its
 * runs is the longest the thread was held. For the tests and benches of code that must let other
 * work run (an upload read in the API server's process).
 */
export interface ThreadWatch {
  /** Stops the timer: its runs, and the longest the thread was held (ms), the last gap included. */
  stop: () => { ran: number; held: number };
}

export function watchThread(everyMs: number): ThreadWatch {
  let last = performance.now();
  let held = 0;
  let ran = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    held = Math.max(held, now - last);
    last = now;
    ran += 1;
  }, everyMs);
  // A watch left running (a caller that threw) does not keep the process alive.
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      return { ran, held: Math.max(held, performance.now() - last) };
    },
  };
}
