import 'server-only';
import type { ProbeView } from '../view';
import type { ProbeSession } from './session';

/** What `GET /api/probes/{id}` returns: the live view plus what was asked for. */
export interface ProbeDescription extends ProbeView {
  probe: {
    namespace: string;
    url: string;
    sidecar: boolean;
    rate: number;
    count?: number;
    seconds?: number;
    route?: { namespace: string; name: string; index: number };
    classify: 'header' | 'fingerprint' | 'none';
    notes: string[];
    createdAt: number;
  };
}

export function describeProbe(session: ProbeSession): ProbeDescription {
  const { spec, route, notes, createdAt, taggedHeader } = session.config;
  return {
    ...session.view(),
    probe: {
      namespace: spec.namespace,
      url: spec.url,
      sidecar: spec.sidecar,
      rate: spec.rate,
      ...(spec.count !== undefined ? { count: spec.count } : {}),
      ...(spec.seconds !== undefined ? { seconds: spec.seconds } : {}),
      ...(route ? { route } : {}),
      classify: taggedHeader ? 'header' : spec.learn && spec.learn.length > 0 ? 'fingerprint' : 'none',
      notes,
      createdAt,
    },
  };
}
