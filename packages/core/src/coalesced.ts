/**
 * Wraps background work so concurrent triggers coalesce: while it runs, further calls return the
 * running promise and ask for exactly one more run when it ends. (Queue drains and dispatch
 * passes are triggered from many places at once; running them in parallel would only race.)
 */
export function coalesced(task: () => Promise<void>, onError: (error: unknown) => void): { run(): Promise<void>; readonly running: Promise<void> | undefined } {
  let running: Promise<void> | undefined;
  let again = false;
  return {
    get running() {
      return running;
    },
    run() {
      if (running) {
        again = true;
        return running;
      }
      running = (async () => {
        try {
          do {
            again = false;
            await task();
          } while (again);
        } catch (error) {
          onError(error);
        } finally {
          running = undefined;
        }
      })();
      return running;
    },
  };
}
