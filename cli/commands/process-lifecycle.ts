/** Shared by the long-running process commands: wait for SIGINT/SIGTERM, then shut down once. */

/** Resolves on the first SIGINT or SIGTERM (a second one exits at once). */
export function untilShutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (received) process.exit(130);
      received = true;
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
