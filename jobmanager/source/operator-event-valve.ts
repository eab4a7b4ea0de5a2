/**
 * Holds back a coordinator's events to its subtasks while a checkpoint is between the
 * coordinator's snapshot and the injection of its barriers at the sources (Flink's
 * SubtaskGatewayImpl valve): an event sent after the snapshot must reach the reader after the
 * barrier, or the reader's checkpoint state would hold a split the enumerator's state says is
 * unassigned. Held events go out in order once every such checkpoint has its barriers on the way
 * (or was aborted). Pure bookkeeping: delivery is the caller's.
 */
export class OperatorEventValve<E> {
  /** Checkpoints whose snapshot was taken and whose barriers are not yet injected. */
  private readonly closedFor = new Set<number>();
  private held: { readonly subtask: number; readonly event: E }[] = [];

  constructor(private readonly deliver: (subtask: number, event: E) => void) {}

  get isOpen(): boolean {
    return this.closedFor.size === 0;
  }

  /** Events held back now. */
  get numberOfHeldEvents(): number {
    return this.held.length;
  }

  send(subtask: number, event: E): void {
    if (this.isOpen) this.deliver(subtask, event);
    else this.held.push({ subtask, event });
  }

  /** The coordinator's snapshot of `checkpointId` was taken: hold events from now on. */
  markForCheckpoint(checkpointId: number): void {
    this.closedFor.add(checkpointId);
  }

  /** The barriers of `checkpointId` were injected, or the checkpoint was aborted. */
  openAfter(checkpointId: number): void {
    if (!this.closedFor.delete(checkpointId) || !this.isOpen) return;
    const held = this.held;
    this.held = [];
    for (const { subtask, event } of held) this.deliver(subtask, event);
  }

  /** A failover: held events are for attempts that are gone; the valve opens empty. */
  reset(): void {
    this.closedFor.clear();
    this.held = [];
  }
}
