import { describe, expect, it } from 'vitest';
import { observeDraw, refreshSplitTest, samplesNeeded, splitIntervals, splitVerdict, startSplitTest, type SplitTest } from '@/lib/probe/verdict';

function feed(test: SplitTest, sequence: number[]): SplitTest {
  return sequence.reduce(observeDraw, test);
}

/** A deterministic stream with exactly the given proportions in every block of `block`. */
function stream(shares: number[], n: number, block = 100): number[] {
  const pattern = shares.flatMap((share, i) => new Array<number>(Math.round(share * block)).fill(i));
  // Interleave so that every prefix is close to the shares.
  const order = pattern.map((d, i) => ({ d, key: ((i * 7919) % block) / block })).sort((a, b) => a.key - b.key).map((x) => x.d);
  return Array.from({ length: n }, (_, i) => order[i % order.length] ?? 0);
}

describe('startSplitTest', () => {
  it.each([
    { targets: [1], sequences: 1, alpha: 0.05 },
    { targets: [0.1, 0.9], sequences: 1, alpha: 0.05 },
    { targets: [0.33, 0.33, 0.34], sequences: 3, alpha: 0.05 / 3 },
    { targets: [0.25, 0.25, 0.25, 0.25], sequences: 4, alpha: 0.05 / 4 },
  ])('$targets: $sequences sequence(s) at α = $alpha each', ({ targets, sequences, alpha }) => {
    const test = startSplitTest(targets);
    expect(test.sequences).toHaveLength(sequences);
    for (const s of test.sequences) expect(s.spec.alpha).toBeCloseTo(alpha, 12);
    expect(test.complementary).toBe(targets.length === 2);
    expect(splitVerdict(test)).toBe('collecting');
  });
});

describe('splitVerdict', () => {
  it('confirms a split that follows its targets', () => {
    const test = feed(startSplitTest([0.1, 0.9]), stream([0.1, 0.9], 3000));
    expect(splitVerdict(test)).toBe('consistent');
    const [a, b] = splitIntervals(refreshSplitTest(test));
    expect(a?.low).toBeGreaterThanOrEqual(0.07);
    expect(a?.high).toBeLessThanOrEqual(0.13);
    // Two destinations: the second interval mirrors the first.
    expect(b?.low).toBeCloseTo(1 - (a?.high ?? 0), 12);
    expect(b?.high).toBeCloseTo(1 - (a?.low ?? 0), 12);
  });

  it('catches a split that is 10 points off', () => {
    expect(splitVerdict(feed(startSplitTest([0.1, 0.9]), stream([0.2, 0.8], 400)))).toBe('inconsistent');
  });

  it('catches the kube-proxy 50/50 against a 10/90 route fast', () => {
    expect(splitVerdict(feed(startSplitTest([0.1, 0.9]), stream([0.5, 0.5], 60)))).toBe('inconsistent');
  });

  it('stays collecting while evidence is thin', () => {
    expect(splitVerdict(feed(startSplitTest([0.1, 0.9]), stream([0.1, 0.9], 100)))).toBe('collecting');
  });

  it('confirms a lone destination once its share is surely above 1 − τ', () => {
    const test = feed(startSplitTest([1]), new Array<number>(400).fill(0));
    expect(splitVerdict(test)).toBe('consistent');
  });

  it('handles three destinations', () => {
    expect(splitVerdict(feed(startSplitTest([0.2, 0.3, 0.5]), stream([0.2, 0.3, 0.5], 8000)))).toBe('consistent');
    expect(splitVerdict(feed(startSplitTest([0.2, 0.3, 0.5]), stream([0.4, 0.3, 0.3], 600)))).toBe('inconsistent');
  });

  it('says consistent rather than inconsistent when a split is off by less than τ (both are final)', () => {
    // 11.5 % against 10 %: the target leaves the interval before the interval fits the band.
    let test = startSplitTest([0.1, 0.9]);
    const verdicts = new Set<string>();
    for (const d of stream([0.115, 0.885], 40_000, 1000)) {
      test = observeDraw(test, d);
      verdicts.add(splitVerdict(test));
    }
    expect(splitVerdict(test)).toBe('consistent');
    expect(verdicts.has('inconsistent')).toBe(true);
  });
});

describe('samplesNeeded', () => {
  it('estimates a few hundred to a thousand responses up front for 10/90 at ±3 points', () => {
    const needed = samplesNeeded(startSplitTest([0.1, 0.9])) ?? Number.NaN;
    expect(needed).toBeGreaterThan(300);
    expect(needed).toBeLessThan(1500);
  });

  it('shrinks as responses arrive and reaches 0 at a verdict', () => {
    let test = startSplitTest([0.1, 0.9]);
    let previous = samplesNeeded(test) ?? Number.POSITIVE_INFINITY;
    const data = stream([0.1, 0.9], 3000);
    for (const [i, d] of data.entries()) {
      test = observeDraw(test, d);
      if (i % 250 === 249) {
        const now = samplesNeeded(test) ?? Number.POSITIVE_INFINITY;
        expect(now).toBeLessThanOrEqual(previous + 50);
        previous = now;
      }
    }
    expect(samplesNeeded(test)).toBe(0);
  });

  it('counts towards "inconsistent" when the share sits exactly on the tolerance edge', () => {
    // 53/47 against 50/50 can never fit ±3 points, but the target leaves the interval in time.
    const test = feed(startSplitTest([0.5, 0.5]), stream([0.53, 0.47], 100));
    const needed = samplesNeeded(test) ?? Number.NaN;
    expect(needed).toBeGreaterThan(1000);
    let later = test;
    for (const d of stream([0.53, 0.47], needed * 3)) later = observeDraw(later, d);
    expect(splitVerdict(later)).toBe('inconsistent');
  });
});
