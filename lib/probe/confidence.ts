/**
 * Anytime-valid confidence sequences for one destination's share (statistics.md).
 *
 * After n classified responses, s of them to the destination, the mixture martingale
 *
 *     M_n(p) = ∫ q^s (1 − q)^(n − s) dπ(q) / (p^s (1 − p)^(n − s))
 *
 * is, for the true p, a non-negative martingale starting at 1, so by Ville's inequality
 * P(∃n: M_n(p) ≥ 1/α) ≤ α and CS_n = {p : log M_n(p) < log(1/α)} is a confidence sequence.
 * The prior π is a mixture of Beta distributions centred on the target (see `mixturePrior`),
 * chosen before the probe starts, which keeps the sequence valid whatever the data.
 *
 * The verdict needs three questions answered after every response: is the target outside
 * the sequence, and are the two tolerance edges outside it. Each is one evaluation of
 * log M_n at a fixed point, updated in O(1) per response (`observe`), instead of locating the
 * interval's ends by bisection; the ends are computed only when shown (`confidenceInterval`).
 * Running intersection (statistics.md) is kept as sticky flags: once an edge or the target
 * has been outside some CS_m, it is outside the intersection of all of them.
 */
import { logBeta } from './lgamma';

/** One Beta(a, b) component of the mixture prior, with its weight. */
export interface BetaComponent {
  weight: number;
  a: number;
  b: number;
}

/** A mixture of Beta priors; weights sum to 1. */
export type MixturePrior = readonly BetaComponent[];

/**
 * How the prior is built around a target t with tolerance τ. Strengths are pseudo-counts in
 * units of t(1 − t)/τ², the sample size at which a binomial standard error equals τ, so the
 * same settings behave alike for a 10/90 and a 50/50 split.
 */
export interface PriorSettings {
  /** Weight of the diffuse component, the one that detects a split that is off target. */
  diffuseWeight: number;
  /** Strength of the diffuse component (its standard deviation is τ / √strength). */
  diffuseStrength: number;
  /** Strength of the concentrated component, the one that confirms a split on target. */
  concentratedStrength: number;
}

/**
 * Chosen by simulation (`npx tsx tests/bench/probe-prior.ts`, 1,000 runs per cell, 10/90 at
 * ±3 points, α = 0.05, verdict after every response): 0.9 on a component concentrated on
 * the target (sd τ/√30, c = 3,000 for 10/90) and 0.1 on a diffuse one (sd τ/√0.3, c = 30)
 * reached "consistent" after a median 794 responses (2.07 × n*; the concentrated prior
 * alone: 778) and caught a true 20/80 after a median 143 (the concentrated prior alone:
 * 447; a diffuse c = 300 alone: 168, but 887 to "consistent").
 */
export const DEFAULT_PRIOR_SETTINGS: PriorSettings = {
  diffuseWeight: 0.1,
  diffuseStrength: 0.3,
  concentratedStrength: 30,
};

/** No Beta parameter below this: keeps a target of exactly 0 or 1 a proper prior. */
const MIN_BETA_PARAMETER = 0.5;

/** The mixture prior for a target share and tolerance. */
export function mixturePrior(target: number, tolerance: number, settings: PriorSettings = DEFAULT_PRIOR_SETTINGS): MixturePrior {
  // A target of 0 or 1 has no binomial variance; use the tolerance's instead.
  const variance = Math.max(target * (1 - target), tolerance * (1 - tolerance));
  const unit = variance / (tolerance * tolerance);
  const component = (weight: number, strength: number): BetaComponent => {
    const c = strength * unit;
    return { weight, a: Math.max(c * target, MIN_BETA_PARAMETER), b: Math.max(c * (1 - target), MIN_BETA_PARAMETER) };
  };
  const components = [
    component(settings.diffuseWeight, settings.diffuseStrength),
    component(1 - settings.diffuseWeight, settings.concentratedStrength),
  ];
  return components.filter((c) => c.weight > 0);
}

function logSumExp(values: readonly number[]): number {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) if (v > max) max = v;
  if (max === Number.NEGATIVE_INFINITY) return max;
  let sum = 0;
  for (const v of values) sum += Math.exp(v - max);
  return max + Math.log(sum);
}

/** log ∫ q^s (1 − q)^(n − s) dπ(q): the mixture's marginal likelihood (s may be fractional). */
export function logMarginal(prior: MixturePrior, s: number, n: number): number {
  return logSumExp(prior.map((c) => Math.log(c.weight) + logBeta(c.a + s, c.b + n - s) - logBeta(c.a, c.b)));
}

/** s log p + (n − s) log(1 − p), with 0 · log 0 = 0. */
export function logLikelihood(s: number, n: number, p: number): number {
  const f = n - s;
  const hits = s === 0 ? 0 : s * Math.log(p);
  const misses = f === 0 ? 0 : f * Math.log(1 - p);
  return hits + misses;
}

/** log M_n(p) for s hits in n draws; +∞ where p is impossible (p = 0 with a hit). */
export function logMartingale(prior: MixturePrior, s: number, n: number, p: number): number {
  return logMarginal(prior, s, n) - logLikelihood(s, n, p);
}

/** A closed interval of shares. `low > high` means empty (the data contradict any fixed share). */
export interface Interval {
  low: number;
  high: number;
}

const BISECTION_STEPS = 52;

/**
 * CS_n = {p : log M_n(p) < log(1/α)} at one n. log M_n is convex in p with its minimum at
 * s/n (where it is ≤ 0 < log(1/α)), so the set is an interval; its ends are found by bisection.
 */
export function confidenceInterval(prior: MixturePrior, s: number, n: number, alpha: number): Interval {
  if (n === 0) return { low: 0, high: 1 };
  const threshold = Math.log(1 / alpha);
  const marginal = logMarginal(prior, s, n);
  const outside = (p: number) => marginal - logLikelihood(s, n, p) >= threshold;
  const mle = s / n;
  const edge = (inside: number, out: number): number => {
    let a = inside;
    let b = out;
    for (let i = 0; i < BISECTION_STEPS; i += 1) {
      const mid = (a + b) / 2;
      if (outside(mid)) b = mid;
      else a = mid;
    }
    return (a + b) / 2;
  };
  return {
    low: outside(0) ? edge(mle, 0) : 0,
    high: outside(1) ? edge(mle, 1) : 1,
  };
}

/** A share the verdict asks about, with its logs precomputed. */
export interface Probe {
  p: number;
  logP: number;
  logQ: number;
}

function probePoint(p: number): Probe {
  return { p, logP: Math.log(p), logQ: Math.log(1 - p) };
}

/** What a sequence tests, fixed at its start and shared by all its states. */
export interface SequenceSpec {
  readonly target: number;
  readonly tolerance: number;
  /** This sequence's share of α, and log(1/α) for it. */
  readonly alpha: number;
  readonly logThreshold: number;
  readonly prior: MixturePrior;
  /** log of each prior component's weight. */
  readonly logWeights: readonly number[];
  /** The three shares the verdict asks about: target − τ, target, target + τ. */
  readonly points: { readonly lower: Probe; readonly target: Probe; readonly upper: Probe };
}

/** One destination's sequence, advanced one response at a time. Plain data; never mutated. */
export interface SequenceState {
  readonly spec: SequenceSpec;
  readonly n: number;
  readonly s: number;
  /** Per prior component: log ∫ q^s (1 − q)^(n − s) dBeta(a, b)(q), updated incrementally. */
  readonly componentLogMarginals: readonly number[];
  /** Some CS_m so far excluded the target. */
  readonly targetExcluded: boolean;
  /** Some CS_m so far lay above target − τ (always true when target − τ ≤ 0). */
  readonly lowerEdgeExcluded: boolean;
  /** Some CS_m so far lay below target + τ (always true when target + τ ≥ 1). */
  readonly upperEdgeExcluded: boolean;
  /** Running intersection of the intervals known so far (see `refreshSequence`). */
  readonly interval: Interval;
}

export interface SequenceOptions {
  target: number;
  tolerance: number;
  /** This sequence's error budget (α/k for k destinations, statistics.md). */
  alpha: number;
  prior?: MixturePrior;
}

/** A sequence before any response. */
export function startSequence(options: SequenceOptions): SequenceState {
  const { target, tolerance, alpha } = options;
  const prior = options.prior ?? mixturePrior(target, tolerance);
  const spec: SequenceSpec = {
    target,
    tolerance,
    alpha,
    logThreshold: Math.log(1 / alpha),
    prior,
    logWeights: prior.map((c) => Math.log(c.weight)),
    points: { lower: probePoint(target - tolerance), target: probePoint(target), upper: probePoint(target + tolerance) },
  };
  return {
    spec,
    n: 0,
    s: 0,
    componentLogMarginals: prior.map(() => 0),
    targetExcluded: false,
    lowerEdgeExcluded: target - tolerance <= 0,
    upperEdgeExcluded: target + tolerance >= 1,
    interval: { low: 0, high: 1 },
  };
}

function exceeds(logMix: number, s: number, n: number, point: Probe, threshold: number): boolean {
  const f = n - s;
  const logLik = (s === 0 ? 0 : s * point.logP) + (f === 0 ? 0 : f * point.logQ);
  return logMix - logLik >= threshold;
}

/**
 * Adds one classified response: `hit` when it went to this destination. Updates the
 * marginals by the beta-binomial predictive probability and checks the target and both
 * tolerance edges with one log M evaluation each. (Hot path of the simulations: plain loops.)
 */
export function observe(state: SequenceState, hit: boolean): SequenceState {
  const { spec, n, s } = state;
  const { prior, logWeights, points, logThreshold, target } = spec;
  const componentLogMarginals: number[] = new Array<number>(prior.length);
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < prior.length; j += 1) {
    const c = prior[j] as BetaComponent;
    const predictive = hit ? (c.a + s) / (c.a + c.b + n) : (c.b + n - s) / (c.a + c.b + n);
    const value = (state.componentLogMarginals[j] ?? 0) + Math.log(predictive);
    componentLogMarginals[j] = value;
    const weighted = value + (logWeights[j] ?? 0);
    if (weighted > max) max = weighted;
  }
  let sum = 0;
  for (let j = 0; j < prior.length; j += 1) sum += Math.exp((componentLogMarginals[j] ?? 0) + (logWeights[j] ?? 0) - max);
  const logMix = max + Math.log(sum);
  const n1 = n + 1;
  const s1 = hit ? s + 1 : s;
  const mle = s1 / n1;
  let { low, high } = state.interval;
  let { targetExcluded, lowerEdgeExcluded, upperEdgeExcluded } = state;
  if (!targetExcluded && mle !== target && exceeds(logMix, s1, n1, points.target, logThreshold)) {
    targetExcluded = true;
    // The target lies on the far side of this CS from the estimate: a valid bound to keep.
    if (mle > target) low = Math.max(low, target);
    else high = Math.min(high, target);
  }
  if (!lowerEdgeExcluded && mle > points.lower.p && exceeds(logMix, s1, n1, points.lower, logThreshold)) {
    lowerEdgeExcluded = true;
    low = Math.max(low, points.lower.p);
  }
  if (!upperEdgeExcluded && mle < points.upper.p && exceeds(logMix, s1, n1, points.upper, logThreshold)) {
    upperEdgeExcluded = true;
    high = Math.min(high, points.upper.p);
  }
  return {
    spec,
    n: n1,
    s: s1,
    componentLogMarginals,
    targetExcluded,
    lowerEdgeExcluded,
    upperEdgeExcluded,
    interval: low === state.interval.low && high === state.interval.high ? state.interval : { low, high },
  };
}

/** Intersects the running interval with the exact CS at the current n (bisection, for display). */
export function refreshSequence(state: SequenceState): SequenceState {
  if (state.n === 0) return state;
  const cs = confidenceInterval(state.spec.prior, state.s, state.n, state.spec.alpha);
  const low = Math.max(state.interval.low, cs.low);
  const high = Math.min(state.interval.high, cs.high);
  if (low === state.interval.low && high === state.interval.high) return state;
  return { ...state, interval: { low, high } };
}

/** log M at share p for the sequence's current counts, computed exactly (no incremental drift). */
export function sequenceLogMartingale(state: SequenceState, p: number): number {
  return logMartingale(state.spec.prior, state.s, state.n, p);
}
