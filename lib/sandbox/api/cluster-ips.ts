/**
 * Service cluster IPs: the first free address of 10.96.0.0/12 after 10.96.0.9 (the low
 * ones are kept for the apiserver and DNS, as in kubeadm clusters). The real allocator
 * picks at random; a sandbox is easier to read when the addresses come in order.
 *
 * Which addresses are taken is an index kept up to date from the store's events, so an
 * allocation costs about one set lookup instead of a copy of every Service (which made
 * loading a scenario with a thousand Services quadratic).
 */
import type { K8sObject } from '../../wire';
import type { ObjectStore } from '../store';

/** The first address handed out, as an offset in 10.96.0.0/12. */
const FIRST_OFFSET = 10;
const RANGE_SIZE = 1 << 20;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `10.96.0.10` for offset 10. */
function addressAt(offset: number): string {
  return `10.${96 + (offset >> 16)}.${(offset >> 8) & 255}.${offset & 255}`;
}

/** The offset of an address in 10.96.0.0/12, or undefined outside it. */
function offsetOf(address: string): number | undefined {
  const match = /^10\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  if (!match) return undefined;
  const [second, third, fourth] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (second < 96 || second > 111 || third > 255 || fourth > 255) return undefined;
  return ((second - 96) << 16) | (third << 8) | fourth;
}

function clusterIpOf(service: K8sObject | undefined): string | undefined {
  const ip = service && isRecord(service.spec) ? service.spec.clusterIP : undefined;
  return typeof ip === 'string' ? ip : undefined;
}

/**
 * Hands out free Service addresses of `store`. Only stored Services hold an address: one
 * allocated for a dry run, or for a create that fails later, is free again at once.
 */
export class ClusterIpAllocator {
  /** How many stored Services hold each address (a Service may be written with a taken one). */
  private readonly holders = new Map<string, number>();
  /** No free address lies below this offset. */
  private lowestFree = FIRST_OFFSET;

  constructor(store: ObjectStore) {
    for (const service of store.list('services')) this.hold(clusterIpOf(service));
    store.watch((event) => {
      if (event.resource !== 'services') return;
      if (event.type !== 'ADDED') this.release(clusterIpOf(event.type === 'MODIFIED' ? event.oldObject : event.object));
      if (event.type !== 'DELETED') this.hold(clusterIpOf(event.object));
    });
  }

  /** The first free address. */
  allocate(): string {
    for (let offset = this.lowestFree; offset < RANGE_SIZE; offset += 1) {
      const address = addressAt(offset);
      if (!this.holders.has(address)) {
        this.lowestFree = offset;
        return address;
      }
    }
    throw new Error('service IP range exhausted');
  }

  private hold(address: string | undefined): void {
    if (address === undefined) return;
    this.holders.set(address, (this.holders.get(address) ?? 0) + 1);
  }

  private release(address: string | undefined): void {
    if (address === undefined) return;
    const count = this.holders.get(address) ?? 0;
    if (count > 1) {
      this.holders.set(address, count - 1);
      return;
    }
    this.holders.delete(address);
    const offset = offsetOf(address);
    if (offset !== undefined && offset >= FIRST_OFFSET && offset < this.lowestFree) this.lowestFree = offset;
  }
}
