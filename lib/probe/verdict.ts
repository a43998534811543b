/**
 * The verdict over all destinations of one segment (statistics.md, "The verdict").
 *
 * Each destination's share gets a confidence sequence at α/k so that all k hold at once; with
 * two destinations the shares are complementary, so one sequence at α covers both (the
 * second destination's interval is the mirror of the first's). A lone destination gets one
 * sequence at α with target 1.
 *
 * - consistent: every destination's running interval lies inside target ± τ;
 * - inconsistent: some target lies outside its running interval (or an interval is empty:
 *   the data contradict every fixed split, e.g. the split changed unannounced);
 * - collecting: otherwise.
 * "Consistent" wins when both hold (a split off by less than τ is within tolerance even once
 * the interval no longer holds the exact target), so both verdicts are final once reached.
 */
import {
  confidenceInterval,
  logMarginal,
  logLikelihood,
  observe,
  refreshSequence,
  startSequence,
  type Interval,
  type MixturePrior,
  type SequenceState,
} from './confidence';

export type Verdict = 'collecting' | 'consistent' | 'inconsistent';

/** Default tolerance: shares within ±3 points of their targets are "consistent". */
export const DEFAULT_TOLERANCE = 0.03;

/** Default error budget over the whole probe, shared by the destinations. */
export const DEFAULT_ALPHA = 0.05;

/** The sequential test of one split. Plain data; never mutated. */
export interface SplitTest {
  readonly targets: readonly number[];
  readonly tolerance: number;
  readonly alpha: number;
  /** Two destinations: one sequence (on the first) mirrored for the second. */
  readonly complementary: boolean;
  readonly sequences: readonly SequenceState[];
  /** Classified responses per destination. */
  readonly counts: readonly number[];
  readonly draws: number;
}

export interface SplitTestOptions {
  tolerance?: number;
  alpha?: number;
  /** Overrides the prior per target (simulations compare priors through this). */
  priorFor?: (target: number, tolerance: number) => MixturePrior;
}

/** A test before any response, for targets that sum to 1. */
export function startSplitTest(targets: readonly number[], options: SplitTestOptions = {}): SplitTest {
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const complementary = targets.length === 2;
  const tested = complementary ? targets.slice(0, 1) : targets;
  const each = targets.length <= 2 ? alpha : alpha / targets.length;
  const sequences = tested.map((target) =>
    startSequence({ target, tolerance, alpha: each, ...(options.priorFor ? { prior: options.priorFor(target, tolerance) } : {}) }),
  );
  return { targets: [...targets], tolerance, alpha, complementary, sequences, counts: targets.map(() => 0), draws: 0 };
}

/** Adds one classified response that went to destination `index`. */
export function observeDraw(test: SplitTest, index: number): SplitTest {
  const sequences = new Array<SequenceState>(test.sequences.length);
  for (let i = 0; i < sequences.length; i += 1) sequences[i] = observe(test.sequences[i] as SequenceState, i === index);
  const counts = test.counts.slice();
  counts[index] = (counts[index] ?? 0) + 1;
  return { ...test, sequences, counts, draws: test.draws + 1 };
}

/** Recomputes the running intervals exactly (bisection); call before showing them. */
export function refreshSplitTest(test: SplitTest): SplitTest {
  return { ...test, sequences: test.sequences.map(refreshSequence) };
}

/** Each destination's running interval (the second mirrored when complementary). */
export function splitIntervals(test: SplitTest): Interval[] {
  if (test.complementary) {
    const first = test.sequences[0]?.interval ?? { low: 0, high: 1 };
    return [first, { low: 1 - first.high, high: 1 - first.low }];
  }
  return test.sequences.map((s) => s.interval);
}

/** The verdict now. */
export function splitVerdict(test: SplitTest): Verdict {
  if (test.sequences.some((s) => s.interval.low > s.interval.high)) return 'inconsistent';
  if (test.sequences.every((s) => s.lowerEdgeExcluded && s.upperEdgeExcluded)) return 'consistent';
  if (test.sequences.some((s) => s.targetExcluded)) return 'inconsistent';
  return 'collecting';
}

/** Above this many draws "samples needed" is reported as unknown. */
export const MAX_SAMPLES_ESTIMATE = 100_000_000;

function decidedAt(sequences: readonly SequenceState[], shares: readonly number[], n: number): boolean {
  let allInside = true;
  for (const [i, seq] of sequences.entries()) {
    const { spec } = seq;
    const share = shares[i] ?? spec.target;
    const s = share * n;
    const logMix = logMarginal(spec.prior, s, n);
    const outside = (p: number) => logMix - logLikelihood(s, n, p) >= spec.logThreshold;
    if (share !== spec.target && (seq.targetExcluded || outside(spec.target))) return true;
    const lowerOk = seq.lowerEdgeExcluded || (share > spec.points.lower.p && outside(spec.points.lower.p));
    const upperOk = seq.upperEdgeExcluded || (share < spec.points.upper.p && outside(spec.points.upper.p));
    if (!(lowerOk && upperOk)) allInside = false;
  }
  return allInside;
}

/**
 * Responses still needed for a verdict if the observed shares hold (before any response,
 * if the targets hold): the smallest N at which the split at those shares would be decided,
 * minus the responses so far. `null` when it never would be (a share sits exactly on a
 * tolerance edge) or only beyond MAX_SAMPLES_ESTIMATE; 0 once decided. An estimate: it ignores
 * the noise still to come and the running intersection, which only helps.
 */
export function samplesNeeded(test: SplitTest): number | null {
  if (splitVerdict(test) !== 'collecting') return 0;
  const shares = test.sequences.map((s) => (s.n === 0 ? s.spec.target : s.s / s.n));
  const n0 = test.draws;
  let high = Math.max(1, n0 * 2);
  while (!decidedAt(test.sequences, shares, high)) {
    high *= 2;
    if (high > MAX_SAMPLES_ESTIMATE) return null;
  }
  let low = Math.max(n0, Math.floor(high / 2));
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (decidedAt(test.sequences, shares, mid)) high = mid;
    else low = mid;
  }
  return Math.max(0, high - n0);
}

/** The exact confidence interval of one sequence now (no running intersection): for tests and charts. */
export function currentInterval(sequence: SequenceState): Interval {
  return confidenceInterval(sequence.spec.prior, sequence.s, sequence.n, sequence.spec.alpha);
}
