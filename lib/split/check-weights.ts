/**
 * Checks on the weights a route stores, by the cluster's Istio version.
 */
import { destinationKey } from './destination';
import { pct } from './check-context';
import { finding, type Finding } from './findings';
import type { RouteInspection } from './model';
import { rejectsTotalOtherThan100, WEIGHT_TOTAL } from './weights';

/** Weight findings on the stored weights of one route. */
export function checkWeights(inspection: RouteInspection, istioVersion: string | undefined): Finding[] {
  const out: Finding[] = [];
  const { destinations, kind, index, path } = inspection;
  const strict = rejectsTotalOtherThan100(istioVersion);
  for (const d of destinations) {
    if (!d.weightSet) continue;
    const at = `${path}/route/${d.entry}/weight`;
    if (!Number.isInteger(d.weight) || d.weight < 0) {
      out.push(finding('weight-invalid', `${destinationKey(d)} has weight ${d.weight}; Istio takes whole numbers from 0 up. Set an integer weight.`, at));
    } else if (d.weight > WEIGHT_TOTAL && strict === true) {
      out.push(finding('weight-invalid', `${destinationKey(d)} has weight ${d.weight}; Istio ${istioVersion} accepts 0..100 only. Set weights that sum to 100.`, at));
    }
  }
  if (destinations.length === 1) {
    const lone = destinations[0];
    if (lone && lone.weightSet && lone.weight < WEIGHT_TOTAL) {
      out.push(
        finding(
          'weight-lone-under-100',
          `${destinationKey(lone)} is the only destination of ${kind} route ${index}, so it gets all of the traffic although its weight says ${lone.weight}. Set it to 100, or add the destination that should get the rest.`,
          `${path}/route/${lone.entry}/weight`,
        ),
      );
    }
    return out;
  }
  const total = destinations.reduce((a, d) => a + d.weight, 0);
  if (total === 0) {
    out.push(finding('weight-total-zero', `Every destination of ${kind} route ${index} has weight 0 (or none), so there is nothing to send traffic to and Istio rejects the route. Give at least one destination a weight.`, `${path}/route`));
  } else if (total !== WEIGHT_TOTAL) {
    const shares = destinations.map((d) => `${destinationKey(d)} ${pct(d.share)}`).join(', ');
    if (strict === true) {
      out.push(finding('weight-total-not-100', `The weights of ${kind} route ${index} sum to ${total}; Istio ${istioVersion} rejects sums other than 100 (relative weights came in 1.15). Apply the split from Splitscope, which writes a sum of 100.`, `${path}/route`));
    } else {
      out.push(
        finding(
          'weight-total-relative',
          `The weights of ${kind} route ${index} sum to ${total}; ${strict === false ? `Istio ${istioVersion}` : 'Istio 1.15 and later'} use them as relative shares (${shares})${strict === undefined ? ', while 1.14 and older reject them' : ''}. Splitscope writes them as a sum of 100 on the next apply.`,
          `${path}/route`,
        ),
      );
    }
  }
  return out;
}
