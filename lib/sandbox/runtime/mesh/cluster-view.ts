/**
 * The mesh's view of the cluster: what cluster DNS, kube-proxy and istiod know, indexed
 * for the proxy's hot path and rebuilt only when the objects behind an index change.
 */
import type { Informers } from '../controllers/context';
import { isTerminal } from '../controllers/deployments';
import type { DestinationRule, VirtualService } from '../istio-shapes';
import type { Pod, Service, ServicePort } from '../shapes';
import { resolverCandidates, ruleHostFqdn, serviceFqdn } from './dns';
import { selectDestinationRule, selectVirtualService } from './routing';

/** One ready endpoint of a Service port: a pod IP and the container port it listens on. */
export interface Backend {
  ip: string;
  port: number;
  pod?: Pod;
}

interface Index<T> {
  revision: number;
  value: T;
}

/** Lookups over the informers, for the mesh (see the top of this file). */
export class ClusterView {
  private services: Index<{ byFqdn: Map<string, Service>; byIp: Map<string, Service> }> | undefined;
  private pods: Index<Map<string, Pod>> | undefined;
  private virtualServices: Index<{ byHost: Map<string, VirtualService[]>; wildcard: VirtualService[] }> | undefined;

  constructor(private readonly informers: Informers) {}

  private serviceIndex() {
    const revision = this.informers.services.revision;
    if (this.services?.revision !== revision) {
      const byFqdn = new Map<string, Service>();
      const byIp = new Map<string, Service>();
      for (const service of this.informers.services.list()) {
        byFqdn.set(serviceFqdn(service.metadata.name, service.metadata.namespace ?? 'default'), service);
        for (const ip of [service.spec?.clusterIP, ...(service.spec?.clusterIPs ?? [])]) {
          if (ip && ip !== 'None') byIp.set(ip, service);
        }
      }
      this.services = { revision, value: { byFqdn, byIp } };
    }
    return this.services.value;
  }

  serviceByFqdn(fqdn: string): Service | undefined {
    return this.serviceIndex().byFqdn.get(fqdn);
  }

  serviceByClusterIp(ip: string): Service | undefined {
    return this.serviceIndex().byIp.get(ip);
  }

  /** The Service a pod in `namespace` (a node: undefined) reaches by the name `host`, as cluster DNS answers. */
  resolveServiceName(host: string, namespace: string | undefined): Service | undefined {
    for (const candidate of resolverCandidates(host, namespace)) {
      const service = this.serviceByFqdn(candidate);
      if (service) return service;
    }
    return undefined;
  }

  /** The live pod with IP `ip` (a finished pod may still show an IP that was given again). */
  podByIp(ip: string): Pod | undefined {
    const revision = this.informers.pods.revision;
    if (this.pods?.revision !== revision) {
      const byIp = new Map<string, Pod>();
      for (const pod of this.informers.pods.list()) {
        const podIp = pod.status?.podIP;
        if (podIp && (!isTerminal(pod) || !byIp.has(podIp))) byIp.set(podIp, pod);
      }
      this.pods = { revision, value: byIp };
    }
    return this.pods.value.get(ip);
  }

  pod(namespace: string, name: string): Pod | undefined {
    return this.informers.pods.get(namespace, name);
  }

  virtualServiceFor(fqdn: string, client: string | undefined): VirtualService | undefined {
    const revision = this.informers.virtualservices.revision;
    if (this.virtualServices?.revision !== revision) {
      const byHost = new Map<string, VirtualService[]>();
      const wildcard: VirtualService[] = [];
      for (const vs of this.informers.virtualservices.list()) {
        for (const host of vs.spec.hosts ?? []) {
          const resolved = ruleHostFqdn(host, vs.metadata.namespace ?? 'default');
          if (resolved.includes('*')) wildcard.push(vs);
          else byHost.set(resolved, [...(byHost.get(resolved) ?? []), vs]);
        }
      }
      this.virtualServices = { revision, value: { byHost, wildcard } };
    }
    const { byHost, wildcard } = this.virtualServices.value;
    return selectVirtualService([...(byHost.get(fqdn) ?? []), ...wildcard], fqdn, client);
  }

  destinationRuleFor(fqdn: string, serviceNamespace: string, client: string | undefined): DestinationRule | undefined {
    return selectDestinationRule(this.informers.destinationrules.list(), fqdn, serviceNamespace, client);
  }

  /** The Service port a client reaches on `port`, if the Service has it. */
  servicePort(service: Service, port: number): ServicePort | undefined {
    return service.spec?.ports?.find((p) => p.port === port && (p.protocol ?? 'TCP') === 'TCP');
  }

  /** The ready endpoints behind one port of a Service, from its Endpoints object. */
  readyBackends(service: Service, servicePort: ServicePort): Backend[] {
    const namespace = service.metadata.namespace ?? 'default';
    const endpoints = this.informers.endpoints.get(namespace, service.metadata.name);
    const ports = service.spec?.ports ?? [];
    const out: Backend[] = [];
    for (const subset of endpoints?.subsets ?? []) {
      const port =
        subset.ports?.find((p) => (p.name ?? '') === (servicePort.name ?? '')) ??
        (ports.length === 1 && subset.ports?.length === 1 ? subset.ports[0] : undefined);
      if (!port) continue;
      for (const address of subset.addresses ?? []) {
        const podName = address.targetRef?.kind === 'Pod' ? address.targetRef.name : undefined;
        out.push({ ip: address.ip, port: port.port, pod: podName ? this.pod(namespace, podName) : undefined });
      }
    }
    return out;
  }
}
