// Fault injection for tests of the release analysis: a build deployed with
// FAULT_ERROR_PERCENT fails that share of its requests to "/".
//
// Deterministic rather than random, so a test can assert exact numbers:
// request n (from 1) fails when floor(n*p/100) > floor((n-1)*p/100). At 20 %
// every 5th request fails; any 100 consecutive requests hold p % of failures
// (rounded).

/** Returns a function to call once per request; true means "fail this one". */
export function createFaultSchedule(percent: number): () => boolean {
  // In hundredths of a percent (the config allows 2 decimals), so the
  // arithmetic is on integers and exact: 0.1 * 3 is not 0.3 in floating point.
  const per10k = Math.round(percent * 100);
  let n = 0;
  return () => {
    if (per10k === 0) return false;
    // The pattern repeats every 10,000 requests; wrapping there keeps n * per10k
    // far from the largest exact integer however long the pod runs.
    n = (n % 10_000) + 1;
    return Math.floor((n * per10k) / 10_000) > Math.floor(((n - 1) * per10k) / 10_000);
  };
}
