/**
 * Where a prediction's time went, in Server-Timing form (browsers' developer tools show the HTTP
 * header; the socket answer carries the same string, and the prediction benchmark splits
 * Tandem's share with it): each stage's end, in order.
 */
export class StageClock {
  private last = performance.now();
  private readonly start = this.last;
  private readonly stages: string[] = [];
  mark = (stage: string): void => {
    const now = performance.now();
    this.stages.push(`${stage};dur=${(now - this.last).toFixed(2)}`);
    this.last = now;
  };
  header(): string {
    return [...this.stages, `total;dur=${(performance.now() - this.start).toFixed(2)}`].join(', ');
  }
}
