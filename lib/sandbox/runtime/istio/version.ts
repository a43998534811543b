/**
 * Which Istio the sandbox pretends to run, read the way a tool reads it from a real
 * cluster: the image tag of the `istiod` Deployment (label `app=istiod`) in
 * `istio-system`. Validation and injection follow that version.
 */
import type { Lister } from '../informer';
import type { Deployment } from '../shapes';

/** The version a scenario gets unless it says otherwise. */
export const DEFAULT_ISTIO_VERSION = '1.28.0';

/** The namespace Istio's control plane lives in. */
export const ISTIO_SYSTEM = 'istio-system';

/** Major, minor and patch of `version` (`1.14.6`, `1.22.0-beta.1`, `1.20`), or undefined. */
export function parseVersion(version: string): [number, number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(version);
  if (!match) return undefined;
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
}

/** True when `version` is at most `major.minor` (a patch level does not matter). */
export function isAtMost(version: string, major: number, minor: number): boolean {
  const parsed = parseVersion(version);
  if (!parsed) return false;
  return parsed[0] < major || (parsed[0] === major && parsed[1] <= minor);
}

/** The tag of an image reference (`docker.io/istio/pilot:1.28.0` gives `1.28.0`). */
export function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0] ?? '';
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > lastSlash ? withoutDigest.slice(colon + 1) : undefined;
}

/** The Istio version of the control plane found among `deployments`, or the default. */
export function istioVersionOf(deployments: Lister<Deployment>): string {
  const istiods = deployments
    .list(ISTIO_SYSTEM)
    .filter((d) => d.metadata.labels?.app === 'istiod' || d.spec.template.metadata?.labels?.app === 'istiod')
    // The default revision decides when several revisions run side by side.
    .sort((a, b) => Number(b.metadata.labels?.['istio.io/rev'] === undefined || b.metadata.labels['istio.io/rev'] === 'default') -
      Number(a.metadata.labels?.['istio.io/rev'] === undefined || a.metadata.labels['istio.io/rev'] === 'default'));
  for (const d of istiods) {
    for (const container of d.spec.template.spec.containers) {
      const tag = container.image ? imageTag(container.image) : undefined;
      if (tag && parseVersion(tag)) return tag;
    }
  }
  return DEFAULT_ISTIO_VERSION;
}

/** Revisions served by the sandbox's istiods (`default` always). */
export function istioRevisions(deployments: Lister<Deployment>): Set<string> {
  const revisions = new Set(['default']);
  for (const d of deployments.list(ISTIO_SYSTEM)) {
    const rev = d.metadata.labels?.['istio.io/rev'];
    if (rev && (d.metadata.labels?.app === 'istiod')) revisions.add(rev);
  }
  return revisions;
}
