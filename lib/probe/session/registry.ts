import 'server-only';
import { randomBytes } from 'node:crypto';
import { InputError } from '@/lib/api/errors';
import { ClusterError, deletePod, getConnection, listDestinationRules, listPodsBySelector } from '@/lib/kube';
import { resolveHost } from '@/lib/split/hosts';
import type { K8sDestinationRule, K8sPod } from '@/lib/wire';
import { MANAGED_BY, MANAGED_BY_LABEL, PROBE_LABEL } from '../pod';
import { checkProbeSpec, DEFAULT_TAG_HEADER, suggestDeadlineSeconds, type ProbeSpec } from '../spec';
import { DEFAULT_ALPHA, DEFAULT_TOLERANCE } from '../verdict';
import { ProbeSession, SESSION_ANNOTATION, tag, untag, type SessionConfig } from './session';
import { destinationName, parseProbeUrl, resolveProbeTarget } from './target';

/** Probes running at once, per dashboard: each is a pod sending up to 500 requests/s. */
export const MAX_RUNNING_PROBES = 4;
/** Ended probes kept in memory for their results. */
const KEPT_ENDED = 50;
/** How often probe pods are swept for ones past their deadline. */
const SWEEP_MS = 30_000;

/** How responses are attributed to destinations. */
export type ClassifyMode = 'fingerprint' | 'header' | 'none';

export interface StartProbeInput {
  namespace: string;
  url: string;
  rate: number;
  count?: number;
  seconds?: number;
  sidecar: boolean;
  tolerance?: number;
  alpha?: number;
  classify?: ClassifyMode;
  /** The VirtualService route to compare with (the designer passes the one on screen). */
  route?: { name: string; index: number };
}

function probeSelector(): string {
  return `${MANAGED_BY_LABEL}=${MANAGED_BY},${PROBE_LABEL}`;
}

function deadlinePassed(pod: K8sPod, now = Date.now()): boolean {
  const created = Date.parse(pod.metadata?.creationTimestamp ?? '');
  const deadline = pod.spec?.activeDeadlineSeconds;
  if (!Number.isFinite(created) || deadline === undefined) return false;
  return now > created + deadline * 1000;
}

function sessionConfigOf(pod: K8sPod): SessionConfig | undefined {
  const raw = pod.metadata?.annotations?.[SESSION_ANNOTATION];
  if (!raw) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed && typeof parsed === 'object' && 'spec' in parsed && 'destinations' in parsed ? (parsed as SessionConfig) : undefined;
  } catch {
    return undefined;
  }
}

/** The subsets' labels by host, from DestinationRules the identity may read. */
async function subsetLookup(namespace: string): Promise<(host: string, subset: string) => Record<string, string> | undefined> {
  let rules: K8sDestinationRule[];
  try {
    rules = await listDestinationRules({});
  } catch (error) {
    if (!(error instanceof ClusterError) || error.status !== 403) throw error;
    rules = await listDestinationRules({ namespace });
  }
  return (host, subset) => {
    for (const rule of rules) {
      if (typeof rule.spec?.host !== 'string' || resolveHost(rule.spec.host, rule.metadata?.namespace ?? '') !== host) continue;
      const found = (rule.spec.subsets ?? []).find((s) => s.name === subset);
      if (found) return found.labels ?? {};
    }
    return undefined;
  };
}

/**
 * All probes of this dashboard process. A restarted dashboard finds running probes again
 * from their pods' labels and annotation, and deletes probe pods past their deadline.
 */
export class ProbeRegistry {
  private readonly sessions = new Map<string, ProbeSession>();
  private recovery: Promise<void> | undefined;
  private sweeper: NodeJS.Timeout | undefined;

  /** Starts a probe; bad input is an InputError (4xx) and creates nothing. */
  async start(input: StartProbeInput): Promise<ProbeSession> {
    await this.ready();
    if (getConnection().readOnly) {
      throw new InputError('Splitscope runs read-only here (SPLITSCOPE_READ_ONLY=true): it cannot create probe pods.', undefined, 403, 'read_only');
    }
    if (input.count === undefined && input.seconds === undefined) throw new InputError('Give a count of requests or a duration in seconds.', 'count');
    const running = [...this.sessions.values()].filter((s) => s.lifecycle === 'pending' || s.lifecycle === 'running').length;
    if (running >= MAX_RUNNING_PROBES) {
      throw new InputError(`${running} probes are running already (at most ${MAX_RUNNING_PROBES}); stop one or wait for it to end.`, undefined, 429, 'too_many_probes');
    }
    const url = parseProbeUrl(input.url);
    const target = await resolveProbeTarget({ namespace: input.namespace, url, route: input.route, subsetLabels: await subsetLookup(input.namespace) });
    const classify = input.classify ?? 'fingerprint';
    const id = randomBytes(5).toString('hex');
    const spec: ProbeSpec = {
      id,
      namespace: input.namespace,
      url: url.toString(),
      rate: input.rate,
      ...(input.count !== undefined ? { count: input.count } : {}),
      ...(input.seconds !== undefined ? { seconds: input.seconds } : {}),
      sidecar: input.sidecar,
      ...(classify === 'fingerprint' && target.learn.length > 0 ? { learn: target.learn } : {}),
      ...(classify === 'header' ? { tagHeader: DEFAULT_TAG_HEADER } : {}),
      deadlineSeconds: suggestDeadlineSeconds(input),
    };
    const problems = checkProbeSpec(spec);
    if (problems.length > 0) {
      const first = problems[0];
      throw new InputError(problems.map((p) => `${p.field}: ${p.message}`).join('; '), first?.field === 'id' ? undefined : first?.field);
    }
    const config: SessionConfig = {
      spec,
      destinations: target.destinations,
      route: target.route,
      tolerance: input.tolerance ?? DEFAULT_TOLERANCE,
      alpha: input.alpha ?? DEFAULT_ALPHA,
      notes: target.notes,
      createdAt: Date.now(),
    };
    let taggedHere = false;
    if (classify === 'header') {
      if (!target.route) throw new InputError('Response tagging needs a VirtualService route to tag; this host has none.', 'classify', 422, 'invalid_classify');
      // A live probe of the same route (compare mode) already tagged it: share that tagging.
      if (this.tagUsers(target.route, DEFAULT_TAG_HEADER).length === 0) {
        await tag(target.route, DEFAULT_TAG_HEADER, destinationName);
        taggedHere = true;
      }
      config.taggedHeader = DEFAULT_TAG_HEADER;
    }
    const session = new ProbeSession(config, (ending) => this.tagUsers(ending.config.route, ending.config.taggedHeader).every((s) => s === ending));
    try {
      await session.start();
    } catch (error) {
      if (taggedHere && config.route) await untag(config.route, DEFAULT_TAG_HEADER).catch(() => undefined);
      throw error;
    }
    this.sessions.set(id, session);
    this.forgetOld();
    return session;
  }

  /** Live probes reading `header` tags on `route`. */
  private tagUsers(route: { namespace: string; name: string; index: number } | undefined, header: string | undefined): ProbeSession[] {
    if (!route || !header) return [];
    return [...this.sessions.values()].filter((s) => {
      const r = s.config.route;
      return s.endedAt === undefined && s.config.taggedHeader === header && r?.namespace === route.namespace && r.name === route.name && r.index === route.index;
    });
  }

  async get(id: string): Promise<ProbeSession | undefined> {
    await this.ready();
    return this.sessions.get(id);
  }

  async list(): Promise<ProbeSession[]> {
    await this.ready();
    return [...this.sessions.values()];
  }

  /** Resumes probes found in the cluster, once per process, and starts the sweeper. */
  private ready(): Promise<void> {
    if (!this.recovery) {
      this.recovery = this.sweep(true).catch((error: unknown) => {
        console.error('splitscope: could not look for running probes', error);
      });
      this.sweeper = setInterval(() => void this.sweep(false).catch(() => undefined), SWEEP_MS);
      this.sweeper.unref();
    }
    return this.recovery;
  }

  /** Deletes probe pods past their deadline or left without a session; optionally resumes the others. */
  private async sweep(resume: boolean): Promise<void> {
    let pods: K8sPod[];
    try {
      pods = await listPodsBySelector({ labelSelector: probeSelector() });
    } catch (error) {
      // An identity that may not list pods cluster-wide cannot sweep: probes still clean up after themselves.
      if (error instanceof ClusterError && (error.status === 403 || error.status === 503)) return;
      throw error;
    }
    for (const pod of pods) {
      const id = pod.metadata?.labels?.[PROBE_LABEL] ?? '';
      const namespace = pod.metadata?.namespace ?? '';
      const name = pod.metadata?.name ?? '';
      const live = this.sessions.get(id);
      if (live && live.endedAt === undefined) continue;
      const config = sessionConfigOf(pod);
      if (deadlinePassed(pod) || !config || live) {
        await deletePod({ namespace, name }).catch(() => undefined);
        if (config?.taggedHeader && config.route) await untag(config.route, config.taggedHeader).catch(() => undefined);
        continue;
      }
      if (resume) {
        const session = new ProbeSession(config, (ending) => this.tagUsers(ending.config.route, ending.config.taggedHeader).every((s) => s === ending));
        this.sessions.set(id, session);
        session.resume();
      }
    }
  }

  private forgetOld(): void {
    const ended = [...this.sessions.values()].filter((s) => s.endedAt !== undefined).sort((a, b) => (a.endedAt ?? 0) - (b.endedAt ?? 0));
    for (const session of ended.slice(0, Math.max(0, ended.length - KEPT_ENDED))) this.sessions.delete(session.id);
  }
}

const globalRegistry = globalThis as typeof globalThis & { splitscopeProbes?: ProbeRegistry };

/** The process's registry (kept on globalThis so that module reloads share it). */
export function probeRegistry(): ProbeRegistry {
  globalRegistry.splitscopeProbes ??= new ProbeRegistry();
  return globalRegistry.splitscopeProbes;
}
