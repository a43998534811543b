import 'server-only';
import { probeEventBetween, type ProbeEvent, type ProbeView } from '../view';
import type { ProbeSession } from './session';

/** A comment line now and then keeps proxies from closing an idle stream. */
const KEEPALIVE_MS = 15_000;

function frame(event: ProbeEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * One browser's event stream for a probe: a snapshot first, then the smallest event
 * that brings its copy up to date each time the view changes; closes after the end.
 */
export function probeEventStream(session: ProbeSession, signal: AbortSignal): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let unsubscribe: () => void = () => {};
  let keepalive: NodeJS.Timeout | undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let sent: ProbeView | null = null;
      let closed = false;
      const close = () => {
        if (closed) return;
        closed = true;
        unsubscribe();
        if (keepalive) clearInterval(keepalive);
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      const send = (view: ProbeView) => {
        if (closed) return;
        controller.enqueue(encoder.encode(frame(probeEventBetween(sent, view))));
        sent = view;
        if (view.state !== 'pending' && view.state !== 'running') close();
      };
      unsubscribe = session.subscribe(send);
      keepalive = setInterval(() => {
        if (!closed) controller.enqueue(encoder.encode(': keepalive\n\n'));
      }, KEEPALIVE_MS);
      signal.addEventListener('abort', close);
      send(session.view());
    },
    cancel() {
      unsubscribe();
      if (keepalive) clearInterval(keepalive);
    },
  });
}
