/**
 * Values made lately, kept in memory up to a byte budget, least recently used
 * out first: the listings and diffs the Files and Compare tabs show, so a
 * second look costs nothing (the disk cache behind it would decode them again).
 */
export class RecentValues<V> {
  private readonly values = new Map<string, { value: V; bytes: number }>();
  private bytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly sizeOf: (value: V) => number,
  ) {}

  get(key: string): V | undefined {
    const kept = this.values.get(key);
    if (!kept) return undefined;
    // Map order is insertion order: the one just used goes last.
    this.values.delete(key);
    this.values.set(key, kept);
    return kept.value;
  }

  /** Keeps `value` (a value larger than the budget is not kept). */
  set(key: string, value: V): void {
    this.delete(key);
    const bytes = this.sizeOf(value);
    if (bytes > this.maxBytes) return;
    this.values.set(key, { value, bytes });
    this.bytes += bytes;
    for (const [oldest, kept] of this.values) {
      if (this.bytes <= this.maxBytes) break;
      this.values.delete(oldest);
      this.bytes -= kept.bytes;
    }
  }

  delete(key: string): void {
    const kept = this.values.get(key);
    if (!kept) return;
    this.values.delete(key);
    this.bytes -= kept.bytes;
  }
}
