/**
 * Pod IPs: each pod gets its own loopback address, 127.1.x.y, so that its answer server
 * can listen on its own IP and container port exactly as in a pod network (all of
 * 127.0.0.0/8 is loopback on Linux). Addresses are handed out in order and reused only
 * after every other one has been used once, so a deleted pod's IP is not immediately
 * someone else's (as a CNI's allocator also avoids).
 */

/** First and last host in the pool (127.1.0.0/16 without .0 and .255 in the last octet). */
const FIRST = (127 << 24) | (1 << 16) | 1;
const LAST = (127 << 24) | (1 << 16) | (255 << 8) | 254;

function toText(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function toNumber(ip: string): number | undefined {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  const [a = 0, b = 0, c = 0, d = 0] = parts;
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

/** Whether `ip` is in the sandbox's pod range. */
export function isPodIp(ip: string): boolean {
  const n = toNumber(ip);
  return n !== undefined && n >= FIRST >>> 0 && n <= LAST >>> 0;
}

/** Hands out and takes back pod IPs (see the top of this file). */
export class PodIpAllocator {
  private readonly used = new Set<string>();
  private next = FIRST >>> 0;

  /** Marks `ip` as taken (a pod restored from a persisted store keeps its IP). */
  reserve(ip: string): boolean {
    if (!isPodIp(ip) || this.used.has(ip)) return false;
    this.used.add(ip);
    return true;
  }

  allocate(): string {
    const size = (LAST >>> 0) - (FIRST >>> 0) + 1;
    for (let tried = 0; tried < size; tried += 1) {
      const candidate = this.next;
      this.next = candidate >= LAST >>> 0 ? FIRST >>> 0 : candidate + 1;
      if ((candidate & 255) === 0 || (candidate & 255) === 255) continue;
      const ip = toText(candidate);
      if (!this.used.has(ip)) {
        this.used.add(ip);
        return ip;
      }
    }
    throw new Error('the sandbox has run out of pod IPs (127.1.0.0/16 is exhausted)');
  }

  release(ip: string): void {
    this.used.delete(ip);
  }
}
