import type { AddressInfo, Server } from 'node:net';

/**
 * Starts `server` listening and resolves with its address, or rejects with the listen
 * error (EADDRINUSE, EACCES, ...) so that callers can fall back to another port.
 */
export function listenOn(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      if (address && typeof address === 'object') resolve(address);
      else reject(new Error('the server has no TCP address'));
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
