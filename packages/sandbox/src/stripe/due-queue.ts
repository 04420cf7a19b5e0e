/** A min-heap of `{at, rank}` entries: earliest time first, then lowest rank. */
export class DueQueue<T extends { at: number; rank: number }> {
  private heap: T[] = [];

  get size(): number {
    return this.heap.length;
  }

  private less(a: T, b: T): boolean {
    return a.at < b.at || (a.at === b.at && a.rank < b.rank);
  }

  push(item: T): void {
    const h = this.heap;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent];
      const c = h[i];
      if (!p || !c || !this.less(c, p)) break;
      h[parent] = c;
      h[i] = p;
      i = parent;
    }
  }

  pop(): T | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length === 0 || last === undefined) return top;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      const hm = () => h[m];
      const hl = h[l];
      const hr = h[r];
      const cur = hm();
      if (hl && cur && this.less(hl, cur)) m = l;
      const cur2 = hm();
      if (hr && cur2 && this.less(hr, cur2)) m = r;
      if (m === i) break;
      const a = h[i];
      const b = h[m];
      if (!a || !b) break;
      h[i] = b;
      h[m] = a;
      i = m;
    }
    return top;
  }

  peek(): T | undefined {
    return this.heap[0];
  }
}
