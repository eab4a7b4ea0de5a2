/** Where an operator's results go: the next chained operators and/or network record writers. */
export interface Output {
  collect(value: unknown, timestamp: number | undefined): void;
  /** Emits to the side output `tag`; dropped when nothing consumes that tag. */
  collectSide(tag: string, value: unknown, timestamp: number | undefined): void;
}

export interface RecordTarget {
  processElement(value: unknown, timestamp: number | undefined): void;
}

/** Fans out to main-output targets and per-tag side-output targets. */
export class OperatorOutput implements Output {
  constructor(
    private readonly main: readonly RecordTarget[],
    private readonly side: ReadonlyMap<string, readonly RecordTarget[]>,
  ) {}

  collect(value: unknown, timestamp: number | undefined): void {
    const targets = this.main;
    for (let i = 0; i < targets.length; i++) targets[i]!.processElement(value, timestamp);
  }

  collectSide(tag: string, value: unknown, timestamp: number | undefined): void {
    const targets = this.side.get(tag);
    if (targets === undefined) return;
    for (let i = 0; i < targets.length; i++) targets[i]!.processElement(value, timestamp);
  }
}
