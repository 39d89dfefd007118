/** Position of `n` in ascending `list`, or -1 (binary search). */
export function sortedIndexOf(list: ArrayLike<number>, n: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid] < n) lo = mid + 1;
    else hi = mid;
  }
  return lo < list.length && list[lo] === n ? lo : -1;
}
